//! The `byzantine-refused` checker: for each strategy whose messages honest code must
//! refuse ([`Strategy::refusal`]) and that acted in the run, every honest node up at
//! the end dropped at least one message of the byzantine member that sent them, for
//! that strategy's reason. A node that let all of them through (a certificate one
//! signature short, a proposal out of turn) fails it even when nothing else went wrong.

use super::Strategy;
use crate::testbed::observer::dropped;
use crate::types::Author;
use kraken_sim::checkers::{Checker, Verdict};
use kraken_sim::events::EventKind;
use kraken_sim::history::History;
use std::collections::BTreeSet;

pub struct Refusals;

impl Checker for Refusals {
    fn name(&self) -> &str {
        "byzantine-refused"
    }

    fn check(&self, h: &History) -> Verdict {
        let mut judged = 0;
        for (member, strategy) in acted(h) {
            let Some(reason) = strategy.refusal() else { continue };
            let Some(author) = member.strip_prefix('n').and_then(|i| i.parse::<Author>().ok()) else { continue };
            for node in h.honest_live() {
                let refused = h
                    .events
                    .iter()
                    .filter(|e| e.node == node)
                    .filter_map(dropped)
                    .any(|(from, why)| from == author && why.contains(reason) && !foreign_empty_certificate(strategy, &why));
                if !refused {
                    return Verdict::fail(
                        self.name(),
                        format!("{node} never refused a message of {member}'s {} (expected {reason:?})", strategy.name()),
                    );
                }
                judged += 1;
            }
        }
        Verdict::pass(self.name(), format!("{judged} (honest node, refusable strategy) pairs each refused at least once"))
    }
}

/// A certificate with no signature at all is what out-of-turn proposals carry, refused
/// in the same words as a short one; counted for the short-certificate strategies it
/// hid a node that accepts certificates one short (found by `make mutants` once the
/// out-of-turn proposals, under leader reputation, sometimes came from the leader).
fn foreign_empty_certificate(strategy: Strategy, why: &str) -> bool {
    matches!(strategy, Strategy::ShortCertificates | Strategy::DuplicateSignatures) && why.contains("has 0 distinct valid signers")
}

/// (member, strategy) for every strategy a byzantine member applied at least once.
fn acted(h: &History) -> BTreeSet<(String, Strategy)> {
    h.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Note { what, detail } if what == "byzantine" => {
                let strategy = Strategy::parse(detail["strategy"].as_str()?).ok()?;
                Some((e.node.clone(), strategy))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kraken_sim::history::build::{event, history};

    fn note(t: u64, node: &str, what: &str, detail: serde_json::Value) -> kraken_sim::events::Event {
        event(t, node, EventKind::Note { what: what.into(), detail })
    }

    fn run(drops_at: &[&str]) -> Verdict {
        let mut events = vec![note(10, "n3", "byzantine", serde_json::json!({ "strategy": "short-certificates", "messages": 1 }))];
        for node in drops_at {
            let detail = serde_json::json!({ "from": 3, "reason": "invalid block: certificate has 2 distinct valid signers, needs 3" });
            events.push(note(11, node, "message_dropped", detail));
        }
        let mut h = history(4, &[], 20, 0, events);
        h.byzantine.insert("n3".into());
        Refusals.check(&h)
    }

    #[test]
    fn passes_when_every_honest_node_refused() {
        let v = run(&["n0", "n1", "n2"]);
        assert!(v.passed, "{v:?}");
        assert!(v.detail.starts_with("3 "), "{}", v.detail);
    }

    #[test]
    fn fails_when_one_honest_node_let_everything_through() {
        let v = run(&["n0", "n2"]);
        assert!(!v.passed);
        assert!(v.detail.contains("n1 never refused") && v.detail.contains("short-certificates"), "{}", v.detail);
    }
}
