//! A finished run as the checkers and metrics see it: the recorded events plus the few
//! scenario facts needed to judge them (which copies are byzantine, when the run ended,
//! when the last fault healed).

use crate::events::{Event, EventKind};
use crate::scenario::Scenario;
use std::collections::BTreeSet;
use std::time::Duration;

/// Events plus scenario facts.
#[derive(Clone, Debug)]
pub struct History {
    /// Every recorded event, in recording order.
    pub events: Vec<Event>,
    /// Every node copy: n0..n{N-1}, then the Twins copies ("n0'").
    pub nodes: Vec<String>,
    /// Copies of identities that have a twin (both "n0" and "n0'") or run byzantine
    /// strategies: not honest.
    pub byzantine: BTreeSet<String>,
    /// Simulated end of the run, in microseconds.
    pub run_end_us: u64,
    /// When the fault configuration last changed (0 without faults).
    pub last_heal_us: u64,
}

fn us(d: Duration) -> u64 {
    d.as_micros() as u64
}

impl History {
    /// The history of a run of `scenario` that recorded `events`.
    pub fn new(scenario: &Scenario, events: Vec<Event>) -> Self {
        History {
            events,
            nodes: scenario.copies().iter().map(|c| c.to_string()).collect(),
            byzantine: scenario
                .copies()
                .iter()
                .filter(|c| scenario.twins.contains(&c.identity) || scenario.byzantine.as_ref().is_some_and(|b| b.nodes.contains(&c.identity)))
                .map(|c| c.to_string())
                .collect(),
            run_end_us: us(scenario.duration),
            last_heal_us: us(scenario.last_heal()),
        }
    }

    /// Whether `node` is a copy of an identity without a twin.
    pub fn is_honest(&self, node: &str) -> bool {
        self.nodes.iter().any(|n| n == node) && !self.byzantine.contains(node)
    }

    /// Nodes crashed, exited or paused at the end of the run, from the world's events.
    pub fn down_at_end(&self) -> BTreeSet<String> {
        let mut down = BTreeSet::new();
        for event in &self.events {
            match event.kind {
                EventKind::NodeCrashed | EventKind::NodeExited | EventKind::NodePaused => {
                    down.insert(event.node.clone());
                }
                EventKind::NodeRestarted | EventKind::NodeResumed => {
                    down.remove(&event.node);
                }
                _ => {}
            }
        }
        down
    }

    /// Honest copies that are up at the end of the run.
    pub fn honest_live(&self) -> Vec<&str> {
        let down = self.down_at_end();
        self.nodes
            .iter()
            .filter(|n| self.is_honest(n) && !down.contains(*n))
            .map(String::as_str)
            .collect()
    }

    /// Every block commit as (event, height, round, block, parent, txs).
    pub fn commits(&self) -> impl Iterator<Item = Commit<'_>> {
        self.events.iter().filter_map(|e| match &e.kind {
            EventKind::BlockCommitted {
                height,
                round,
                block,
                parent,
                txs,
            } => Some(Commit {
                t_us: e.t_us,
                node: &e.node,
                height: *height,
                round: *round,
                block,
                parent,
                txs,
            }),
            _ => None,
        })
    }
}

/// One `BlockCommitted` event, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Commit<'a> {
    /// When.
    pub t_us: u64,
    /// Which copy.
    pub node: &'a str,
    /// Chain height.
    pub height: u64,
    /// Consensus round.
    pub round: u64,
    /// Block id.
    pub block: &'a str,
    /// Parent block id.
    pub parent: &'a str,
    /// Transactions.
    pub txs: &'a [String],
}

/// Builders for hand-made histories in tests (of this crate and of systems' checkers).
pub mod build {
    use super::*;

    /// A history over `n` honest nodes (n0..) plus the twin copies `twins` of those
    /// identities, ending at `end_s` seconds, last heal at `heal_s` seconds.
    pub fn history(
        n: usize,
        twins: &[usize],
        end_s: u64,
        heal_s: u64,
        events: Vec<Event>,
    ) -> History {
        let mut nodes: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
        nodes.extend(twins.iter().map(|i| format!("n{i}'")));
        let byzantine = twins
            .iter()
            .flat_map(|i| [format!("n{i}"), format!("n{i}'")])
            .collect();
        History {
            events,
            nodes,
            byzantine,
            run_end_us: end_s * 1_000_000,
            last_heal_us: heal_s * 1_000_000,
        }
    }

    /// A `BlockCommitted` event at `t_ms` milliseconds.
    pub fn commit(
        t_ms: u64,
        node: &str,
        height: u64,
        block: &str,
        parent: &str,
        txs: &[&str],
    ) -> Event {
        Event {
            t_us: t_ms * 1000,
            node: node.to_string(),
            kind: EventKind::BlockCommitted {
                height,
                round: height,
                block: block.to_string(),
                parent: parent.to_string(),
                txs: txs.iter().map(|t| t.to_string()).collect(),
            },
        }
    }

    /// Any other event at `t_ms` milliseconds.
    pub fn event(t_ms: u64, node: &str, kind: EventKind) -> Event {
        Event {
            t_us: t_ms * 1000,
            node: node.to_string(),
            kind,
        }
    }

    /// The client submitting `tx` to n0 at `t_ms` milliseconds.
    pub fn submitted(t_ms: u64, tx: &str) -> Event {
        event(t_ms, "client", EventKind::TxSubmitted { tx: tx.to_string(), to: "n0".to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::build::*;
    use super::*;

    #[test]
    fn facts_from_scenario_and_events() {
        let s = Scenario::from_str(
            "[scenario]\nduration = \"30s\"\n[twins]\nnodes = [\"n1\"]\n[[faults]]\nat = \"5s\"\ncrash = \"n2\"\n",
            "x.toml",
        )
        .unwrap();
        let h = History::new(
            &s,
            vec![
                event(5000, "n2", EventKind::NodeCrashed),
                event(6000, "n3", EventKind::NodePaused),
                event(7000, "n3", EventKind::NodeResumed),
            ],
        );
        assert_eq!(h.nodes, ["n0", "n1", "n2", "n3", "n1'"]);
        assert!(
            h.is_honest("n0")
                && !h.is_honest("n1")
                && !h.is_honest("n1'")
                && !h.is_honest("client")
        );
        assert_eq!(h.honest_live(), ["n0", "n3"]);
        assert_eq!(h.run_end_us, 30_000_000);
        assert_eq!(h.last_heal_us, 5_000_000);
    }
}
