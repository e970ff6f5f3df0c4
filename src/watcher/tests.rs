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
use crate::rpc::RpcContext;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

fn settings(k: u64, until: u64) -> Settings {
    Settings {
        ranges: Ranges { first: 1, k },
        workers: 2,
        until: Some(until),
        poll: std::time::Duration::from_millis(20),
    }
}

fn threads() -> std::sync::Arc<OnThreads> {
    std::sync::Arc::new(OnThreads { options: ProofOptions::test_only() })
}

fn modified(dir: &Path, first: u64) -> std::time::SystemTime {
    std::fs::metadata(dir.join(format!("blocks/{first}/proof.json"))).unwrap().modified().unwrap()
}

#[test]
fn every_block_is_proved_and_each_proof_is_of_the_chains_block() {
    let ctx = sample_chain(&[1, 3, 2], 1).unwrap();
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
    let ctx = sample_chain(&[1, 1, 1, 1, 1], 2).unwrap();
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
    let ctx = sample_chain(&[1, 2, 1, 1], 3).unwrap();
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

enum Node {
    Down(Down),
    Up(RpcContext),
}

impl Rpc for Node {
    async fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        match self {
            Node::Down(d) => d.call(method, params).await,
            Node::Up(ctx) => ctx.call(method, params).await,
        }
    }
}

#[test]
fn an_unreachable_node_is_skipped_for_the_next() {
    let ctx = sample_chain(&[2], 4).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = ProofStore::local(dir.path()).unwrap();
    let nodes = Failover::new(vec![Node::Down(Down), Node::Up(ctx)]);
    runtime().block_on(async {
        run(&nodes, &store, threads(), ProverMetrics::new().as_ref(), &settings(1, 1)).await.unwrap();
        assert_eq!(store.stored().await.unwrap().len(), 1);
    });
}

#[test]
fn stored_proofs_settle_the_nodes_that_verify_them() {
    let ctx = sample_chain(&[0, 1], 5).unwrap();
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
    let ctx = sample_chain(&[1, 1, 1], 6).unwrap();
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
