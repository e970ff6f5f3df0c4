//! Liveness: after the last fault heals (time T, 0 without faults), every honest node
//! that is up at the end commits a block within `(T, T + within]` (cut at the end of the
//! run, which validation makes last at least that long whenever there are faults).

use super::{secs, Checker, Verdict};
use crate::history::History;
use std::time::Duration;

/// Progress after healing.
pub struct Liveness {
    /// How long after the last heal every live honest node must commit.
    pub within: Duration,
}

impl Checker for Liveness {
    fn name(&self) -> &str {
        "liveness"
    }

    fn check(&self, h: &History) -> Verdict {
        let from = h.last_heal_us;
        let until = (from + self.within.as_micros() as u64).min(h.run_end_us.max(from));
        let live = h.honest_live();
        let stalled: Vec<&str> = live
            .iter()
            .copied()
            .filter(|node| {
                !h.commits()
                    .any(|c| c.node == *node && c.t_us > from && c.t_us <= until)
            })
            .collect();
        if stalled.is_empty() {
            Verdict::pass(
                self.name(),
                format!(
                    "{} live honest nodes committed within ({}, {}]",
                    live.len(),
                    secs(from),
                    secs(until)
                ),
            )
        } else {
            Verdict::fail(
                self.name(),
                format!(
                    "no commit within ({}, {}] by {}",
                    secs(from),
                    secs(until),
                    stalled.join(", ")
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventKind;
    use crate::history::build::*;

    fn checker() -> Liveness {
        Liveness {
            within: Duration::from_secs(5),
        }
    }

    #[test]
    fn every_live_honest_node_commits_after_heal() {
        let mut events: Vec<_> = (0..4)
            .map(|i| commit(12_000 + i, &format!("n{i}"), 1, "b", "g", &[]))
            .collect();
        // A twin identity and a crashed node need not commit.
        events.retain(|e| e.node != "n1" && e.node != "n3");
        events.push(event(1000, "n3", EventKind::NodeCrashed));
        let h = history(4, &[1], 20, 10, events);
        let v = checker().check(&h);
        assert!(v.passed, "{v:?}");
        assert!(v.detail.starts_with("2 live honest nodes"), "{}", v.detail);
    }

    #[test]
    fn stalled_node_fails() {
        let events = vec![
            commit(12_000, "n0", 1, "b", "g", &[]),
            commit(12_000, "n1", 1, "b", "g", &[]),
            commit(12_000, "n2", 1, "b", "g", &[]),
            commit(9_000, "n3", 1, "b", "g", &[]), // before the heal
            commit(15_001, "n3", 2, "c", "b", &[]), // after the bound
        ];
        let v = checker().check(&history(4, &[], 20, 10, events));
        assert!(!v.passed);
        assert_eq!(v.detail, "no commit within (10.000s, 15.000s] by n3");
    }
}
