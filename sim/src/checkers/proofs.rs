//! Proofs, for runs with a prover. Every stored proof verified when read back from the
//! store, states exactly the blocks it was stored for, and names the block hash the
//! honest nodes executed at its last block (a proof of a forked block fails here). With
//! `coverage`, every block the honest nodes executed is proved or is backlog with its
//! reason: refused by the block program, being proved when the run ended, or waiting
//! above every range begun. A block below a begun range that is none of these was
//! skipped.

use super::{secs, Checker, Verdict};
use crate::events::EventKind;
use crate::history::History;
use std::collections::{BTreeMap, BTreeSet};

/// Stored proofs are valid and bound to the honest chain; with `coverage`, no block is
/// skipped.
pub struct Proofs {
    pub coverage: bool,
}

impl Checker for Proofs {
    fn name(&self) -> &str {
        "proofs"
    }

    fn check(&self, h: &History) -> Verdict {
        let mut executed: BTreeMap<u64, &str> = BTreeMap::new();
        let mut proved: BTreeSet<u64> = BTreeSet::new();
        let mut begun: BTreeMap<u64, u64> = BTreeMap::new();
        let mut refused: BTreeMap<u64, (u64, &str)> = BTreeMap::new();
        let (mut proofs, mut verified, mut prover_ran) = (0u64, 0u64, false);
        for e in &h.events {
            prover_ran |= e.node == crate::PROVER && !matches!(e.kind, EventKind::Note { .. });
            match &e.kind {
                EventKind::BlockExecuted { height, block_hash, .. } if h.is_honest(&e.node) => {
                    executed.entry(*height).or_insert(block_hash);
                }
                EventKind::ProvingStarted { first, last } => {
                    begun.insert(*first, *last);
                }
                EventKind::ProofRefused { first, last, reason } => {
                    refused.insert(*first, (*last, reason));
                }
                EventKind::ProofStored { first, last, verified: ok, claimed_first, claimed_last, last_block_hash, .. } => {
                    let at = secs(e.t_us);
                    if *ok == Some(false) {
                        return Verdict::fail(self.name(), format!("the proof of blocks {first}..={last} stored at {at} does not verify when read back from the store"));
                    }
                    if (claimed_first, claimed_last) != (first, last) {
                        return Verdict::fail(self.name(), format!("the proof stored at {at} for blocks {first}..={last} states blocks {claimed_first}..={claimed_last}"));
                    }
                    match executed.get(last) {
                        None => return Verdict::fail(self.name(), format!("the proof of blocks {first}..={last} stored at {at} ends at a block no honest node had executed")),
                        Some(hash) if hash != last_block_hash => {
                            return Verdict::fail(
                                self.name(),
                                format!("the proof of blocks {first}..={last} stored at {at} names block {last} hash {last_block_hash}, but the honest nodes executed {hash}: a proof of another chain"),
                            )
                        }
                        Some(_) => {}
                    }
                    proved.extend(*first..=*last);
                    proofs += 1;
                    verified += u64::from(ok.is_some());
                }
                _ => {}
            }
        }
        if !prover_ran {
            return Verdict::fail(self.name(), "the scenario has a [prover] but no prover ran");
        }
        let what = if verified == proofs {
            format!("{proofs} proofs verified, each bound to the honest block it names")
        } else {
            format!("{proofs} proofs recorded, {verified} verified (the rest by the cost model only: outputs checked, no STARK made), each bound to the honest block it names")
        };
        if !self.coverage {
            return Verdict::pass(self.name(), what);
        }
        let top = executed.keys().next_back().copied().unwrap_or(0);
        let from = begun.keys().chain(refused.keys()).min().copied().unwrap_or(1);
        let highest_begun = begun.values().chain(refused.values().map(|r| &r.0)).max().copied().unwrap_or(0);
        let within = |ranges: &BTreeMap<u64, u64>, b: u64| ranges.range(..=b).next_back().is_some_and(|(_, &last)| b <= last);
        let (mut proving, mut waiting, mut refusals) = (0u64, 0u64, Vec::new());
        for b in from..=top {
            if proved.contains(&b) {
                continue;
            }
            if let Some((_, (last, reason))) = refused.range(..=b).next_back().filter(|(_, (last, _))| b <= *last) {
                if refusals.last().is_none_or(|(l, _): &(u64, &str)| *l != *last) {
                    refusals.push((*last, reason));
                }
            } else if within(&begun, b) {
                proving += 1;
            } else if b > highest_begun {
                waiting += 1;
            } else {
                return Verdict::fail(self.name(), format!("block {b} was executed but never proved, begun or refused, though the prover began blocks up to {highest_begun}: it was skipped"));
            }
        }
        let refused_text = refusals.iter().map(|(last, reason)| format!("..={last}: {reason}")).collect::<Vec<_>>().join("; ");
        Verdict::pass(
            self.name(),
            format!(
                "{what}; {} of blocks {from}..={top} proved, backlog {proving} being proved and {waiting} waiting{}",
                proved.range(from..=top).count(),
                if refusals.is_empty() { String::new() } else { format!(", refused {refused_text}") }
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Event;
    use crate::history::build::history;

    fn ev(t_us: u64, node: &str, kind: EventKind) -> Event {
        Event { t_us, node: node.into(), kind }
    }

    fn executed(t: u64, height: u64, hash: &str) -> Event {
        ev(t, "n0", EventKind::BlockExecuted { height, state_root: "s".into(), receipts: "r".into(), included: 0, reverted: 0, rejected: 0, block_hash: hash.into() })
    }

    fn started(t: u64, first: u64, last: u64) -> Event {
        ev(t, crate::PROVER, EventKind::ProvingStarted { first, last })
    }

    fn stored(t: u64, first: u64, last: u64, verified: Option<bool>, hash: &str) -> Event {
        ev(
            t,
            crate::PROVER,
            EventKind::ProofStored { first, last, txs: 0, rows: 1 << 10, bytes: 9, started_us: 0, verified, claimed_first: first, claimed_last: last, last_block_hash: hash.into() },
        )
    }

    fn chain() -> Vec<Event> {
        (1..=6).map(|b| executed(b * 10, b, &format!("h{b}"))).collect()
    }

    fn judge(extra: Vec<Event>) -> Verdict {
        let mut events = chain();
        events.extend(extra);
        Proofs { coverage: true }.check(&history(4, &[], 10, 0, events))
    }

    #[test]
    fn proved_blocks_and_a_backlog_above_them_pass() {
        let v = judge(vec![started(100, 1, 2), stored(200, 1, 2, Some(true), "h2"), started(210, 3, 4), stored(300, 3, 4, Some(true), "h4"), started(310, 5, 6)]);
        assert!(v.passed, "{}", v.detail);
        assert!(v.detail.contains("4 of blocks 1..=6 proved, backlog 2 being proved and 0 waiting"), "{}", v.detail);
    }

    #[test]
    fn a_proof_that_does_not_verify_fails() {
        let v = judge(vec![started(100, 1, 1), stored(200, 1, 1, Some(false), "h1")]);
        assert!(!v.passed && v.detail.contains("does not verify"), "{}", v.detail);
    }

    #[test]
    fn a_proof_of_a_forked_block_fails() {
        let v = judge(vec![started(100, 1, 1), stored(200, 1, 1, Some(true), "other")]);
        assert!(!v.passed && v.detail.contains("a proof of another chain"), "{}", v.detail);
    }

    #[test]
    fn a_skipped_block_fails() {
        let v = judge(vec![started(100, 1, 1), stored(200, 1, 1, Some(true), "h1"), started(210, 3, 3), stored(300, 3, 3, Some(true), "h3")]);
        assert!(!v.passed && v.detail.contains("block 2 was executed but never proved"), "{}", v.detail);
    }

    #[test]
    fn refused_blocks_are_backlog_with_their_reason() {
        let refused = ev(150, crate::PROVER, EventKind::ProofRefused { first: 1, last: 1, reason: "an L1 handler".into() });
        let v = judge(vec![refused, started(160, 2, 2), stored(200, 2, 2, Some(true), "h2")]);
        assert!(v.passed && v.detail.contains("refused ..=1: an L1 handler"), "{}", v.detail);
    }

    #[test]
    fn no_prover_fails() {
        let v = judge(vec![]);
        assert!(!v.passed && v.detail.contains("no prover ran"), "{}", v.detail);
    }
}
