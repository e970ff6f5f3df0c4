//! Making one range's proof. [`prove_range`] proves the block program on a range's input
//! and checks the proof before anything is stored; a [`Prove`] says where that runs: on
//! blocking threads in the real build ([`OnThreads`]), or inside the simulation, charged
//! to its clock by the cost model (`testbed/prover.rs`).

use std::future::Future;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use kraken_execution::Felt;
use kraken_prover::block::{prove_blocks, BlockClaim};
use kraken_prover::cairo::verify_cairo_proof_with_policy;
use kraken_prover::field::felt_to_hex;
use kraken_prover::{ProofOptions, VerifierPolicy};

use super::record::ProofRecord;
use crate::block_proof::to_fe;

/// Makes the proof of blocks `first..=last` from their program input: its record and its
/// bytes, or why the block program refuses them (the same every time: not retried).
pub trait Prove: Send + Sync + 'static {
    fn prove(&self, first: u64, last: u64, felts: Vec<Felt>) -> impl Future<Output = anyhow::Result<(ProofRecord, Vec<u8>)>> + Send;
}

/// Proves on the blocking thread pool (each proof also uses every core through rayon).
#[cfg(not(madsim))]
pub struct OnThreads {
    pub options: ProofOptions,
}

#[cfg(not(madsim))]
impl Prove for OnThreads {
    async fn prove(&self, first: u64, last: u64, felts: Vec<Felt>) -> anyhow::Result<(ProofRecord, Vec<u8>)> {
        let options = self.options;
        tokio::task::spawn_blocking(move || prove_range(first, last, &felts, &options)).await.context("a proving thread failed")?
    }
}

/// Unix time in ms (the simulator's clock inside a simulation).
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Proves blocks first..=last from their input and checks the proof before it is stored.
pub fn prove_range(first: u64, last: u64, felts: &[Felt], options: &ProofOptions) -> anyhow::Result<(ProofRecord, Vec<u8>)> {
    let felts: Vec<_> = felts.iter().map(to_fe).collect();
    let start = Instant::now();
    let (proof, report) = prove_blocks(&felts, options).with_context(|| format!("proving blocks {first}..={last}"))?;
    let prove_ms = start.elapsed().as_millis() as u64;
    let claim = verify_cairo_proof_with_policy(&proof, &VerifierPolicy { min_security_bits: 0 }).context("our own proof does not verify")?;
    let b = BlockClaim::from_verified(&claim)?;
    anyhow::ensure!((b.first_block, b.last_block) == (first, last), "the proof covers {}..={}, not {first}..={last}", b.first_block, b.last_block);
    let shape = Shape { steps: report.steps, trace_rows: report.trace_length as u64, columns: report.columns as u64 };
    let mut record = record_of(&b, options.to_string(), &shape, proof.len() as u64);
    record.prove_ms = prove_ms;
    Ok((record, proof))
}

/// How big a proof's trace is (or would be).
pub struct Shape {
    pub steps: u64,
    pub trace_rows: u64,
    pub columns: u64,
}

/// The record of a proof stating `claim`, made with `options` (as the record says them),
/// `proof_bytes` long; made now.
pub fn record_of(claim: &BlockClaim, options: String, shape: &Shape, proof_bytes: u64) -> ProofRecord {
    ProofRecord {
        first_block: claim.first_block,
        last_block: claim.last_block,
        transactions: claim.n_txs,
        first_parent_hash: felt_to_hex(&claim.first_parent_hash),
        last_block_hash: felt_to_hex(&claim.last_block_hash),
        last_block_timestamp: claim.blocks.last().map_or(0, |x| x.timestamp),
        results_digest: felt_to_hex(&claim.results_digest),
        statement: "kraken block program (prover/programs/block.cairo; prover/README.md, Block proofs)".into(),
        program_hash: kraken_prover::block::PROGRAM_HASH.into(),
        prover_version: env!("CARGO_PKG_VERSION").into(),
        options,
        security_bits: claim.security_bits,
        steps: shape.steps,
        trace_rows: shape.trace_rows,
        columns: shape.columns,
        prove_ms: 0,
        proof_bytes,
        seen_at_ms: 0,
        proved_at_ms: now_ms(),
    }
}
