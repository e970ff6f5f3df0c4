//! No lost transactions: every transaction an honest node admitted at least `bound`
//! before the end of the run is in the honest chain, and no transaction is committed at
//! two heights.

use super::{Checker, Verdict};
use crate::events::EventKind;
use crate::history::History;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Admitted transactions are committed exactly once.
pub struct NoLostTx {
    /// Transactions admitted within `bound` of the end are not yet owed; `None` owes
    /// none (a safety-only run: only a tx committed twice fails).
    pub bound: Option<Duration>,
}

impl Checker for NoLostTx {
    fn name(&self) -> &str {
        "no-lost-tx"
    }

    fn check(&self, h: &History) -> Verdict {
        // The honest chain: per height, the first block any honest copy committed.
        let mut chain: BTreeMap<u64, (&str, &[String])> = BTreeMap::new();
        for c in h.commits().filter(|c| h.is_honest(c.node)) {
            chain.entry(c.height).or_insert((c.block, c.txs));
        }
        let mut height_of: BTreeMap<&str, u64> = BTreeMap::new();
        for (height, (_, txs)) in &chain {
            for tx in txs.iter() {
                if let Some(first) = height_of.insert(tx, *height) {
                    return Verdict::fail(
                        self.name(),
                        format!("tx {tx} committed twice: at heights {first} and {height}"),
                    );
                }
            }
        }
        let Some(bound) = self.bound else {
            return Verdict::pass(
                self.name(),
                format!("no tx committed twice; {} txs in {} blocks (safety only: none owed)", height_of.len(), chain.len()),
            );
        };
        let deadline = h.run_end_us.saturating_sub(bound.as_micros() as u64);
        let owed: BTreeSet<&str> = h
            .events
            .iter()
            .filter(|e| e.t_us <= deadline && h.is_honest(&e.node))
            .filter_map(|e| match &e.kind {
                EventKind::TxAdmitted { tx } => Some(tx.as_str()),
                _ => None,
            })
            .collect();
        let lost: Vec<&str> = owed
            .iter()
            .copied()
            .filter(|tx| !height_of.contains_key(tx))
            .collect();
        if let Some(first) = lost.first() {
            return Verdict::fail(
                self.name(),
                format!(
                    "{} of {} txs admitted by {}s never committed, first {first}",
                    lost.len(),
                    owed.len(),
                    deadline / 1_000_000
                ),
            );
        }
        Verdict::pass(
            self.name(),
            format!(
                "{} admitted txs committed once each; {} txs in {} blocks",
                owed.len(),
                height_of.len(),
                chain.len()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::build::*;

    fn admitted(t_ms: u64, tx: &str) -> crate::events::Event {
        event(t_ms, "n0", EventKind::TxAdmitted { tx: tx.to_string() })
    }

    fn checker() -> NoLostTx {
        NoLostTx {
            bound: Some(Duration::from_secs(5)),
        }
    }

    #[test]
    fn committed_and_late_txs_pass() {
        let events = vec![
            admitted(1000, "a"),
            admitted(2000, "b"),
            admitted(17_000, "late"), // within the bound of the end: not owed
            commit(3000, "n0", 1, "b1", "g", &["a"]),
            commit(3001, "n1", 1, "b1", "g", &["a"]),
            commit(4000, "n1", 2, "b2", "b1", &["b"]),
        ];
        let v = checker().check(&history(4, &[], 20, 0, events));
        assert!(v.passed, "{v:?}");
        assert_eq!(
            v.detail,
            "2 admitted txs committed once each; 2 txs in 2 blocks"
        );
    }

    #[test]
    fn lost_tx_fails() {
        let events = vec![
            admitted(1000, "a"),
            admitted(2000, "b"),
            commit(3000, "n0", 1, "b1", "g", &["a"]),
        ];
        let v = checker().check(&history(4, &[], 20, 0, events));
        assert!(!v.passed);
        assert_eq!(
            v.detail,
            "1 of 2 txs admitted by 15s never committed, first b"
        );
    }

    #[test]
    fn tx_in_two_heights_fails() {
        let events = vec![
            commit(3000, "n0", 1, "b1", "g", &["a"]),
            commit(4000, "n0", 2, "b2", "b1", &["a"]),
        ];
        let v = checker().check(&history(4, &[], 20, 0, events));
        assert!(!v.passed);
        assert_eq!(v.detail, "tx a committed twice: at heights 1 and 2");
    }

    #[test]
    fn only_a_twin_commit_does_not_count() {
        let mut events = vec![
            admitted(1000, "a"),
            commit(3000, "n0'", 1, "b1", "g", &["a"]),
        ];
        events[0].node = "n1".to_string();
        assert!(!checker().check(&history(4, &[0], 20, 0, events)).passed);
    }

    #[test]
    fn admissions_by_a_twin_identity_are_not_owed() {
        // n0 has a twin: what it admits carries no promise.
        let events = vec![admitted(1000, "a")];
        assert!(checker().check(&history(4, &[0], 20, 0, events)).passed);
    }
}
