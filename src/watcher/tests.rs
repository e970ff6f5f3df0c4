//! The watcher-prover over a node's own handlers (an in-memory chain) and a store in a
//! temporary directory.

use std::path::Path;

use kraken_prover::block::BlockClaim;
use kraken_prover::cairo::verify_cairo_proof_with_policy;
use kraken_prover::{ProofOptions, VerifierPolicy};
use serde_json::Value;

use super::failover::Failover;
use super::plan::Ranges;
use super::store::ProofStore;
use super::metrics::ProverMetrics;
use super::prove::OnThreads;
use super::{run, Settings};
use crate::block_proof::check::check_against_chain;
use crate::block_proof::fetch::{Rpc, RpcFailure};
use crate::block_proof::sample::sample_chain;
use crate::certify::{keep, Attestation};
use crate::types::{Committee, KeyPair};
use super::observer::ProverObserver;
use super::record::ProofRecord;
use std::sync::{Arc, Mutex};
use crate::rpc::RpcContext;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

fn committee() -> (Committee, Vec<KeyPair>) {
    Committee::generate(4, 11, |_| (vec![], vec![]))
}

fn settings(k: u64, until: u64) -> Settings {
    Settings {
        ranges: Ranges { first: 1, k },
        workers: 2,
        until: Some(until),
        poll: std::time::Duration::from_millis(20),
        committee: Some(Arc::new(committee().0)),
    }
}

/// A sample chain whose blocks `signers` of the committee signed (as their nodes would
/// have, having executed them).
fn signed_chain(sizes: &[usize], seed: u64, signers: &[u32]) -> RpcContext {
    let ctx = sample_chain(sizes, seed).unwrap();
    let keys = committee().1;
    for height in 1..=sizes.len() as u64 {
        let hash = ctx.chain.record(height).unwrap().unwrap().sealed.block_hash;
        for &member in signers {
            keep(&ctx.store, member, &Attestation::sign(height, hash, &keys[member as usize])).unwrap();
        }
    }
    ctx
}

/// A chain the whole committee certified.
fn chain(sizes: &[usize], seed: u64) -> RpcContext {
    signed_chain(sizes, seed, &[0, 1, 2, 3])
}

fn threads() -> std::sync::Arc<OnThreads> {
    std::sync::Arc::new(OnThreads { options: ProofOptions::test_only() })
}

fn modified(dir: &Path, first: u64) -> std::time::SystemTime {
    std::fs::metadata(dir.join(format!("blocks/{first}/proof.json"))).unwrap().modified().unwrap()
}

#[test]
fn every_block_is_proved_and_each_proof_is_of_the_chains_block() {
    let ctx = chain(&[1, 3, 2], 1);
    let dir = tempfile::tempdir().unwrap();
    let store = ProofStore::local(dir.path()).unwrap();
    runtime().block_on(async {
        run(&Failover::new(vec![ctx.clone()]), &store, threads(), ProverMetrics::new().as_ref(), &settings(1, 3)).await.unwrap();
        assert_eq!(store.stored().await.unwrap().into_iter().collect::<Vec<_>>(), [(1, 1), (2, 2), (3, 3)]);
        for n in 1..=3 {
            let proof = store.proof(n).await.unwrap().expect("stored");
            let claim = verify_cairo_proof_with_policy(&proof, &VerifierPolicy { min_security_bits: 0 }).unwrap();
            let blocks = BlockClaim::from_verified(&claim).unwrap();
            check_against_chain(&ctx, &blocks).await.unwrap();
            let record = store.record(n).await.unwrap().expect("stored");
            assert_eq!((record.first_block, record.last_block, record.transactions), (n, n, [1, 3, 2][n as usize - 1]));
            assert_eq!(record.proof_bytes, proof.len() as u64);
            assert!(record.seen_at_ms > 0 && record.seen_at_ms <= record.proved_at_ms, "{record:?}");
        }
    });
}

#[test]
fn a_restart_fills_the_gap_and_proves_nothing_twice() {
    let ctx = chain(&[1, 1, 1, 1, 1], 2);
    let dir = tempfile::tempdir().unwrap();
    let store = ProofStore::local(dir.path()).unwrap();
    runtime().block_on(async {
        run(&Failover::new(vec![ctx.clone()]), &store, threads(), ProverMetrics::new().as_ref(), &settings(1, 3)).await.unwrap();
        // A crash between the proof and its record: block 2 has a proof but no record.
        std::fs::remove_file(dir.path().join("blocks/2/proof.json")).unwrap();
        let (one, three) = (modified(dir.path(), 1), modified(dir.path(), 3));
        std::thread::sleep(std::time::Duration::from_millis(20));
        run(&Failover::new(vec![ctx.clone()]), &store, threads(), ProverMetrics::new().as_ref(), &settings(1, 5)).await.unwrap();
        assert_eq!(store.stored().await.unwrap().keys().copied().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!((modified(dir.path(), 1), modified(dir.path(), 3)), (one, three), "blocks 1 and 3 were not proved again");
    });
}

#[test]
fn ranges_of_several_blocks_and_a_store_of_other_ranges_is_refused() {
    let ctx = chain(&[1, 2, 1, 1], 3);
    let dir = tempfile::tempdir().unwrap();
    let store = ProofStore::local(dir.path()).unwrap();
    runtime().block_on(async {
        run(&Failover::new(vec![ctx.clone()]), &store, threads(), ProverMetrics::new().as_ref(), &settings(2, 4)).await.unwrap();
        assert_eq!(store.stored().await.unwrap().into_iter().collect::<Vec<_>>(), [(1, 2), (3, 4)]);
        assert_eq!(store.record(3).await.unwrap().unwrap().transactions, 2);
        let err = run(&Failover::new(vec![ctx.clone()]), &store, threads(), ProverMetrics::new().as_ref(), &settings(1, 4)).await.unwrap_err().to_string();
        assert!(err.contains("blocks 1..=2") && err.contains("--blocks-per-proof"), "{err}");
    });
}

/// A node that is down.
struct Down;

impl Rpc for Down {
    async fn call(&self, _: &str, _: Value) -> Result<Value, RpcFailure> {
        Err(RpcFailure { code: None, message: "connection refused".into() })
    }
}

/// One node of a failover list: an odd one (down, lying) or an honest one.
enum Node<Odd> {
    Odd(Odd),
    Honest(RpcContext),
}

impl<Odd: Rpc> Rpc for Node<Odd> {
    async fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        match self {
            Node::Odd(odd) => odd.call(method, params).await,
            Node::Honest(ctx) => ctx.call(method, params).await,
        }
    }
}

#[test]
fn an_unreachable_node_is_skipped_for_the_next() {
    let ctx = chain(&[2], 4);
    let dir = tempfile::tempdir().unwrap();
    let store = ProofStore::local(dir.path()).unwrap();
    let nodes = Failover::new(vec![Node::Odd(Down), Node::Honest(ctx)]);
    runtime().block_on(async {
        run(&nodes, &store, threads(), ProverMetrics::new().as_ref(), &settings(1, 1)).await.unwrap();
        assert_eq!(store.stored().await.unwrap().len(), 1);
    });
}

#[test]
fn stored_proofs_settle_the_nodes_that_verify_them() {
    let ctx = chain(&[0, 1], 5);
    let dir = tempfile::tempdir().unwrap();
    let store = ProofStore::local(dir.path()).unwrap();
    let at_100_bits = std::sync::Arc::new(OnThreads { options: ProofOptions::conjectured_100() });
    runtime().block_on(async {
        run(&Failover::new(vec![ctx.clone()]), &store, at_100_bits, ProverMetrics::new().as_ref(), &settings(1, 2)).await.unwrap();
    });
    assert_eq!(ctx.chain.settled_height().unwrap(), 2, "the node verified both proofs and settled blocks 1 and 2");
}

/// A node whose block 2 holds a transaction kind the block program does not take.
struct L1HandlerIn2(RpcContext);

impl Rpc for L1HandlerIn2 {
    async fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        let block_2 = params[0]["block_number"] == 2;
        let mut answer = self.0.call(method, params).await?;
        if method == "starknet_getBlockWithReceipts" && block_2 {
            answer["transactions"][0]["transaction"]["type"] = "L1_HANDLER".into();
        }
        Ok(answer)
    }
}

#[test]
fn a_block_the_program_cannot_take_is_left_unproved_and_named() {
    let ctx = chain(&[1, 1, 1], 6);
    let dir = tempfile::tempdir().unwrap();
    let store = ProofStore::local(dir.path()).unwrap();
    let metrics = ProverMetrics::new();
    let err = runtime()
        .block_on(run(&Failover::new(vec![L1HandlerIn2(ctx)]), &store, threads(), metrics.as_ref(), &settings(1, 3)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("{2}") && err.contains("refused"), "{err}");
    let stored = runtime().block_on(store.stored()).unwrap();
    assert_eq!(stored.keys().copied().collect::<Vec<_>>(), [1, 3], "the blocks around it are proved");
}

/// What the prover reported of nodes serving uncertified blocks.
#[derive(Default)]
struct Uncertified(Mutex<Vec<(u64, u64, String)>>);

impl ProverObserver for Uncertified {
    fn tip(&self, _: u64) {}
    fn in_flight(&self, _: usize) {}
    fn started(&self, _: u64, _: u64) {}
    fn proved(&self, _: &ProofRecord, _: &[u8], _: u64) {}
    fn refused(&self, first: u64, _: u64, reason: &str) {
        panic!("range {first} refused: {reason}");
    }
    fn uncertified(&self, first: u64, last: u64, reason: &str) {
        self.0.lock().unwrap().push((first, last, reason.to_string()));
    }
}

/// A lying node: its block 2 is another block (its timestamp moved), and with
/// `claim_hash` it also says that block's hash is a new one.
struct Forger {
    honest: RpcContext,
    claim_hash: bool,
}

impl Rpc for Forger {
    async fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        let block_2 = params[0]["block_number"] == 2;
        let mut answer = self.honest.call(method, params).await?;
        if method == "starknet_getBlockWithReceipts" && block_2 {
            answer["timestamp"] = (answer["timestamp"].as_u64().unwrap() + 1).into();
            if self.claim_hash {
                answer["block_hash"] = "0x5eed".into();
            }
        }
        Ok(answer)
    }
}

#[test]
fn a_forged_block_is_refused_and_the_chain_proved_from_the_next_node() {
    for claim_hash in [false, true] {
        let ctx = chain(&[1, 2, 1], 7);
        let dir = tempfile::tempdir().unwrap();
        let store = ProofStore::local(dir.path()).unwrap();
        let nodes = Failover::new(vec![Node::Odd(Forger { honest: ctx.clone(), claim_hash }), Node::Honest(ctx.clone())]);
        let seen = Uncertified::default();
        runtime().block_on(async {
            run(&nodes, &store, threads(), &seen, &settings(1, 3)).await.unwrap();
            for n in 1..=3 {
                let proof = store.proof(n).await.unwrap().expect("stored");
                let claim = verify_cairo_proof_with_policy(&proof, &VerifierPolicy { min_security_bits: 0 }).unwrap();
                check_against_chain(&ctx, &BlockClaim::from_verified(&claim).unwrap()).await.unwrap();
            }
        });
        let seen = seen.0.into_inner().unwrap();
        assert_eq!(seen.len(), 1, "{seen:?}");
        let (first, last, reason) = &seen[0];
        assert_eq!((*first, *last), (2, 2));
        // A forger that keeps the certified hash is caught by the hash its block proves
        // to; one that claims another hash, before proving.
        let caught = if claim_hash { "the node serves a block with hash \"0x5eed\"" } else { "the proof's block hash is" };
        assert!(reason.contains(caught), "{reason}");
    }
}

#[test]
fn blocks_short_of_a_quorum_of_signatures_wait_unproved() {
    let ctx = signed_chain(&[1, 1], 8, &[0, 3]);
    let dir = tempfile::tempdir().unwrap();
    let store = ProofStore::local(dir.path()).unwrap();
    runtime().block_on(async {
        let (nodes, metrics, settings) = (Failover::new(vec![ctx.clone()]), ProverMetrics::new(), settings(1, 2));
        let waiting = run(&nodes, &store, threads(), metrics.as_ref(), &settings);
        assert!(tokio::time::timeout(std::time::Duration::from_millis(500), waiting).await.is_err(), "the prover waits for the certificates");
        assert!(store.stored().await.unwrap().is_empty());
    });
}
