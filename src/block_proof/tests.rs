//! The block program against a node's real executed blocks, through the node's own
//! JSON-RPC: the hashes it computes are the node's (`starknet/`'s), and tampering with
//! the input or the claim is caught.

use std::sync::{Arc, OnceLock};

use futures::executor::block_on;
use kraken_execution::calls::{fact, fib, transfer};
use kraken_execution::class::CompiledClass;
use kraken_execution::genesis::artifacts;
use kraken_execution::wallet::{self, Account, GasLimits, SignedTx};
use kraken_execution::{Engine, Felt, GenesisConfig};
use kraken_prover::block::{run_blocks, BlockRun};
use kraken_prover::field::FE;
use starknet_types_core::hash::{Poseidon, StarkHash};

use super::fetch::fetch_input;
use super::{to_fe, to_felt};
use crate::chain::{Chain, ChainSettings};
use crate::rpc::RpcContext;
use crate::storage::{Store, Table};
use crate::types::Tx;

struct Fixture {
    ctx: RpcContext,
    /// Per block, its transactions and what the program must record for each:
    /// (status, results).
    expected: Vec<Vec<(Felt, u64, Vec<Felt>)>>,
}

const NOT_EXECUTED: u64 = 0;
const SUCCEEDED: u64 = 1;
const REVERTED: u64 = 2;

fn fib_of(n: u64) -> Felt {
    let (mut a, mut b) = (Felt::ZERO, Felt::ONE);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    a
}

fn fact_of(n: u64) -> Felt {
    (1..=n).fold(Felt::ONE, |acc, i| acc * Felt::from(i))
}

/// Blocks 1..=3 on a 4-account chain (VM engine):
/// 1. a KRK transfer, a KRK transfer beyond the balance (reverts), fib(20), fact(10), a
///    STRK transfer funding `newcomer` (not executed) and its deploy-account;
/// 2. a declare, a multicall (fib(7) then a KRK transfer), a KRK transfer to oneself;
/// 3. a transfer of everything bob has.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let store = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
        let config = GenesisConfig { accounts: 4, ..GenesisConfig::default() };
        let chain: Arc<Chain> = Chain::open(store.clone(), &ChainSettings { engine: Engine::Vm, genesis: config.clone() }).unwrap();
        let g = chain.genesis.clone();
        let [alice, bob, carol, dave] = [0, 1, 2, 3].map(|i| g.accounts[i].clone());
        let newcomer = Account::from_key(Felt::from(0xC0FFEEu64), g.account_class);
        let id = g.chain.chain_id();
        let limits = GasLimits::default();
        let invoke = |who: &Account, nonce: u64, calls| wallet::invoke(who, Felt::from(nonce), calls, limits, &id);
        let counter = CompiledClass::from_artifacts(artifacts::COUNTER.0, artifacts::COUNTER.1).unwrap();
        let blocks: Vec<Vec<(SignedTx, u64, Vec<Felt>)>> = vec![
            vec![
                (invoke(&alice, 0, &[transfer(g.token, bob.address, 1_000)]), SUCCEEDED, vec![Felt::ONE]),
                (invoke(&alice, 1, &[transfer(g.token, bob.address, config.balance)]), REVERTED, vec![]),
                (invoke(&bob, 0, &[fib(&g, 20)]), SUCCEEDED, vec![fib_of(20)]),
                (invoke(&carol, 0, &[fact(&g, 10)]), SUCCEEDED, vec![fact_of(10)]),
                (invoke(&dave, 0, &[transfer(g.chain.fee_token, newcomer.address, 10u128.pow(18))]), NOT_EXECUTED, vec![]),
                (wallet::deploy_account(&newcomer, g.account_class, limits, &id), NOT_EXECUTED, vec![]),
            ],
            vec![
                (wallet::declare(&alice, Felt::TWO, (*counter.sierra).clone(), counter.compiled_class_hash, limits, &id), NOT_EXECUTED, vec![]),
                (invoke(&bob, 1, &[fib(&g, 7), transfer(g.token, carol.address, 5)]), SUCCEEDED, vec![fib_of(7), Felt::ONE]),
                (invoke(&carol, 1, &[transfer(g.token, carol.address, 9)]), SUCCEEDED, vec![Felt::ONE]),
            ],
            vec![(invoke(&bob, 2, &[transfer(g.token, dave.address, config.balance + 1_000 - 5)]), SUCCEEDED, vec![Felt::ONE])],
        ];
        let mut expected = Vec::new();
        for (i, txs) in blocks.iter().enumerate() {
            let payloads: Vec<Tx> = txs.iter().map(|(t, _, _)| Tx(t.encode())).collect();
            store.put(Table::BlockTxs, &(i as u64 + 1).to_be_bytes(), &payloads).unwrap();
            chain.execute_next().unwrap().expect("the block executes");
            expected.push(txs.iter().map(|(t, s, r)| (t.hash, *s, r.clone())).collect());
        }
        let ctx = RpcContext { chain, mempool: crate::rpc::tests::closed_mempool(), store, received: Default::default() };
        Fixture { ctx, expected }
    })
}

fn sealed_hash(n: u64) -> Felt {
    fixture().ctx.chain.record(n).unwrap().expect("an executed block").sealed.block_hash
}

fn input(first: u64, last: u64) -> Vec<FE> {
    let fetched = block_on(fetch_input(&fixture().ctx, first, last)).expect("the input builds");
    fetched.felts.iter().map(to_fe).collect()
}

fn run(input: &[FE]) -> BlockRun {
    run_blocks(input).expect("the block program accepts the input")
}

/// The digest the program must output for blocks first..=last.
fn expected_digest(first: u64, last: u64) -> Felt {
    let mut records = Vec::new();
    for block in &fixture().expected[first as usize - 1..last as usize] {
        for (hash, status, results) in block {
            records.extend([*hash, Felt::from(*status), Felt::from(results.len())]);
            records.extend(results.iter().copied());
        }
    }
    Poseidon::hash_array(&records)
}

#[test]
fn the_program_computes_the_nodes_block_hashes_and_the_calls_results() {
    for (first, last) in [(1, 1), (2, 2), (3, 3), (1, 3)] {
        let out = run(&input(first, last)).outputs;
        let n_txs: usize = fixture().expected[first as usize - 1..last as usize].iter().map(Vec::len).sum();
        assert_eq!(to_felt(&out[0]), Felt::from(first));
        assert_eq!(to_felt(&out[1]), Felt::from(last));
        assert_eq!(to_felt(&out[2]), sealed_hash(first - 1), "parent of block {first}");
        assert_eq!(to_felt(&out[3]), sealed_hash(last), "hash of block {last}");
        assert_eq!(to_felt(&out[4]), Felt::from(n_txs));
        assert_eq!(to_felt(&out[5]), expected_digest(first, last), "results of blocks {first}..={last}");
    }
}
