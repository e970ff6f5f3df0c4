//! Admission answers each bad transaction with the Starknet error a client expects.

mod common;

use common::chain;
use kraken_execution::calls::{fib, signed_invoke};
use kraken_execution::wallet::{self, Account, GasLimits};
use kraken_execution::{CompiledClass, Engine, Felt, StateView, TxKind};

fn code(result: Result<kraken_execution::Admitted, kraken_execution::StarknetError>) -> i32 {
    match result {
        Ok(a) => panic!("admitted {a:?}"),
        Err(e) => e.code,
    }
}

#[test]
fn admission_accepts_good_transactions_and_pipelined_nonces() {
    let mut c = chain(Engine::Vm);
    let g = c.genesis.clone();
    let env = c.next_env();
    for nonce in 0..3 {
        let admitted = c.executor.admit(&c.state, env, &signed_invoke(&g, &g.accounts[0], nonce, &[fib(&g, 3)])).unwrap();
        assert_eq!(admitted.kind, TxKind::Invoke);
    }
    // Once nonce 0 executed, it is spent.
    c.execute(&[&signed_invoke(&g, &g.accounts[0], 0, &[fib(&g, 3)])]).unwrap();
    let spent = signed_invoke(&g, &g.accounts[0], 0, &[fib(&g, 4)]);
    assert_eq!(code(c.executor.admit(&c.state, c.next_env(), &spent)), 52);
}

#[test]
fn admission_errors_carry_the_spec_codes() {
    let c = chain(Engine::Vm);
    let g = c.genesis.clone();
    let env = c.next_env();
    let alice = &g.accounts[0];
    let chain_id = g.chain.chain_id();

    let impostor = Account { private_key: Felt::from(99u8), ..alice.clone() };
    assert_eq!(code(c.executor.admit(&c.state, env, &signed_invoke(&g, &impostor, 0, &[fib(&g, 1)]))), 55);

    let broke = Account::from_key(Felt::from(0xBEEFu64), g.account_class);
    let undeployed = wallet::deploy_account(&broke, g.account_class, GasLimits::default(), &chain_id).encode();
    assert_eq!(code(c.executor.admit(&c.state, env, &undeployed)), 54, "an unfunded address cannot pay");

    assert_eq!(code(c.executor.admit(&c.state, env, b"{\"type\":\"INVOKE\"}")), 61);
    assert_eq!(code(c.executor.admit(&c.state, env, b"\xff\x00garbage")), 61);

    let fib_class = c.state.class(g.fib_class.0).unwrap().unwrap();
    let mut sierra = (*fib_class.sierra).clone();
    let declared_again = wallet::declare(alice, Felt::ZERO, sierra.clone(), fib_class.compiled_class_hash, GasLimits::default(), &chain_id);
    assert_eq!(code(c.executor.admit(&c.state, env, &declared_again.encode())), 51);
    sierra.abi.push(' ');
    let wrong = wallet::declare(alice, Felt::ZERO, sierra.clone(), starknet_api::core::CompiledClassHash(Felt::ONE), GasLimits::default(), &chain_id);
    assert_eq!(code(c.executor.admit(&c.state, env, &wrong.encode())), 60);
    let fresh = CompiledClass::compile(sierra.clone()).unwrap();
    let ok = wallet::declare(alice, Felt::ZERO, sierra, fresh.compiled_class_hash, GasLimits::default(), &chain_id);
    assert_eq!(c.executor.admit(&c.state, env, &ok.encode()).unwrap().kind, TxKind::Declare);
}
