//! State agreement, for systems that execute what they order: every copy that executed
//! height h reached the same state root with the same receipts, each copy executed its
//! heights in order without gaps, and the run executed something (a run where nothing
//! ran proves nothing). A copy that restarted may execute again heights it had executed
//! (a system may keep executed state lazily and compute it again after a crash), and
//! must agree with the first execution of each.

use super::{secs, Checker, Verdict};
use crate::events::EventKind;
use crate::history::History;
use std::collections::{BTreeMap, BTreeSet};

/// Agreement on executed state across all copies.
pub struct StateAgreement;

impl Checker for StateAgreement {
    fn name(&self) -> &str {
        "state-agreement"
    }

    fn check(&self, h: &History) -> Verdict {
        let mut first: BTreeMap<u64, (&str, &str, &str, u64)> = BTreeMap::new();
        let mut last: BTreeMap<&str, u64> = BTreeMap::new();
        // Copies restarted since their last execution: their next may go back.
        let mut restarted: BTreeSet<&str> = BTreeSet::new();
        let (mut blocks, mut included) = (0u64, 0u64);
        for e in &h.events {
            if e.kind == EventKind::NodeRestarted {
                restarted.insert(&e.node);
                continue;
            }
            let EventKind::BlockExecuted { height, state_root, receipts, included: n, .. } = &e.kind else {
                continue;
            };
            blocks += 1;
            let (root, rec, node, t) = *first.entry(*height).or_insert((state_root, receipts, &e.node, e.t_us));
            if root != state_root || rec != receipts {
                return Verdict::fail(
                    self.name(),
                    format!(
                        "height {height}: {node} reached state {root} (receipts {rec}) at {}, {} reached {state_root} (receipts {receipts}) at {}",
                        secs(t),
                        e.node,
                        secs(e.t_us)
                    ),
                );
            }
            if *n > 0 && first.get(height).map(|f| f.2) == Some(e.node.as_str()) {
                included += n;
            }
            let resumed = restarted.remove(e.node.as_str());
            if let Some(prev) = last.insert(&e.node, *height) {
                let in_order = if resumed { *height <= prev + 1 } else { *height == prev + 1 };
                if !in_order {
                    return Verdict::fail(
                        self.name(),
                        format!("{} executed height {height} after {prev} (t={})", e.node, secs(e.t_us)),
                    );
                }
            }
        }
        if included == 0 {
            return Verdict::fail(self.name(), format!("no transaction was included in {blocks} executed blocks"));
        }
        let top = first.keys().next_back().copied().unwrap_or(0);
        Verdict::pass(
            self.name(),
            format!("{} copies agree on state and receipts up to height {top}; {included} transactions included", last.len()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Event;
    use crate::history::build::history;

    fn executed(t_us: u64, node: &str, height: u64, root: &str) -> Event {
        Event {
            t_us,
            node: node.into(),
            kind: EventKind::BlockExecuted {
                height,
                state_root: root.into(),
                receipts: "r".into(),
                included: 1,
                reverted: 0,
                rejected: 0,
                block_hash: format!("{root}/{height}"),
            },
        }
    }

    #[test]
    fn agreeing_roots_pass_and_a_divergent_root_fails() {
        let ok = history(4, &[], 10, 0, vec![executed(1, "n0", 1, "a"), executed(2, "n1", 1, "a"), executed(3, "n0", 2, "b")]);
        assert!(StateAgreement.check(&ok).passed);
        let bad = history(4, &[], 10, 0, vec![executed(1, "n0", 1, "a"), executed(2, "n1", 1, "x")]);
        let v = StateAgreement.check(&bad);
        assert!(!v.passed);
        assert!(v.detail.contains("height 1"), "{}", v.detail);
    }

    #[test]
    fn a_restarted_copy_may_execute_again_but_must_agree_and_not_skip() {
        let restart = || Event { t_us: 3, node: "n0".into(), kind: EventKind::NodeRestarted };
        let again = |root: &str, height| {
            history(4, &[], 10, 0, vec![executed(1, "n0", 1, "a"), executed(2, "n0", 2, "b"), restart(), executed(4, "n0", height, root)])
        };
        assert!(StateAgreement.check(&again("a", 1)).passed);
        assert!(StateAgreement.check(&again("c", 3)).passed);
        assert!(!StateAgreement.check(&again("x", 1)).passed, "a second execution must agree with the first");
        assert!(!StateAgreement.check(&again("d", 4)).passed, "a restart does not excuse a gap");
        // Without a restart, going back is a failure.
        let back = history(4, &[], 10, 0, vec![executed(1, "n0", 1, "a"), executed(2, "n0", 2, "b"), executed(3, "n0", 1, "a")]);
        assert!(!StateAgreement.check(&back).passed);
    }

    #[test]
    fn gaps_and_empty_runs_fail() {
        let gap = history(4, &[], 10, 0, vec![executed(1, "n0", 1, "a"), executed(2, "n0", 3, "c")]);
        assert!(!StateAgreement.check(&gap).passed);
        assert!(!StateAgreement.check(&history(4, &[], 10, 0, vec![])).passed);
    }
}
