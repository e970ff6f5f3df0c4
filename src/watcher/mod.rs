//! The watcher-prover (`kraken prover`): follows the chain through the standard JSON-RPC,
//! proves each range of blocks with the block program, checks its own proof, and stores
//! proof and record. Proofs are made by a [`Prove`] (`workers` at a time): on blocking
//! threads in the real build, inside the simulation with its cost model in the
//! simulator; fetching and storing stay on the async side. On start it reads what the
//! store holds and proves what is missing, lowest first: after a crash no range is
//! skipped and none is proved again. A proof is read back after it is stored; one the
//! store did not take (an outage) is kept and stored again with backoff, never dropped.
//! Only ranges whose last block the committee certified are proved, and a proof is
//! kept only when it proves that certified hash (`certified.rs`): the prover trusts the
//! committee file, not the node it reads from.
//! Each stored proof is then handed to every node (`kraken_submitBlockProof`), which
//! verifies it itself before it settles the blocks; the prover only reads otherwise, so
//! a slow prover never slows the nodes.

pub mod certified;
pub mod cost;
pub mod failover;
#[cfg(not(madsim))]
pub mod metrics;
pub mod observer;
pub mod plan;
pub mod prove;
pub mod record;
#[cfg(not(madsim))]
pub mod storage;
pub mod store;

#[cfg(all(test, not(madsim)))]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use kraken_execution::Felt;
use serde_json::json;

use crate::block_proof::fetch::{fetch_answers, Rpc};
use crate::block_proof::input::InputError;
use crate::types::Committee;
use certified::{certified_hash, check_served, Uncertified};
use failover::Failover;
use observer::ProverObserver;
use plan::Ranges;
use prove::{now_ms, Prove};
use record::ProofRecord;
use store::ProofStore;

/// How the prover runs.
#[derive(Clone, Debug)]
pub struct Settings {
    pub ranges: Ranges,
    pub workers: usize,
    /// Stop once every range up to this block is stored (tests, one-off runs).
    pub until: Option<u64>,
    /// How often to look for new blocks; also the first delay before storing a proof
    /// again after the store failed (doubling up to 32 times this).
    pub poll: Duration,
    /// Whose signatures certify a block. `None` is TEST ONLY (the simulator's
    /// `unsafe_trust_nodes`): blocks are taken on the nodes' word.
    pub committee: Option<Arc<Committee>>,
}

/// Proofs made and not yet in the store (it was unreachable), by first block.
struct Unstored {
    proofs: BTreeMap<u64, (ProofRecord, Vec<u8>)>,
    delay: Duration,
    next_try: Option<tokio::time::Instant>,
}

/// Follows `rpc`'s chain and proves with `prover` into `store` until `settings.until`
/// (forever without).
pub async fn run<R: Rpc, P: Prove>(rpc: &Failover<R>, store: &ProofStore, prover: Arc<P>, observer: &dyn ProverObserver, settings: &Settings) -> anyhow::Result<()> {
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
    let mut jobs = FuturesUnordered::new();
    let mut unstored = Unstored { proofs: BTreeMap::new(), delay: Duration::ZERO, next_try: None };
    let mut tip = None;
    // When each new tip was first seen (Unix ms): a block was seen when the first tip at
    // or above it was.
    let mut seen: BTreeMap<u64, u64> = BTreeMap::new();
    loop {
        if unstored.next_try.is_none_or(|at| tokio::time::Instant::now() >= at) {
            for (record, proof) in store_unstored(rpc, store, &mut unstored, settings.poll).await {
                busy.remove(&record.first_block);
                stored.insert(record.first_block, record.last_block);
                cursor = ranges.lowest_missing(cursor, &stored);
                seen = seen.split_off(&cursor);
                observer.proved(&record, &proof, cursor - 1);
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
        }
        if settings.until.is_some_and(|u| ranges.at(cursor).1 > u) {
            tracing::info!(proved_up_to = cursor - 1, "every range up to --until is stored");
            return Ok(());
        }
        match rpc.call("starknet_blockNumber", json!([])).await {
            Ok(v) => {
                if let Some(t) = v.as_u64().filter(|&t| tip.is_none_or(|old| t > old)) {
                    seen.insert(t, now_ms());
                    tip = Some(t);
                    observer.tip(t);
                }
            }
            Err(e) => tracing::warn!(error = %e, "no node answers starknet_blockNumber"),
        }
        while jobs.len() < settings.workers {
            let Some(t) = tip else { break };
            let Some((first, last)) = ranges.next(cursor, t, settings.until, &stored, &busy) else { break };
            let certified = match &settings.committee {
                Some(committee) => match certified_hash(rpc, committee, last).await {
                    Ok(hash) => Some(hash),
                    Err(e) => {
                        tracing::warn!(first, last, error = %format!("{e:#}"), "waiting for the committee to certify the range's last block");
                        break;
                    }
                },
                None => None,
            };
            let input = async {
                let answers = fetch_answers(rpc, first, last).await?;
                if let Some(hash) = certified {
                    check_served(&answers, last, hash)?;
                }
                anyhow::Ok(answers.program_input()?)
            };
            let input = input.await;
            // Who served the blocks, to be left if they are not the certified ones.
            let served_by = rpc.current();
            match input {
                Ok(felts) => {
                    busy.insert(first);
                    observer.started(first, last);
                    let prover = prover.clone();
                    let certified = certified.map(|hash| (hash, served_by));
                    jobs.push(tokio::spawn(async move { (first, last, certified, prover.prove(first, last, felts).await) }));
                }
                Err(e) if e.downcast_ref::<Uncertified>().is_some() => {
                    distrust(rpc, served_by, observer, first, last, &format!("{e:#}"));
                    break;
                }
                Err(e) if e.downcast_ref::<InputError>().is_some() => {
                    // Answers the block program cannot take (an L1 handler, a pre-v3
                    // transaction): the same every time, so logged once and left unproved.
                    let reason = format!("{e:#}");
                    tracing::error!(first, last, error = %reason, "the block program cannot take these blocks; they stay unproved");
                    busy.insert(first);
                    refused.insert(first);
                    observer.refused(first, last, &reason);
                }
                Err(e) => {
                    // A node down or behind: retried at the next poll.
                    tracing::warn!(first, last, error = %format!("{e:#}"), "cannot build the input yet");
                    break;
                }
            }
        }
        if let (Some(u), true) = (settings.until, jobs.is_empty() && unstored.proofs.is_empty()) {
            let waiting = ranges.next(cursor, u, Some(u), &stored, &refused);
            if waiting.is_none() && tip.is_some_and(|t| t >= u) {
                anyhow::bail!("every range up to --until {u} is stored but those starting at {refused:?}, which the block program refused (see the log)");
            }
        }
        observer.in_flight(jobs.len());
        let finished = tokio::select! {
            biased;
            Some(done) = jobs.next() => Some(done.map_err(|e| anyhow::anyhow!("a proving task failed: {e}"))?),
            _ = tokio::time::sleep(settings.poll) => None,
        };
        let Some((first, last, certified, outcome)) = finished else { continue };
        if let (Ok((record, _)), Some((hash, served_by))) = (&outcome, certified) {
            if Felt::from_hex(&record.last_block_hash).ok() != Some(hash) {
                // The node's block fields hash to another block than the certified one.
                let reason = format!("block {last}: the proof's block hash is {}, the committee certified {hash:#x}", record.last_block_hash);
                distrust(rpc, served_by, observer, first, last, &reason);
                busy.remove(&first);
                continue;
            }
        }
        match outcome {
            Ok((mut record, proof)) => {
                record.seen_at_ms = seen.range(record.last_block..).next().map_or(record.proved_at_ms, |(_, &ms)| ms);
                // Stored at the top of the next turn, with any the store did not take.
                unstored.proofs.insert(first, (record, proof));
                unstored.next_try = None;
            }
            Err(e) => {
                let reason = format!("{e:#}");
                tracing::error!(first, error = %reason, "the block program refuses these blocks; they stay unproved");
                // Left busy: a deterministic refusal is not retried.
                refused.insert(first);
                observer.refused(first, last, &reason);
            }
        }
    }
}

/// A node served `first..=last` other than the committee certified them: said loudly,
/// and the range is asked of the next node.
fn distrust<R: Rpc>(rpc: &Failover<R>, node: usize, observer: &dyn ProverObserver, first: u64, last: u64, reason: &str) {
    rpc.distrust(node);
    tracing::error!(node, first, last, error = %reason, "a node served blocks the committee did not certify; refused, asking the next node");
    observer.uncertified(first, last, reason);
}

/// Stores the proofs waiting for the store, lowest first, each read back to check the
/// store holds exactly it, and hands each to the nodes. Returns those stored, with the
/// bytes read back; on a failure the rest wait, and the next try is after a backoff.
async fn store_unstored<R: Rpc>(rpc: &Failover<R>, store: &ProofStore, unstored: &mut Unstored, poll: Duration) -> Vec<(ProofRecord, Vec<u8>)> {
    let mut done = Vec::new();
    while let Some(entry) = unstored.proofs.first_entry() {
        let (record, proof) = entry.get();
        let first = record.first_block;
        let attempt = async {
            store.put(record, proof.clone()).await?;
            let back = store.proof(first).await?.ok_or_else(|| anyhow::anyhow!("{}: the proof of block {first} is not there right after it was stored", store.place))?;
            anyhow::ensure!(back == *proof, "{}: the proof of block {first} reads back different from what was stored", store.place);
            Ok(back)
        };
        match attempt.await {
            Ok(back) => {
                let (record, proof) = entry.remove();
                // A cost-model run (the simulator's) makes no proof to settle.
                if !proof.is_empty() {
                    hand_over(rpc.nodes(), &record, &hex::encode(&proof)).await;
                }
                done.push((record, back));
                unstored.delay = Duration::ZERO;
            }
            Err(e) => {
                let waiting = unstored.proofs.len();
                unstored.delay = if unstored.delay.is_zero() { poll } else { (unstored.delay * 2).min(poll * 32) };
                unstored.next_try = Some(tokio::time::Instant::now() + unstored.delay);
                tracing::warn!(first, waiting, retry_in_ms = unstored.delay.as_millis() as u64, error = %format!("{e:#}"), "the store did not take the proof; kept and tried again");
                return done;
            }
        }
    }
    unstored.next_try = None;
    done
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
