//! Collects votes into QCs and timeouts into TCs. A certificate is formed once, when the
//! quorum-th (N - f) distinct signer arrives; signatures were checked before they got here.

use super::messages::{QuorumCert, Timeout, TimeoutCert, Vote};
use crate::types::{Author, Digest, Round, Signature};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Aggregator {
    votes: BTreeMap<(Round, Digest), BTreeMap<Author, Signature>>,
    timeouts: BTreeMap<Round, BTreeMap<Author, (Round, Signature)>>,
}

impl Aggregator {
    /// Returns a QC when this vote completes a quorum.
    pub fn add_vote(&mut self, v: &Vote, quorum: usize) -> Option<QuorumCert> {
        let signers = self.votes.entry((v.round, v.block)).or_default();
        if signers.insert(v.author, v.signature).is_some() || signers.len() != quorum {
            return None;
        }
        Some(QuorumCert { block: v.block, round: v.round, votes: signers.iter().map(|(a, s)| (*a, *s)).collect() })
    }

    /// Whether this author's vote for this block and round is already counted.
    pub fn has_vote(&self, v: &Vote) -> bool {
        self.votes.get(&(v.round, v.block)).is_some_and(|s| s.contains_key(&v.author))
    }

    /// Whether this author's timeout for this round is already counted.
    pub fn has_timeout(&self, t: &Timeout) -> bool {
        self.timeouts.get(&t.round).is_some_and(|s| s.contains_key(&t.author))
    }

    /// Returns the number of distinct timeouts for the round, and a TC when this one
    /// completes a quorum.
    pub fn add_timeout(&mut self, t: &Timeout, quorum: usize) -> (usize, Option<TimeoutCert>) {
        let signers = self.timeouts.entry(t.round).or_default();
        let fresh = signers.insert(t.author, (t.high_qc.round, t.signature)).is_none();
        let n = signers.len();
        let tc = (fresh && n == quorum).then(|| TimeoutCert {
            round: t.round,
            votes: signers.iter().map(|(a, (r, s))| (*a, *r, *s)).collect(),
        });
        (n, tc)
    }

    /// Forgets everything below `round`.
    pub fn prune(&mut self, round: Round) {
        self.votes.retain(|(r, _), _| *r >= round);
        self.timeouts.retain(|r, _| *r >= round);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::KeyPair;

    #[test]
    fn forms_one_qc_at_quorum_ignoring_duplicates() {
        let mut a = Aggregator::default();
        let k = KeyPair::from_seed([1; 32]);
        let d = Digest::of(b"b");
        let vote = |author| Vote { block: d, round: 3, author, signature: k.sign(&d) };
        assert!(a.add_vote(&vote(0), 3).is_none());
        assert!(a.add_vote(&vote(0), 3).is_none());
        assert!(a.add_vote(&vote(1), 3).is_none());
        let qc = a.add_vote(&vote(2), 3).expect("quorum");
        assert_eq!(qc.votes.len(), 3);
        assert!(a.add_vote(&vote(3), 3).is_none(), "QC is formed once");
    }
}
