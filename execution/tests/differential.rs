//! Native and VM must agree: the same blocks executed by both engines give the same
//! receipts and state roots — over random mixes of calls, reverts and rejections.

mod common;

use common::chain;
use kraken_execution::calls::{fact, fib, signed_invoke, transfer};
use kraken_execution::wallet::Account;
use kraken_execution::{Engine, Felt, LocalChain};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Fib(u64),
    Fact(u64),
    Transfer { to: usize, amount: u128 },
    /// More than the sender has: reverts.
    Overdraw,
    /// Signed by the wrong key: rejected.
    BadSignature,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u64..90).prop_map(Op::Fib),
        (0u64..40).prop_map(Op::Fact),
        (0usize..8, 0u128..1_000_000).prop_map(|(to, amount)| Op::Transfer { to, amount }),
        Just(Op::Overdraw),
        Just(Op::BadSignature),
    ]
}

/// Turns ops into blocks of payloads with the nonces execution will expect.
fn payloads(c: &LocalChain, blocks: &[Vec<(usize, Op)>]) -> Vec<Vec<Vec<u8>>> {
    let g = &c.genesis;
    let mut nonces = vec![0u64; g.accounts.len()];
    blocks
        .iter()
        .map(|ops| {
            ops.iter()
                .map(|(from, op)| {
                    let sender = &g.accounts[*from];
                    let call = match op {
                        Op::Fib(n) => fib(g, *n),
                        Op::Fact(n) => fact(g, *n),
                        Op::Transfer { to, amount } => transfer(g.token, g.accounts[*to].address, *amount),
                        Op::Overdraw => transfer(g.token, g.accounts[0].address, u128::MAX / 2),
                        Op::BadSignature => {
                            let impostor = Account { private_key: Felt::from(5u8), ..sender.clone() };
                            return signed_invoke(g, &impostor, nonces[*from], &[fib(g, 1)]);
                        }
                    };
                    let p = signed_invoke(g, sender, nonces[*from], &[call]);
                    nonces[*from] += 1;
                    p
                })
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn native_and_vm_agree_on_receipts_and_roots(
        blocks in prop::collection::vec(prop::collection::vec((0usize..8, op()), 0..8), 1..4)
    ) {
        let mut native = chain(Engine::Native);
        let mut vm = chain(Engine::Vm);
        for block in payloads(&native, &blocks) {
            let refs: Vec<&[u8]> = block.iter().map(Vec::as_slice).collect();
            let (n, n_sealed) = native.execute(&refs).unwrap();
            let (v, v_sealed) = vm.execute(&refs).unwrap();
            prop_assert_eq!(&n.receipts, &v.receipts);
            prop_assert_eq!(n_sealed, v_sealed);
            prop_assert_eq!(n.vm_calls, 0, "the native engine ran something on the VM");
            prop_assert_eq!(v.native_calls, 0);
        }
    }
}

#[test]
fn the_native_engine_really_runs_native_code() {
    let mut c = chain(Engine::Native);
    let g = c.genesis.clone();
    let (block, _) = c.execute(&[&signed_invoke(&g, &g.accounts[0], 0, &[fib(&g, 10)])]).unwrap();
    assert!(block.receipts[0].status == kraken_execution::TxStatus::Succeeded, "{:?}", block.receipts[0]);
    assert!(block.native_calls >= 2, "validate, execute and fee transfer should run natively: {block:?}");
    assert_eq!(block.vm_calls, 0);
}
