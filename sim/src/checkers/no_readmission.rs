//! No readmission: a node does not take into its mempool a transaction it has already
//! committed. (The commit itself would drop the copy, but a mempool that admits committed
//! transactions fills batches with them; clients resend what they did not hear back
//! about, so this happens in every run with resubmissions.)
//!
//! A node may still admit a transaction after committing it when the copy reached it
//! before the commit (it waited in the mempool for its batch). So an admission after the
//! commit needs a submission to that node sent before the commit that has not been
//! admitted yet. A restart starts the count afresh: the node may have lost commits with
//! its unsynced writes.

use super::{secs, Checker, Verdict};
use crate::events::EventKind;
use crate::history::History;
use std::collections::BTreeMap;

/// Honest nodes never admit a transaction they committed.
pub struct NoReadmission;

/// One node's dealings with one transaction in its current incarnation.
#[derive(Default)]
struct Dealings {
    /// Submissions to the node sent before it committed the transaction.
    sent_before_commit: u32,
    admitted: u32,
    /// When and at what height the node committed it.
    committed: Option<(u64, u64)>,
}

impl Checker for NoReadmission {
    fn name(&self) -> &str {
        "no-readmission"
    }

    fn check(&self, h: &History) -> Verdict {
        let mut dealings: BTreeMap<(&str, &str), Dealings> = BTreeMap::new();
        let mut late = 0u64;
        for e in &h.events {
            match &e.kind {
                EventKind::NodeStarted { .. } => dealings.retain(|(node, _), _| *node != e.node),
                EventKind::TxSubmitted { tx, to } if h.is_honest(to) => {
                    let d = dealings.entry((to.as_str(), tx.as_str())).or_default();
                    if d.committed.is_none() {
                        d.sent_before_commit += 1;
                    } else {
                        late += 1;
                    }
                }
                EventKind::BlockCommitted { height, txs, .. } if h.is_honest(&e.node) => {
                    for tx in txs {
                        dealings.entry((e.node.as_str(), tx.as_str())).or_default().committed.get_or_insert((e.t_us, *height));
                    }
                }
                EventKind::TxAdmitted { tx } if h.is_honest(&e.node) => {
                    let d = dealings.entry((e.node.as_str(), tx.as_str())).or_default();
                    d.admitted += 1;
                    if let Some((at, height)) = d.committed {
                        if d.admitted > d.sent_before_commit {
                            return Verdict::fail(
                                self.name(),
                                format!(
                                    "{} admitted tx {tx} at {}, after committing it at height {height} at {}",
                                    e.node,
                                    secs(e.t_us),
                                    secs(at)
                                ),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        Verdict::pass(
            self.name(),
            format!("no honest node admitted a transaction it had committed ({late} sent to a node after it committed them)"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::build::{event, history};

    fn submitted(t: u64, tx: &str, to: &str) -> crate::events::Event {
        event(t, "client", EventKind::TxSubmitted { tx: tx.into(), to: to.into() })
    }

    fn admitted(t: u64, node: &str, tx: &str) -> crate::events::Event {
        event(t, node, EventKind::TxAdmitted { tx: tx.into() })
    }

    fn committed(t: u64, node: &str, tx: &str) -> crate::events::Event {
        let kind = EventKind::BlockCommitted { height: 3, round: 3, block: "b".into(), parent: "a".into(), txs: vec![tx.into()] };
        event(t, node, kind)
    }

    #[test]
    fn a_copy_that_arrived_before_the_commit_may_be_admitted_after_it() {
        let events = vec![submitted(1_000, "x", "n1"), committed(2_000, "n1", "x"), admitted(3_000, "n1", "x"), submitted(4_000, "x", "n1")];
        let v = NoReadmission.check(&history(4, &[], 10, 0, events));
        assert!(v.passed, "{v:?}");
        assert!(v.detail.contains("(1 sent to a node after it committed them)"), "{}", v.detail);
    }

    #[test]
    fn admitting_a_copy_sent_after_the_commit_fails() {
        let events = vec![
            submitted(1_000, "x", "n0"),
            admitted(1_500, "n0", "x"),
            committed(2_000, "n1", "x"),
            submitted(3_000, "x", "n1"),
            admitted(3_500, "n1", "x"),
        ];
        let v = NoReadmission.check(&history(4, &[], 10, 0, events));
        assert!(!v.passed);
        assert_eq!(v.detail, "n1 admitted tx x at 3.500s, after committing it at height 3 at 2.000s");
    }

    #[test]
    fn a_restart_starts_afresh_and_twins_are_not_judged() {
        let restart = event(2_500, "n1", EventKind::NodeStarted { incarnation: 1 });
        let events = vec![committed(2_000, "n1", "x"), restart, submitted(3_000, "x", "n1"), admitted(3_500, "n1", "x")];
        assert!(NoReadmission.check(&history(4, &[], 10, 0, events)).passed);
        let events = vec![committed(2_000, "n1", "x"), submitted(3_000, "x", "n1"), admitted(3_500, "n1", "x")];
        assert!(NoReadmission.check(&history(4, &[1], 10, 0, events)).passed);
    }
}
