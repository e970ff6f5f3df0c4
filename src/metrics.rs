//! A real node's Prometheus metrics: an [`Observer`] that counts what the node reports
//! (admissions, commits, executions) and times transactions from first sight to commit,
//! plus gauges read at scrape time (mempool, network counters). Served at `/metrics`.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use prometheus_client::encoding::{text::encode, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::chain::Executed;
use crate::consensus::CommittedBlock;
use crate::mempool::BatchPool;
use crate::net::NetStats;
use crate::observer::Observer;
use crate::types::{Author, Height, TxId};
use kraken_execution::TxStatus;

/// The window `kraken_committed_tx_per_second` averages over.
const RATE_WINDOW: Duration = Duration::from_secs(10);
/// Transactions seen but never committed (e.g. duplicates dropped by consensus) are
/// forgotten after this long, so the timing table stays bounded.
const FORGET_AFTER: Duration = Duration::from_secs(600);
const FORGET_CHECK_EVERY: usize = 100_000;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

pub struct Metrics {
    registry: Registry,
    committed_height: Gauge,
    executed_height: Gauge,
    committed_txs: Counter,
    committed_rate: Gauge<f64, AtomicU64>,
    executed_txs: Family<StatusLabel, Counter>,
    admitted: Counter,
    rejected: Counter,
    commit_latency: Histogram,
    execution_lag: Histogram,
    mempool_batches: Gauge,
    mempool_txs: Gauge,
    peer_messages: Counter,
    dropped: Family<ReasonLabel, Counter>,
    timing: Mutex<Timing>,
}

#[derive(Default)]
struct Timing {
    first_seen: HashMap<TxId, Instant>,
    committed_at: BTreeMap<Height, Instant>,
    recent_commits: VecDeque<(Instant, u64)>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let latency_buckets = || exponential_buckets(0.005, 2.0, 14); // 5 ms .. 41 s
        let m = Metrics {
            registry: Registry::default(),
            committed_height: Gauge::default(),
            executed_height: Gauge::default(),
            committed_txs: Counter::default(),
            committed_rate: Gauge::default(),
            executed_txs: Family::default(),
            admitted: Counter::default(),
            rejected: Counter::default(),
            commit_latency: Histogram::new(latency_buckets()),
            execution_lag: Histogram::new(latency_buckets()),
            mempool_batches: Gauge::default(),
            mempool_txs: Gauge::default(),
            peer_messages: Counter::default(),
            dropped: Family::default(),
            timing: Mutex::default(),
        };
        let mut registry = Registry::with_prefix("kraken");
        registry.register("committed_height", "Height of the last block this node committed", m.committed_height.clone());
        registry.register("executed_height", "Height of the last block this node executed", m.executed_height.clone());
        registry.register("committed_transactions", "Transactions in blocks this node committed", m.committed_txs.clone());
        registry.register(
            "committed_tx_per_second",
            "Committed transactions per second over the last 10 s",
            m.committed_rate.clone(),
        );
        registry.register("executed_transactions", "Executed transactions by outcome", m.executed_txs.clone());
        registry.register("admitted_transactions", "Transactions this node's mempool admitted", m.admitted.clone());
        registry.register("rejected_transactions", "Transactions this node's mempool rejected", m.rejected.clone());
        registry.register(
            "tx_commit_latency_seconds",
            "From a transaction's first sight at this node (admission or a peer's batch) to its commit here",
            m.commit_latency.clone(),
        );
        registry.register(
            "block_execution_lag_seconds",
            "From a block's commit to its execution on this node",
            m.execution_lag.clone(),
        );
        registry.register("mempool_batches", "Batches stored and not yet committed", m.mempool_batches.clone());
        registry.register("mempool_transactions", "Distinct transactions in uncommitted batches", m.mempool_txs.clone());
        registry.register("peer_messages_received", "Authenticated frames received from peers", m.peer_messages.clone());
        registry.register("dropped_messages", "Messages from peers dropped, by reason", m.dropped.clone());
        Metrics { registry, ..m }
    }

    /// The metrics in Prometheus' text format, with the scrape-time gauges refreshed.
    pub fn render(&self, pool: &BatchPool, net: &NetStats) -> String {
        self.mempool_batches.set(pool.len() as i64);
        self.mempool_txs.set(pool.tx_count() as i64);
        catch_up(&self.peer_messages, net.received.load(std::sync::atomic::Ordering::Relaxed));
        for (reason, count) in net.drops_by_reason() {
            catch_up(&self.dropped.get_or_create(&ReasonLabel { reason }), count);
        }
        self.committed_rate.set(self.timing.lock().unwrap().rate(Instant::now()));
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}

/// Moves a counter up to `total`, a count kept elsewhere.
fn catch_up(counter: &Counter, total: u64) {
    counter.inc_by(total.saturating_sub(counter.get()));
}

impl Timing {
    fn rate(&mut self, now: Instant) -> f64 {
        while self.recent_commits.front().is_some_and(|(t, _)| now.duration_since(*t) > RATE_WINDOW) {
            self.recent_commits.pop_front();
        }
        self.recent_commits.iter().map(|(_, n)| *n).sum::<u64>() as f64 / RATE_WINDOW.as_secs_f64()
    }

    fn forget_stale(&mut self, now: Instant) {
        if self.first_seen.len() % FORGET_CHECK_EVERY == 0 {
            self.first_seen.retain(|_, seen| now.duration_since(*seen) < FORGET_AFTER);
        }
    }
}

/// Feeds [`Metrics`] and passes every report on to `inner`.
pub struct MetricsObserver {
    pub metrics: Arc<Metrics>,
    pub inner: Arc<dyn Observer>,
}

impl Observer for MetricsObserver {
    fn tx_admitted(&self, tx: &TxId) {
        self.metrics.admitted.inc();
        let now = Instant::now();
        let mut t = self.metrics.timing.lock().unwrap();
        t.first_seen.entry(*tx).or_insert(now);
        t.forget_stale(now);
        drop(t);
        self.inner.tx_admitted(tx)
    }

    fn tx_rejected(&self, tx: &TxId, reason: &str) {
        self.metrics.rejected.inc();
        self.inner.tx_rejected(tx, reason)
    }

    fn block_committed(&self, block: &CommittedBlock) {
        let now = Instant::now();
        let r = &block.record;
        self.metrics.committed_height.set(r.height as i64);
        self.metrics.committed_txs.inc_by(r.txs.len() as u64);
        let mut t = self.metrics.timing.lock().unwrap();
        for tx in &r.txs {
            if let Some(seen) = t.first_seen.remove(tx) {
                self.metrics.commit_latency.observe(now.duration_since(seen).as_secs_f64());
            }
        }
        t.recent_commits.push_back((now, r.txs.len() as u64));
        t.committed_at.insert(r.height, now);
        drop(t);
        self.inner.block_committed(block)
    }

    fn block_executed(&self, executed: &Executed) {
        let record = &executed.record;
        let height = record.sealed.number;
        self.metrics.executed_height.set(height as i64);
        for receipt in &record.receipts {
            let status = match receipt.status {
                TxStatus::Succeeded => "succeeded",
                TxStatus::Reverted { .. } => "reverted",
                TxStatus::Rejected { .. } => "rejected",
            };
            self.metrics.executed_txs.get_or_create(&StatusLabel { status }).inc();
        }
        let mut t = self.metrics.timing.lock().unwrap();
        if let Some(committed) = t.committed_at.remove(&height) {
            self.metrics.execution_lag.observe(committed.elapsed().as_secs_f64());
        }
        // Heights below this one are done too (a restarted node executes old heights it
        // has no commit time for).
        t.committed_at = t.committed_at.split_off(&height);
        drop(t);
        self.inner.block_executed(executed)
    }

    fn message_dropped(&self, from: Author, reason: &str) {
        self.metrics.dropped.get_or_create(&ReasonLabel { reason: "invalid" }).inc();
        self.inner.message_dropped(from, reason)
    }

    fn note(&self, text: &str) {
        self.inner.note(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consensus::CommitRecord;
    use crate::types::{Batch, Digest, Tx};

    fn committed(height: Height, txs: &[Tx]) -> CommittedBlock {
        let record = CommitRecord {
            height,
            round: height,
            digest: Digest::default(),
            parent: Digest::default(),
            author: 0,
            txs: txs.iter().map(Tx::id).collect(),
        };
        CommittedBlock { record, txs: txs.to_vec() }
    }

    fn value_of<'a>(text: &'a str, metric: &str) -> &'a str {
        text.lines()
            .find_map(|l| l.strip_prefix(metric).and_then(|rest| rest.strip_prefix(' ')))
            .unwrap_or_else(|| panic!("{metric} missing from\n{text}"))
    }

    #[test]
    fn counts_commits_and_times_seen_transactions() {
        let metrics = Arc::new(Metrics::new());
        let observer = MetricsObserver { metrics: metrics.clone(), inner: Arc::new(crate::observer::LogObserver) };
        let txs: Vec<Tx> = (0..3u8).map(|i| Tx(vec![i; 8])).collect();
        observer.tx_admitted(&txs[0].id());
        observer.tx_admitted(&txs[1].id());
        observer.tx_rejected(&Tx(vec![9]).id(), "bad");
        observer.block_committed(&committed(7, &txs));
        let pool = BatchPool::default();
        pool.add(Digest::default(), &Batch { txs: vec![Tx(vec![5]), Tx(vec![6])] });
        let text = metrics.render(&pool, &NetStats::default());

        assert_eq!(value_of(&text, "kraken_committed_height"), "7");
        assert_eq!(value_of(&text, "kraken_committed_transactions_total"), "3");
        assert_eq!(value_of(&text, "kraken_admitted_transactions_total"), "2");
        assert_eq!(value_of(&text, "kraken_rejected_transactions_total"), "1");
        // Two of the three were seen here first; the third came only in the block.
        assert_eq!(value_of(&text, "kraken_tx_commit_latency_seconds_count"), "2");
        assert_eq!(value_of(&text, "kraken_mempool_batches"), "1");
        assert_eq!(value_of(&text, "kraken_mempool_transactions"), "2");
        assert_eq!(value_of(&text, "kraken_committed_tx_per_second"), "0.3");
        assert!(text.contains("# TYPE kraken_tx_commit_latency_seconds histogram"), "{text}");
    }

    #[test]
    fn network_drops_follow_the_node_counters() {
        let metrics = Metrics::new();
        let net = NetStats::default();
        net.malformed.fetch_add(2, std::sync::atomic::Ordering::Relaxed);
        metrics.render(&BatchPool::default(), &net);
        net.malformed.fetch_add(3, std::sync::atomic::Ordering::Relaxed);
        let text = metrics.render(&BatchPool::default(), &net);
        assert_eq!(value_of(&text, "kraken_dropped_messages_total{reason=\"malformed\"}"), "5");
    }
}
