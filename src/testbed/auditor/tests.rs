//! The auditor on histories made by really executing blocks (Cairo VM, in memory): a
//! correct chain passes, and each way of being wrong — a chain whose nodes all skip the
//! fee, a wrong outcome, a wrong result, a lost nonce, a stray write, an unsigned
//! transaction included — fails with a message naming it.

use super::records::BlockState;
use super::*;
use crate::chain::{Chain, ChainSettings};
use crate::storage::{Store, Table};
use crate::types::Tx;
use kraken_execution::calls::{fact, fib, transfer};
use kraken_execution::wallet::{self, Call, GasLimits};
use kraken_execution::{Engine, GenesisConfig};
use kraken_sim::events::{Event, EventKind};
use kraken_sim::history::build::history;

/// A transaction of a test block: sender account, nonce, call.
type Planned = (usize, u64, Call);

fn genesis_config() -> GenesisConfig {
    GenesisConfig { accounts: 3, ..Default::default() }
}

/// Executes `blocks` on a fresh chain and records what a run with two honest nodes
/// (both with this execution) records: the client's signed notes, both commits and both
/// block-state notes.
fn run(unsafe_skip_fee_transfer: bool, blocks: impl Fn(&Genesis) -> Vec<Vec<Planned>>) -> (Genesis, Vec<Event>) {
    let store = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
    let settings = ChainSettings { engine: Engine::Vm, genesis: genesis_config(), unsafe_skip_fee_transfer };
    let chain = Chain::open(store.clone(), &settings).unwrap();
    let g = chain.genesis.clone();
    let mut events = Vec::new();
    let mut t = 0;
    let mut at = |node: &str, kind| {
        t += 1;
        Event { t_us: t, node: node.into(), kind }
    };
    for (height, block) in (1u64..).zip(blocks(&g)) {
        let mut txs = Vec::new();
        for (account, nonce, call) in block {
            let a = &g.accounts[account];
            let signed = wallet::invoke(a, nonce.into(), std::slice::from_ref(&call), GasLimits::default(), &g.chain.chain_id());
            let tx = Tx(signed.encode());
            events.push(at("client", signed_note(&tx.id().short(), a.address, nonce, GasLimits::default().max_fee(), &call)));
            txs.push(tx);
        }
        let ids: Vec<String> = txs.iter().map(|tx| tx.id().short()).collect();
        store.put(Table::BlockTxs, &height.to_be_bytes(), &txs).unwrap();
        let executed = chain.execute_next().unwrap().expect("the block executes");
        for node in ["n0", "n1"] {
            let commit = EventKind::BlockCommitted { height, round: height, block: format!("b{height}"), parent: String::new(), txs: ids.clone() };
            events.push(at(node, commit));
            events.push(at(node, block_state_note(&executed)));
        }
    }
    (g, events)
}

/// Two blocks: fib, fact and a transfer; then an overdraft (reverts), a stale nonce
/// (rejected) and a transfer to oneself.
fn mixed(g: &Genesis) -> Vec<Vec<Planned>> {
    let [a0, a1, a2] = [0, 1, 2].map(|i| g.accounts[i].address);
    vec![
        vec![(0, 0, fib(g, 10)), (1, 0, fact(g, 7)), (2, 0, transfer(g.token, a0, 500))],
        vec![(0, 1, transfer(g.token, a1, u128::MAX)), (1, 0, fib(g, 3)), (2, 1, transfer(g.token, a2, 42))],
    ]
}

fn audit(g: &Genesis, events: Vec<Event>) -> Verdict {
    Auditor::new(g.clone()).check(&history(2, &[], 10, 0, events))
}

/// Rewrites n1's block-state note of `height`.
fn tamper(events: &mut [Event], height: u64, change: impl Fn(&mut BlockState)) {
    for e in events.iter_mut().filter(|e| e.node == "n1") {
        let EventKind::Note { what, detail } = &mut e.kind else { continue };
        if what == "block_state" && detail["height"] == height {
            let mut state: BlockState = serde_json::from_value(detail.clone()).unwrap();
            change(&mut state);
            *detail = serde_json::to_value(state).unwrap();
        }
    }
}

#[test]
fn a_correct_chain_passes_with_its_revert_and_rejection() {
    let (g, events) = run(false, mixed);
    let verdict = audit(&g, events);
    assert!(verdict.passed, "{verdict:?}");
    assert!(verdict.detail.contains("4 executions of heights 1..=2: 5 transactions included (1 reverted), 1 rejected"), "{}", verdict.detail);
}

#[test]
fn nodes_that_all_skip_the_fee_fail_though_they_agree() {
    let (g, events) = run(true, mixed);
    let verdict = audit(&g, events);
    assert!(!verdict.passed);
    assert!(verdict.detail.starts_with("height 1, n0: fee-token balance of"), "{}", verdict.detail);
}

#[test]
fn a_wrong_outcome_result_nonce_or_write_fails() {
    let (g, clean) = run(false, mixed);
    let fails = |height, change: &dyn Fn(&mut BlockState)| {
        let mut events = clean.clone();
        tamper(&mut events, height, change);
        let verdict = audit(&g, events);
        assert!(!verdict.passed);
        verdict.detail
    };
    let overdraft_succeeds = fails(2, &|s| s.receipts[0].0 = Outcome::Succeeded);
    assert!(overdraft_succeeds.starts_with("height 2, n1: transaction 0 ("), "{overdraft_succeeds}");
    assert!(overdraft_succeeds.ends_with("Succeeded, the model says Reverted (overdraft: balance 1000000000000000000000500 below 340282366920938463463374607431768211455)"), "{overdraft_succeeds}");

    let fib = g.fib;
    let wrong_fib = fails(1, &|s| {
        let slot = s.diff.storage_updates.get_mut(&fib).unwrap().values_mut().next().unwrap();
        *slot += Felt::ONE;
    });
    assert_eq!(wrong_fib, "height 1, n1: fib's last_result is 0x38, the model says 0x37");

    let a0 = g.accounts[0].address;
    let lost_nonce = fails(1, &|s| {
        s.diff.nonces.remove(&a0);
    });
    assert_eq!(lost_nonce, format!("height 1, n1: the nonce of {a0:#x} did not move, the model says 1"));

    let stray = fails(2, &|s| {
        s.diff.storage_updates.entry(fib).or_default().insert(Felt::from(7u8), Felt::ONE);
    });
    assert_eq!(stray, format!("height 2, n1: storage 0x7 of contract {fib:#x} changed to 0x1, which no transaction of the block should change"));

    let fee = fails(1, &|s| s.receipts[1].1 = 0);
    assert!(fee.contains("fee 0, outside (0, "), "{fee}");
}

#[test]
fn an_included_transaction_nobody_signed_fails() {
    let (g, mut events) = run(false, mixed);
    let first_signed = events.iter().position(|e| e.node == "client").unwrap();
    events.remove(first_signed);
    let verdict = audit(&g, events);
    assert!(!verdict.passed);
    assert!(verdict.detail.contains("Succeeded, the model says Rejected (not a transaction the load client signed)"), "{}", verdict.detail);
}
