//! The watcher-prover (`kraken prover`): follows the chain through the standard JSON-RPC,
//! proves each range of blocks with the block program, checks its own proof, and stores
//! proof and record. Proving runs on `workers` blocking threads (each proof also uses
//! both cores through rayon); fetching and storing stay on the async side. On start it
//! reads what the store holds and proves what is missing, lowest first: after a crash no
//! range is skipped and none is proved again. Each stored proof is then handed to every
//! node (`kraken_submitBlockProof`), which verifies it itself before it settles the
//! blocks; the prover only reads otherwise, so a slow prover never slows the nodes.

pub mod failover;
pub mod metrics;
pub mod plan;
pub mod record;
pub mod store;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use kraken_prover::block::{prove_blocks, BlockClaim};
use kraken_prover::cairo::verify_cairo_proof_with_policy;
use kraken_prover::field::felt_to_hex;
use kraken_prover::{ProofOptions, VerifierPolicy};
use serde_json::json;
use tokio::task::JoinSet;

use crate::block_proof::fetch::{fetch_input, Rpc};
use crate::block_proof::input::InputError;
use crate::block_proof::to_fe;
use failover::Failover;
use metrics::ProverMetrics;
use plan::Ranges;
use record::ProofRecord;
use store::ProofStore;

/// How the prover runs.
#[derive(Clone, Debug)]
pub struct Settings {
    pub ranges: Ranges,
    pub workers: usize,
    /// Stop once every range up to this block is stored (tests, one-off runs).
    pub until: Option<u64>,
    pub options: ProofOptions,
    /// How often to look for new blocks.
    pub poll: Duration,
}

/// Follows `rpc`'s chain and proves into `store` until `settings.until` (forever without).
pub async fn run<R: Rpc>(rpc: &Failover<R>, store: &ProofStore, metrics: &ProverMetrics, settings: &Settings) -> anyhow::Result<()> {
    let ranges = settings.ranges;
    let mut stored = store.stored().await?;
    if let Some((&first, &last)) = stored.iter().find(|(&f, &l)| !ranges.is_start(f) || ranges.at(f).1 != l) {
        anyhow::bail!(
            "{} holds a proof of blocks {first}..={last}, which is not a range of {} block(s) from block {}: use the --blocks-per-proof and --from it was made with, or another store",
            store.place,
            ranges.k,
            ranges.first
        );
    }
    let mut cursor = ranges.lowest_missing(ranges.first, &stored);
    tracing::info!(store = %store.place, stored = stored.len(), next = cursor, "prover starting");
    let mut busy = BTreeSet::new();
    let mut refused = BTreeSet::new();
    let mut jobs = JoinSet::new();
    let mut tip = None;
    // When each new tip was first seen (Unix ms): a block was seen when the first tip at
    // or above it was.
    let mut seen: BTreeMap<u64, u64> = BTreeMap::new();
    loop {
        if settings.until.is_some_and(|u| ranges.at(cursor).1 > u) {
            tracing::info!(proved_up_to = cursor - 1, "every range up to --until is stored");
            return Ok(());
        }
        match rpc.call("starknet_blockNumber", json!([])).await {
            Ok(v) => {
                if let Some(t) = v.as_u64().filter(|&t| tip.is_none_or(|old| t > old)) {
                    seen.insert(t, now_ms());
                    tip = Some(t);
                    metrics.tip(t);
                }
            }
            Err(e) => tracing::warn!(error = %e, "no node answers starknet_blockNumber"),
        }
        while jobs.len() < settings.workers {
            let Some(t) = tip else { break };
            let Some((first, last)) = ranges.next(cursor, t, settings.until, &stored, &busy) else { break };
            match fetch_input(rpc, first, last).await {
                Ok(felts) => {
                    busy.insert(first);
                    let options = settings.options;
                    jobs.spawn_blocking(move || (first, prove(first, last, &felts, &options)));
                }
                Err(e) if e.downcast_ref::<InputError>().is_some() => {
                    // Answers the block program cannot take (an L1 handler, a pre-v3
                    // transaction): the same every time, so logged once and left unproved.
                    tracing::error!(first, last, error = %format!("{e:#}"), "the block program cannot take these blocks; they stay unproved");
                    busy.insert(first);
                    refused.insert(first);
                    metrics.refused();
                }
                Err(e) => {
                    // A node down or behind: retried at the next poll.
                    tracing::warn!(first, last, error = %format!("{e:#}"), "cannot build the input yet");
                    break;
                }
            }
        }
        if let (Some(u), true) = (settings.until, jobs.is_empty()) {
            let waiting = ranges.next(cursor, u, Some(u), &stored, &refused);
            if waiting.is_none() && tip.is_some_and(|t| t >= u) {
                anyhow::bail!("every range up to --until {u} is stored but those starting at {refused:?}, which the block program refused (see the log)");
            }
        }
        metrics.in_flight(jobs.len());
        let finished = tokio::select! {
            Some(done) = jobs.join_next() => Some(done.context("a proving thread failed")?),
            _ = tokio::time::sleep(settings.poll) => None,
        };
        let Some((first, outcome)) = finished else { continue };
        busy.remove(&first);
        match outcome {
            Ok((mut record, proof)) => {
                record.seen_at_ms = seen.range(record.last_block..).next().map_or(record.proved_at_ms, |(_, &ms)| ms);
                let hex_proof = hex::encode(&proof);
                store.put(&record, proof).await?;
                hand_over(rpc.nodes(), &record, &hex_proof).await;
                stored.insert(record.first_block, record.last_block);
                cursor = ranges.lowest_missing(cursor, &stored);
                seen = seen.split_off(&cursor);
                metrics.proved(&record, cursor - 1);
                tracing::info!(
                    blocks = %format!("{}..={}", record.first_block, record.last_block),
                    txs = record.transactions,
                    prove_s = record.prove_ms as f64 / 1e3,
                    rows = record.trace_rows,
                    kib = record.proof_bytes / 1024,
                    proved_up_to = cursor - 1,
                    tip = tip.unwrap_or(0),
                    in_flight = jobs.len(),
                    "proved"
                );
            }
            Err(e) => {
                tracing::error!(first, error = %format!("{e:#}"), "the block program refuses these blocks; they stay unproved");
                // Left busy: a deterministic refusal is not retried.
                busy.insert(first);
                refused.insert(first);
                metrics.refused();
            }
        }
    }
}

/// Hands a stored proof to every node to verify and settle; a node that refuses it or is
/// down is logged, and the proof stays in the store.
async fn hand_over<R: Rpc>(nodes: &[R], record: &ProofRecord, hex_proof: &str) {
    for (i, node) in nodes.iter().enumerate() {
        match node.call("kraken_submitBlockProof", json!({ "proof": hex_proof })).await {
            Ok(answer) => tracing::debug!(node = i, first = record.first_block, l1_accepted = %answer["l1_accepted"], "proof settled"),
            Err(e) => tracing::warn!(node = i, first = record.first_block, error = %e, "the node did not take the proof"),
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Proves blocks first..=last from their input and checks the proof before it is stored.
fn prove(first: u64, last: u64, felts: &[kraken_execution::Felt], options: &ProofOptions) -> anyhow::Result<(ProofRecord, Vec<u8>)> {
    let felts: Vec<_> = felts.iter().map(to_fe).collect();
    let start = Instant::now();
    let (proof, report) = prove_blocks(&felts, options).with_context(|| format!("proving blocks {first}..={last}"))?;
    let prove_ms = start.elapsed().as_millis() as u64;
    let claim = verify_cairo_proof_with_policy(&proof, &VerifierPolicy { min_security_bits: 0 }).context("our own proof does not verify")?;
    let b = BlockClaim::from_verified(&claim)?;
    anyhow::ensure!((b.first_block, b.last_block) == (first, last), "the proof covers {}..={}, not {first}..={last}", b.first_block, b.last_block);
    let record = ProofRecord {
        first_block: first,
        last_block: last,
        transactions: b.n_txs,
        first_parent_hash: felt_to_hex(&b.first_parent_hash),
        last_block_hash: felt_to_hex(&b.last_block_hash),
        last_block_timestamp: b.blocks.last().map_or(0, |x| x.timestamp),
        results_digest: felt_to_hex(&b.results_digest),
        statement: "kraken block program (prover/programs/block.cairo; prover/README.md, Block proofs)".into(),
        program_hash: claim.program_hash_hex(),
        prover_version: env!("CARGO_PKG_VERSION").into(),
        options: options.to_string(),
        security_bits: claim.security_bits,
        steps: report.steps as u64,
        trace_rows: report.trace_length as u64,
        columns: report.columns as u64,
        prove_ms,
        proof_bytes: proof.len() as u64,
        seen_at_ms: 0,
        proved_at_ms: now_ms(),
    };
    Ok((record, proof))
}
