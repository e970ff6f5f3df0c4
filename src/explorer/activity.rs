//! What the home page shows and no single RPC call answers: the chain's recent blocks
//! and transactions, its rate in transactions per second, and how far the proofs in the
//! store reach. One task follows the tip and the store; requests read its snapshot.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use kraken_execution::Felt;

use super::chain::{BlockRef, ChainError};
use super::Explorer;

/// How often the tip and the store are read.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);
/// Blocks kept for the home page and the rate.
const RECENT_BLOCKS: usize = 64;
/// The window the rate is measured over.
const RATE_WINDOW: Duration = Duration::from_secs(30);

/// One block as the home page lists it.
#[derive(Clone)]
pub struct Seen {
    pub number: u64,
    pub hash: String,
    /// (hash, type, sender) of each transaction.
    pub txs: Vec<(String, String, String)>,
    /// When this explorer first saw it (Kraken's block timestamps are a function of the
    /// height, not a clock, so the rate is measured here).
    pub at: Instant,
}

#[derive(Default)]
struct State {
    tip: Option<u64>,
    recent: VecDeque<Seen>,
    /// first block → last block of every stored proof.
    proofs: BTreeMap<u64, u64>,
    nodes_error: Option<String>,
    store_error: Option<String>,
}

#[derive(Default)]
pub struct Activity {
    state: Mutex<State>,
}

/// A copy of what the follower knows.
pub struct Snapshot {
    pub tip: Option<u64>,
    /// Newest first.
    pub recent: Vec<Seen>,
    pub tx_per_s: f64,
    /// The last block of the highest stored proof.
    pub proved: Option<u64>,
    pub nodes_error: Option<String>,
    pub store_error: Option<String>,
}

impl Activity {
    pub fn snapshot(&self) -> Snapshot {
        let s = self.state.lock().expect("activity lock");
        let window: Vec<&Seen> = s.recent.iter().filter(|b| b.at.elapsed() <= RATE_WINDOW).collect();
        // From the first block seen in the window: a fresh explorer does not divide a
        // backlog by 30 s it did not watch.
        let tx_per_s = match window.first() {
            Some(first) if window.len() > 1 => {
                let span = first.at.elapsed().as_secs_f64().max(1.0);
                window[1..].iter().map(|b| b.txs.len()).sum::<usize>() as f64 / span
            }
            _ => 0.0,
        };
        Snapshot {
            tip: s.tip,
            recent: s.recent.iter().rev().cloned().collect(),
            tx_per_s,
            proved: s.proofs.values().max().copied(),
            nodes_error: s.nodes_error.clone(),
            store_error: s.store_error.clone(),
        }
    }

    /// The stored proof covering block `n` as the last listing saw it: (first, last).
    pub fn proof_covering(&self, n: u64) -> Option<(u64, u64)> {
        let s = self.state.lock().expect("activity lock");
        s.proofs.range(..=n).next_back().filter(|(_, &last)| last >= n).map(|(&f, &l)| (f, l))
    }

    /// Whether the last look at the store failed, and how.
    pub fn store_error(&self) -> Option<String> {
        self.state.lock().expect("activity lock").store_error.clone()
    }

    /// Transactions of recent blocks sent by `address` (hash, type, block), newest first.
    pub fn sent_by(&self, address: &str) -> Vec<(String, String, u64)> {
        let s = self.state.lock().expect("activity lock");
        let wanted = Felt::from_hex(address).ok();
        s.recent
            .iter()
            .rev()
            .flat_map(|b| b.txs.iter().map(move |t| (b.number, t)))
            .filter(|(_, (_, _, sender))| wanted.is_some() && Felt::from_hex(sender).ok() == wanted)
            .map(|(n, (hash, kind, _))| (hash.clone(), kind.clone(), n))
            .collect()
    }
}

/// Reads the tip and the store every second, for as long as the explorer runs.
pub async fn follow(explorer: std::sync::Arc<Explorer>) {
    let mut tick = tokio::time::interval(FOLLOW_EVERY);
    loop {
        tick.tick().await;
        follow_chain(&explorer).await;
        follow_store(&explorer).await;
    }
}

async fn follow_chain(explorer: &Explorer) {
    let activity = &explorer.activity;
    let tip = match explorer.tip().await {
        Ok(tip) => tip,
        Err(e) => return activity.state.lock().expect("activity lock").nodes_error = Some(e.to_string()),
    };
    let last_seen = activity.state.lock().expect("activity lock").recent.back().map(|b| b.number);
    let newest = tip.unwrap_or(0);
    // A first look, or a long gap, starts from the last RECENT_BLOCKS.
    let from = last_seen.map_or(0, |n| n + 1).max(newest.saturating_sub(RECENT_BLOCKS as u64 - 1));
    let mut seen = Vec::new();
    let mut error = None;
    if tip.is_some() {
        for n in from..=newest {
            match explorer.block_with_txs(BlockRef::Number(n)).await.and_then(|b| seen_block(&b)) {
                Ok(block) => seen.push(block),
                Err(e) => {
                    let named = matches!(e, ChainError::NotFound).then(|| "the nodes lost a block they had named".to_string());
                    error = Some(named.unwrap_or_else(|| e.to_string()));
                    break;
                }
            }
        }
    }
    let mut s = activity.state.lock().expect("activity lock");
    s.tip = tip;
    s.nodes_error = error;
    s.recent.extend(seen);
    while s.recent.len() > RECENT_BLOCKS {
        s.recent.pop_front();
    }
}

/// A block from getBlockWithTxs as a [`Seen`].
fn seen_block(block: &Value) -> Result<Seen, ChainError> {
    let malformed = || ChainError::Nodes(format!("a block without the fields the spec requires: {block}"));
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let txs = block["transactions"].as_array().ok_or_else(malformed)?;
    Ok(Seen {
        number: block["block_number"].as_u64().ok_or_else(malformed)?,
        hash: block["block_hash"].as_str().ok_or_else(malformed)?.to_string(),
        txs: txs.iter().map(|t| (text(&t["transaction_hash"]), text(&t["type"]), text(&t["sender_address"]))).collect(),
        at: Instant::now(),
    })
}

/// Lists the store and reads the records of proofs not seen before (a stored proof's
/// range never changes).
async fn follow_store(explorer: &Explorer) {
    let activity = &explorer.activity;
    let known = activity.state.lock().expect("activity lock").proofs.clone();
    let read = async {
        let mut proofs = BTreeMap::new();
        for first in explorer.store.firsts().await? {
            match known.get(&first) {
                Some(&last) => {
                    proofs.insert(first, last);
                }
                None => {
                    if let Some(record) = explorer.store.record(first).await? {
                        proofs.insert(first, record.last_block);
                    }
                }
            }
        }
        anyhow::Ok(proofs)
    };
    let listed = read.await;
    let mut s = activity.state.lock().expect("activity lock");
    match listed {
        Ok(proofs) => {
            s.proofs = proofs;
            s.store_error = None;
        }
        Err(e) => s.store_error = Some(format!("{e:#}")),
    }
}
