//! Figures derived from a history: offered and committed transactions per second,
//! per-transaction latency, per-block commits, proofs and the headline summary.
//!
//! A transaction (or block) counts as committed at the earliest time any honest copy
//! commits it; latency runs from its first submission to that time.

use crate::events::EventKind;
use crate::history::History;
use serde::Serialize;
use std::collections::BTreeMap;

/// One transaction's timing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TxTiming {
    /// Transaction id.
    pub tx: String,
    /// First submission, microseconds.
    pub submitted_us: u64,
    /// First honest commit, microseconds (`None` if never committed).
    pub committed_us: Option<u64>,
}

impl TxTiming {
    /// Submit-to-commit latency in milliseconds, if committed.
    pub fn latency_ms(&self) -> Option<f64> {
        self.committed_us
            .map(|c| c.saturating_sub(self.submitted_us) as f64 / 1000.0)
    }
}

/// One height of the honest chain, at its first commit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockRow {
    /// Chain height.
    pub height: u64,
    /// Consensus round.
    pub round: u64,
    /// First honest commit, microseconds.
    pub first_commit_us: u64,
    /// Number of transactions.
    pub txs: usize,
}

/// Transactions offered and committed during one second of simulated time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SecondRow {
    /// Second since the start (the interval [second, second+1)).
    pub second: u64,
    /// Transactions first submitted in this second.
    pub offered: u64,
    /// Transactions first committed in this second.
    pub committed: u64,
}

/// One stored proof, timed from the first honest commit of the last block it covers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProofRow {
    pub first: u64,
    pub last: u64,
    pub txs: u64,
    pub rows: u64,
    /// First honest commit of `last`, microseconds (`None` if no honest node committed it).
    pub committed_us: Option<u64>,
    /// When proving began, microseconds.
    pub started_us: u64,
    /// When the proof was stored, microseconds.
    pub proved_us: u64,
    /// Proof size (0 when the prover made none: cost model only).
    pub bytes: u64,
}

impl ProofRow {
    /// Commit-to-stored latency in milliseconds.
    pub fn latency_ms(&self) -> Option<f64> {
        self.committed_us.map(|c| self.proved_us.saturating_sub(c) as f64 / 1000.0)
    }
}

/// Headline figures of the prover, when the run had one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProofSummary {
    /// Proofs stored (a range proved twice counts twice).
    pub proofs: u64,
    /// Every block up to this one is proved (0: none).
    pub proved_height: u64,
    /// Highest height an honest node committed.
    pub committed_height: u64,
    /// Ranges the block program refused.
    pub refused: u64,
    /// Median commit-to-proof latency, ms.
    pub p50_ms: Option<f64>,
    /// 99th percentile, ms.
    pub p99_ms: Option<f64>,
    /// The prover ran on its cost model only: no proof was made.
    pub cost_model_only: bool,
}

/// The run from its first fault to its last heal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FaultWindow {
    /// First fault, seconds.
    pub from_s: f64,
    /// Last heal, seconds.
    pub to_s: f64,
    /// Transactions submitted per second in the window.
    pub offered_tps: f64,
    /// Transactions committed (for the first time) per second in the window.
    pub committed_tps: f64,
}

/// Headline figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Distinct transactions submitted.
    pub submitted: u64,
    /// Distinct transactions committed.
    pub committed: u64,
    /// Heights committed.
    pub blocks: u64,
    /// Mean committed tx/s over the whole run.
    pub mean_tps: f64,
    /// Start of the healthy tail (the last heal), seconds.
    pub tail_from_s: f64,
    /// Mean committed tx/s from the last heal to the end.
    pub tail_tps: f64,
    /// Offered and committed tx/s while faults were in force (`None` without faults).
    pub under_faults: Option<FaultWindow>,
    /// Longest time between the first commits of two consecutive heights, ms.
    pub longest_commit_gap_ms: Option<f64>,
    /// Median submit-to-commit latency, ms.
    pub p50_ms: Option<f64>,
    /// 90th percentile latency, ms.
    pub p90_ms: Option<f64>,
    /// 99th percentile latency, ms.
    pub p99_ms: Option<f64>,
    /// Largest latency, ms.
    pub max_ms: Option<f64>,
    /// The prover's figures (`None` without a prover).
    pub proving: Option<ProofSummary>,
    /// Execution's figures (`None` when no node executes blocks).
    pub execution: Option<ExecutionSummary>,
}

/// What clients of an executing system see: a transaction is done when its block is
/// executed (its receipt exists), at the earliest honest copy that executes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExecutionSummary {
    /// Distinct transactions in executed blocks, per second of the run.
    pub executed_tps: f64,
    /// Median submit-to-execution latency, ms.
    pub p50_ms: Option<f64>,
    /// 99th percentile submit-to-execution latency, ms.
    pub p99_ms: Option<f64>,
}

/// Everything derived from one history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metrics {
    /// One row per second of the run.
    pub seconds: Vec<SecondRow>,
    /// Every submitted transaction, by submission time.
    pub txs: Vec<TxTiming>,
    /// Every height of the honest chain.
    pub blocks: Vec<BlockRow>,
    /// Every stored proof, in the order stored.
    pub proofs: Vec<ProofRow>,
    /// Headline figures.
    pub summary: Summary,
}

/// Earliest honest commit time of every committed transaction.
fn first_commits(h: &History) -> BTreeMap<&str, u64> {
    let mut first: BTreeMap<&str, u64> = BTreeMap::new();
    for c in h.commits().filter(|c| h.is_honest(c.node)) {
        for tx in c.txs {
            let t = first.entry(tx.as_str()).or_insert(c.t_us);
            *t = (*t).min(c.t_us);
        }
    }
    first
}

/// Timing of every submitted transaction, ordered by first submission (then id).
pub fn tx_latencies(h: &History) -> Vec<TxTiming> {
    let committed = first_commits(h);
    let mut submitted: BTreeMap<&str, u64> = BTreeMap::new();
    for e in &h.events {
        if let EventKind::TxSubmitted { tx, .. } = &e.kind {
            submitted.entry(tx.as_str()).or_insert(e.t_us);
        }
    }
    let mut txs: Vec<TxTiming> = submitted
        .into_iter()
        .map(|(tx, t)| TxTiming {
            tx: tx.to_string(),
            submitted_us: t,
            committed_us: committed.get(tx).copied(),
        })
        .collect();
    txs.sort_by(|a, b| (a.submitted_us, &a.tx).cmp(&(b.submitted_us, &b.tx)));
    txs
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// Derives every figure from `h`.
pub fn compute(h: &History) -> Metrics {
    let txs = tx_latencies(h);
    let committed = first_commits(h);

    let mut blocks: BTreeMap<u64, BlockRow> = BTreeMap::new();
    for c in h.commits().filter(|c| h.is_honest(c.node)) {
        let row = blocks.entry(c.height).or_insert(BlockRow {
            height: c.height,
            round: c.round,
            first_commit_us: c.t_us,
            txs: c.txs.len(),
        });
        row.first_commit_us = row.first_commit_us.min(c.t_us);
    }

    let n_seconds = h.run_end_us.div_ceil(1_000_000).max(1);
    let mut seconds: Vec<SecondRow> = (0..n_seconds)
        .map(|second| SecondRow {
            second,
            offered: 0,
            committed: 0,
        })
        .collect();
    let last = seconds.len() - 1;
    let slot = |t_us: u64| ((t_us / 1_000_000) as usize).min(last);
    for tx in &txs {
        let i = slot(tx.submitted_us);
        seconds[i].offered += 1;
    }
    for t in committed.values() {
        let i = slot(*t);
        seconds[i].committed += 1;
    }

    let mut latencies: Vec<f64> = txs.iter().filter_map(TxTiming::latency_ms).collect();
    latencies.sort_by(f64::total_cmp);
    let run_s = h.run_end_us as f64 / 1e6;
    let tail_s = (h.run_end_us.saturating_sub(h.last_heal_us)) as f64 / 1e6;
    let tail_committed = committed.values().filter(|t| **t >= h.last_heal_us).count();
    let first_fault_us = h.events.iter().find(|e| matches!(e.kind, EventKind::FaultStarted { .. })).map(|e| e.t_us);
    let under_faults = first_fault_us.filter(|from| *from < h.last_heal_us).map(|from| {
        let window = from..h.last_heal_us;
        let secs = (window.end - window.start) as f64 / 1e6;
        let offered = txs.iter().filter(|t| window.contains(&t.submitted_us)).count();
        let committed_in = committed.values().filter(|t| window.contains(t)).count();
        FaultWindow {
            from_s: from as f64 / 1e6,
            to_s: h.last_heal_us as f64 / 1e6,
            offered_tps: offered as f64 / secs,
            committed_tps: committed_in as f64 / secs,
        }
    });
    let longest_commit_gap_ms = blocks
        .values()
        .map(|b| b.first_commit_us)
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]) as f64 / 1000.0)
        .max_by(f64::total_cmp);
    let summary = Summary {
        submitted: txs.len() as u64,
        committed: committed.len() as u64,
        blocks: blocks.len() as u64,
        mean_tps: if run_s > 0.0 {
            committed.len() as f64 / run_s
        } else {
            0.0
        },
        tail_from_s: h.last_heal_us as f64 / 1e6,
        tail_tps: if tail_s > 0.0 {
            tail_committed as f64 / tail_s
        } else {
            0.0
        },
        under_faults,
        longest_commit_gap_ms,
        p50_ms: percentile(&latencies, 50.0),
        p90_ms: percentile(&latencies, 90.0),
        p99_ms: percentile(&latencies, 99.0),
        max_ms: latencies.last().copied(),
        proving: None,
        execution: execution_summary(h, &txs, run_s),
    };
    let proofs = proof_rows(h, &blocks);
    let proving = proof_summary(h, &proofs, &blocks);
    Metrics {
        seconds,
        txs,
        blocks: blocks.into_values().collect(),
        proofs,
        summary: Summary { proving, ..summary },
    }
}

/// Submit-to-execution figures; `None` when no honest copy executed a block.
fn execution_summary(h: &History, txs: &[TxTiming], run_s: f64) -> Option<ExecutionSummary> {
    let mut executed: BTreeMap<u64, u64> = BTreeMap::new();
    for e in &h.events {
        if let EventKind::BlockExecuted { height, .. } = &e.kind {
            if h.is_honest(&e.node) {
                executed.entry(*height).or_insert(e.t_us);
            }
        }
    }
    if executed.is_empty() {
        return None;
    }
    let mut height_of: BTreeMap<&str, u64> = BTreeMap::new();
    for c in h.commits().filter(|c| h.is_honest(c.node)) {
        for tx in c.txs {
            height_of.entry(tx.as_str()).or_insert(c.height);
        }
    }
    let mut latencies: Vec<f64> = txs
        .iter()
        .filter_map(|t| {
            let done = executed.get(height_of.get(t.tx.as_str())?)?;
            Some(done.saturating_sub(t.submitted_us) as f64 / 1000.0)
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    Some(ExecutionSummary {
        executed_tps: if run_s > 0.0 { latencies.len() as f64 / run_s } else { 0.0 },
        p50_ms: percentile(&latencies, 50.0),
        p99_ms: percentile(&latencies, 99.0),
    })
}

fn proof_rows(h: &History, blocks: &BTreeMap<u64, BlockRow>) -> Vec<ProofRow> {
    h.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ProofStored { first, last, txs, rows, bytes, started_us, .. } => Some(ProofRow {
                first: *first,
                last: *last,
                txs: *txs,
                rows: *rows,
                committed_us: blocks.get(last).map(|b| b.first_commit_us),
                started_us: *started_us,
                proved_us: e.t_us,
                bytes: *bytes,
            }),
            _ => None,
        })
        .collect()
}

/// The prover's figures; `None` when the history has no prover.
fn proof_summary(h: &History, proofs: &[ProofRow], blocks: &BTreeMap<u64, BlockRow>) -> Option<ProofSummary> {
    let mut refused = 0;
    let mut cost_model_only = false;
    let mut has_prover = false;
    for e in &h.events {
        match &e.kind {
            EventKind::ProofRefused { .. } => refused += 1,
            EventKind::ProofStored { verified, .. } => cost_model_only |= verified.is_none(),
            _ => {}
        }
        has_prover |= e.node == crate::PROVER;
    }
    if !has_prover {
        return None;
    }
    let mut covered: BTreeMap<u64, u64> = BTreeMap::new();
    for p in proofs {
        covered.insert(p.first, p.last);
    }
    // The proved prefix: ranges that follow one another from the lowest proved block.
    let mut proved_height = 0;
    if let Some((&first, _)) = covered.iter().next() {
        let mut next = first;
        while let Some(&last) = covered.get(&next) {
            proved_height = last;
            next = last + 1;
        }
    }
    let mut latencies: Vec<f64> = proofs.iter().filter_map(ProofRow::latency_ms).collect();
    latencies.sort_by(f64::total_cmp);
    Some(ProofSummary {
        proofs: proofs.len() as u64,
        proved_height,
        committed_height: blocks.keys().next_back().copied().unwrap_or(0),
        refused,
        p50_ms: percentile(&latencies, 50.0),
        p99_ms: percentile(&latencies, 99.0),
        cost_model_only,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::build::*;

    #[test]
    fn counts_earliest_honest_commit() {
        let events = vec![
            submitted(100, "a"),
            submitted(200, "b"),
            submitted(1500, "c"),
            commit(300, "n0'", 1, "b1", "g", &["a"]), // twin copy: ignored
            commit(600, "n1", 1, "b1", "g", &["a"]),
            commit(500, "n2", 1, "b1", "g", &["a"]),
            commit(2200, "n1", 2, "b2", "b1", &["b", "c"]),
        ];
        let m = compute(&history(4, &[0], 3, 0, events));
        assert_eq!(m.seconds.len(), 3);
        assert_eq!(
            m.seconds
                .iter()
                .map(|s| (s.offered, s.committed))
                .collect::<Vec<_>>(),
            vec![(2, 1), (1, 0), (0, 2)]
        );
        assert_eq!(m.txs[0].latency_ms(), Some(400.0));
        assert_eq!(m.txs[1].latency_ms(), Some(2.0 * 1000.0));
        assert_eq!(m.blocks.len(), 2);
        assert_eq!(m.blocks[0].first_commit_us, 500_000);
        assert_eq!(
            m.blocks[1],
            BlockRow {
                height: 2,
                round: 2,
                first_commit_us: 2_200_000,
                txs: 2
            }
        );
        assert_eq!(m.summary.committed, 3);
        assert_eq!(m.summary.mean_tps, 1.0);
        assert_eq!(m.summary.p50_ms, Some(700.0));
        assert_eq!(m.summary.max_ms, Some(2000.0));
    }

    #[test]
    fn percentiles_and_tail() {
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 50.0), Some(50.0));
        assert_eq!(percentile(&sorted, 99.0), Some(99.0));
        assert_eq!(percentile(&[], 50.0), None);
        let events = vec![
            submitted(0, "a"),
            commit(500, "n0", 1, "b", "g", &["a"]),
            submitted(0, "z"),
            commit(6000, "n0", 2, "c", "b", &["z"]),
        ];
        let m = compute(&history(4, &[], 10, 5, events));
        assert_eq!(m.summary.tail_from_s, 5.0);
        assert_eq!(m.summary.tail_tps, 1.0 / 5.0);
    }
}
