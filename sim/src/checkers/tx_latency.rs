//! Transaction latency bound: every committed transaction was committed (first, by an
//! honest copy) within `bound` of its first submission.

use super::{Checker, Verdict};
use crate::history::History;
use crate::metrics::tx_latencies;
use std::time::Duration;

/// Submit-to-commit latency stays within a bound.
pub struct TxLatency {
    /// The largest allowed latency.
    pub bound: Duration,
}

impl Checker for TxLatency {
    fn name(&self) -> &str {
        "tx-latency"
    }

    fn check(&self, h: &History) -> Verdict {
        let bound_us = self.bound.as_micros() as u64;
        let committed: Vec<_> = tx_latencies(h)
            .into_iter()
            .filter_map(|t| Some((t.committed_us? - t.submitted_us, t)))
            .collect();
        let over: Vec<_> = committed
            .iter()
            .filter(|(lat, _)| *lat > bound_us)
            .collect();
        match over.iter().max_by_key(|(lat, _)| *lat) {
            Some((lat, worst)) => Verdict::fail(
                self.name(),
                format!(
                    "{} of {} committed txs took longer than {} ms; worst {} at {} ms",
                    over.len(),
                    committed.len(),
                    bound_us / 1000,
                    worst.tx,
                    lat / 1000
                ),
            ),
            None => Verdict::pass(
                self.name(),
                format!(
                    "{} committed txs within {} ms",
                    committed.len(),
                    bound_us / 1000
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::build::*;

    #[test]
    fn fast_txs_pass_and_slow_fail() {
        let checker = TxLatency {
            bound: Duration::from_millis(500),
        };
        let fast = vec![
            submitted(1000, "a"),
            commit(1400, "n0", 1, "b1", "g", &["a"]),
        ];
        assert!(checker.check(&history(4, &[], 10, 0, fast.clone())).passed);
        let mut slow = fast;
        slow.extend([
            submitted(2000, "b"),
            commit(2900, "n0", 2, "b2", "b1", &["b"]),
        ]);
        let v = checker.check(&history(4, &[], 10, 0, slow));
        assert!(!v.passed);
        assert_eq!(
            v.detail,
            "1 of 2 committed txs took longer than 500 ms; worst b at 900 ms"
        );
    }
}
