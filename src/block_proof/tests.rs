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

use kraken_prover::block::{program_hash, BlockClaim, BlockClaimError, BUILTINS};
use kraken_prover::cairo::VerifiedClaim;
use kraken_prover::ProofOptions;
use serde_json::{json, Value};

use super::check::check_against_chain;
use super::fetch::{fetch_answers, fetch_input, Answers};
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
        let chain: Arc<Chain> = Chain::open(store.clone(), &ChainSettings { engine: Engine::Vm, genesis: config.clone(), ..Default::default() }).unwrap();
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
    fetched.iter().map(to_fe).collect()
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

fn answers(first: u64, last: u64) -> Answers {
    block_on(fetch_answers(&fixture().ctx, first, last)).expect("the answers arrive")
}

fn felts_of(a: &Answers) -> Vec<FE> {
    a.program_input().expect("the input builds").iter().map(to_fe).collect()
}

/// The claim a valid proof of the program on `input` would carry.
fn claim_of(input: &[FE]) -> BlockClaim {
    let run = run(input);
    let claim = VerifiedClaim {
        program_hash: program_hash(),
        builtins: BUILTINS.to_vec(),
        inputs: input.to_vec(),
        outputs: run.outputs,
        security_bits: 100,
        steps: run.steps,
        trace_length: run.steps.next_power_of_two(),
        options: ProofOptions::conjectured_100(),
    };
    BlockClaim::from_verified(&claim).expect("a block claim")
}

fn on_chain(claim: &BlockClaim) -> Result<(), String> {
    block_on(check_against_chain(&fixture().ctx, claim)).map_err(|e| e.to_string())
}

fn txs(a: &mut Answers, block: usize) -> &mut Vec<Value> {
    a.blocks[block].block["transactions"].as_array_mut().expect("transactions")
}

#[test]
fn a_claim_of_the_chains_blocks_matches_the_chain() {
    for (first, last) in [(1, 1), (1, 3), (3, 3)] {
        let claim = claim_of(&input(first, last));
        on_chain(&claim).expect("the chain's own blocks");
        assert_eq!((claim.first_block, claim.last_block), (first, last));
    }
    let claim = claim_of(&input(1, 2));
    assert_eq!(claim.blocks.iter().map(|b| (b.number, b.transactions, b.deploy_accounts, b.declares)).collect::<Vec<_>>(), [(1, 6, 1, 0), (2, 3, 0, 1)]);
}

#[test]
fn a_proof_of_block_n_is_not_a_proof_of_block_n_plus_1() {
    let mut a = answers(2, 2);
    a.blocks[0].block["block_number"] = json!(3);
    let err = on_chain(&claim_of(&felts_of(&a))).unwrap_err();
    assert!(err.contains("other blocks") && err.contains("block 3"), "{err}");
}

/// Each mutation of block 1's answers gives a block the chain does not have.
#[test]
fn a_dropped_duplicated_reordered_or_changed_transaction_or_header_is_another_block() {
    let mutations: Vec<(&str, Box<dyn Fn(&mut Answers)>)> = vec![
        ("dropped", Box::new(|a| { txs(a, 0).remove(2); })),
        ("duplicated", Box::new(|a| { let t = txs(a, 0)[2].clone(); txs(a, 0).insert(2, t); })),
        ("reordered", Box::new(|a| txs(a, 0).swap(2, 3))),
        ("calldata felt", Box::new(|a| txs(a, 0)[2]["transaction"]["calldata"][4] = json!("0x15"))),
        ("signature felt", Box::new(|a| txs(a, 0)[0]["transaction"]["signature"][0] = json!("0x1"))),
        ("event data", Box::new(|a| txs(a, 0)[0]["receipt"]["events"][0]["data"][0] = json!("0x3e9"))),
        ("fee", Box::new(|a| txs(a, 0)[3]["receipt"]["actual_fee"]["amount"] = json!("0x1"))),
        ("timestamp", Box::new(|a| a.blocks[0].block["timestamp"] = json!(7))),
        ("state root", Box::new(|a| a.blocks[0].block["new_root"] = json!("0x1234"))),
        ("sequencer", Box::new(|a| a.blocks[0].block["sequencer_address"] = json!("0x1"))),
        ("gas price", Box::new(|a| a.blocks[0].block["l2_gas_price"]["price_in_fri"] = json!("0x2"))),
        ("state diff", Box::new(|a| a.blocks[0].state_update["state_diff"]["nonces"][0]["nonce"] = json!("0x9"))),
    ];
    for (what, mutate) in mutations {
        let mut a = answers(1, 1);
        mutate(&mut a);
        let input = felts_of(&a);
        match run_blocks(&input) {
            // A changed calldata felt no longer hashes to the hash the input carries (the
            // receipt's), and a changed Transfer event no longer matches the transfer
            // the program runs: both are refused outright.
            Err(_) => assert!(["calldata felt", "event data"].contains(&what), "{what} refused"),
            Ok(r) => {
                assert_ne!(to_felt(&r.outputs[3]), sealed_hash(1), "{what}: same block hash");
                let err = on_chain(&claim_of(&input)).unwrap_err();
                assert!(err.contains("other blocks"), "{what}: {err}");
            }
        }
    }
}

#[test]
fn a_range_with_a_broken_parent_link_is_refused() {
    let mut a = answers(1, 2);
    a.blocks[0].block["timestamp"] = json!(7);
    assert!(run_blocks(&felts_of(&a)).is_err(), "block 2's parent is not the changed block 1");
    let mut a = answers(1, 2);
    a.blocks[1].block["parent_hash"] = json!("0x5");
    assert!(run_blocks(&felts_of(&a)).is_err(), "block 2 names another parent");
    let mut a = answers(1, 3);
    a.blocks.remove(1);
    assert!(run_blocks(&felts_of(&a)).is_err(), "block 3 does not follow block 1");
}

#[test]
fn a_transfer_that_overdraws_cannot_be_claimed_to_succeed() {
    // Block 1's second transfer reverts on the chain; claiming it succeeded is refused.
    let mut a = answers(1, 1);
    txs(&mut a, 0)[1]["receipt"]["execution_status"] = json!("SUCCEEDED");
    assert!(run_blocks(&felts_of(&a)).is_err());
    // With less KRK than the first transfer moves, its success cannot be proven either.
    let mut a = answers(1, 1);
    let alice = fixture().ctx.chain.genesis.accounts[0].address;
    let balance = a.balances.iter_mut().find(|b| b.address == alice).expect("alice's balance is input");
    balance.low = Felt::from(999u64);
    assert!(run_blocks(&felts_of(&a)).is_err());
}

#[test]
fn a_wrong_call_result_is_not_the_proven_digest() {
    let out = run(&input(1, 1)).outputs;
    assert_eq!(to_felt(&out[5]), expected_digest(1, 1));
    let mut wrong = fixture().expected[0].clone();
    wrong[2].2 = vec![fib_of(20) + Felt::ONE];
    let mut records = Vec::new();
    for (hash, status, results) in &wrong {
        records.extend([*hash, Felt::from(*status), Felt::from(results.len())]);
        records.extend(results.iter().copied());
    }
    assert_ne!(to_felt(&out[5]), Poseidon::hash_array(&records));
}

#[test]
fn inputs_the_program_does_not_know_get_a_clear_error() {
    let mut a = answers(1, 1);
    txs(&mut a, 0)[0]["transaction"]["type"] = json!("L1_HANDLER");
    let err = a.program_input().unwrap_err().to_string();
    assert!(err.contains("block 1, transaction 0") && err.contains("L1_HANDLER"), "{err}");
    let mut a = answers(1, 1);
    txs(&mut a, 0)[0]["transaction"]["version"] = json!("0x1");
    let err = a.program_input().unwrap_err().to_string();
    assert!(err.contains("v3 transactions only"), "{err}");
    let err = block_on(fetch_answers(&fixture().ctx, 2, 9)).err().expect("block 9 does not exist").to_string();
    assert!(err.contains("no block 4"), "{err}");
}

#[test]
fn a_proof_of_another_program_is_not_a_block_claim() {
    let input = input(3, 3);
    let run = run(&input);
    let claim = VerifiedClaim {
        program_hash: FE::from(5u64),
        builtins: BUILTINS.to_vec(),
        inputs: input,
        outputs: run.outputs,
        security_bits: 100,
        steps: run.steps,
        trace_length: 1 << 12,
        options: ProofOptions::conjectured_100(),
    };
    assert!(matches!(BlockClaim::from_verified(&claim), Err(BlockClaimError::OtherProgram { .. })));
}

/// One real proof: it verifies, says what the run says, and a changed output (a wrong
/// result digest) or input felt does not verify.
#[test]
fn a_real_block_proof_verifies_and_tampering_with_its_claim_does_not() {
    use kraken_prover::block::prove_blocks;
    use kraken_prover::cairo::{decode_cairo_proof, encode_cairo_proof, verify_cairo_proof_with_policy};
    use kraken_prover::VerifierPolicy;
    let input = input(3, 3);
    let (bytes, _) = prove_blocks(&input, &ProofOptions::test_only()).expect("block 3 proves");
    let policy = VerifierPolicy { min_security_bits: 0 };
    let claim = verify_cairo_proof_with_policy(&bytes, &policy).expect("the proof verifies");
    let blocks = BlockClaim::from_verified(&claim).expect("a block proof");
    on_chain(&blocks).expect("of the chain's block 3");
    assert_eq!(blocks.results_digest, to_fe(&expected_digest(3, 3)));
    for tamper in [0, 1] {
        let mut p = decode_cairo_proof(&bytes).unwrap();
        match tamper {
            0 => p.public_input.outputs[5] += FE::from(1u64),
            _ => p.public_input.inputs[7] += FE::from(1u64),
        }
        assert!(verify_cairo_proof_with_policy(&encode_cairo_proof(&p), &policy).is_err(), "tamper {tamper}");
    }
}
