//! Collects votes into QCs and timeouts into TCs. A certificate is formed once, when the
//! quorum-th (N - f) distinct signer arrives; signatures were checked before they got here.
//! A member's vote counts for the first block it voted for in a round only: a second one,
//! for another block, is proof that it equivocated.

use super::messages::{QuorumCert, Timeout, TimeoutCert, Vote};
use crate::types::{Author, Digest, Round, Signature};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Aggregator {
    votes: BTreeMap<(Round, Digest), BTreeMap<Author, Signature>>,
    /// The block each member voted for first in each round.
    first_votes: BTreeMap<(Round, Author), Digest>,
    timeouts: BTreeMap<Round, BTreeMap<Author, (Round, Signature)>>,
}

/// A signed vote for a second block in a round: the block of the first.
#[derive(Debug, PartialEq, Eq)]
pub struct Equivocation {
    pub first: Digest,
}

impl Aggregator {
    /// Returns a QC when this vote completes a quorum; refuses a vote for a block other
    /// than the one its author voted for first in the round.
    pub fn add_vote(&mut self, v: &Vote, quorum: usize) -> Result<Option<QuorumCert>, Equivocation> {
        match self.first_votes.entry((v.round, v.author)) {
            Entry::Occupied(first) if *first.get() != v.block => return Err(Equivocation { first: *first.get() }),
            Entry::Occupied(_) => {}
            Entry::Vacant(slot) => {
                slot.insert(v.block);
            }
        }
        let signers = self.votes.entry((v.round, v.block)).or_default();
        if signers.insert(v.author, v.signature).is_some() || signers.len() != quorum {
            return Ok(None);
        }
        Ok(Some(QuorumCert { block: v.block, round: v.round, votes: signers.iter().map(|(a, s)| (*a, *s)).collect() }))
    }

    /// Whether this author's vote for this block and round is already counted.
    pub fn has_vote(&self, v: &Vote) -> bool {
        self.votes.get(&(v.round, v.block)).is_some_and(|s| s.contains_key(&v.author))
    }

    /// Whether this block already has its QC here: a further vote for it changes nothing,
    /// so it is not worth checking.
    pub fn certified(&self, round: Round, block: &Digest, quorum: usize) -> bool {
        self.votes.get(&(round, *block)).is_some_and(|s| s.len() >= quorum)
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
        self.first_votes.retain(|(r, _), _| *r >= round);
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
        assert_eq!(a.add_vote(&vote(0), 3), Ok(None));
        assert_eq!(a.add_vote(&vote(0), 3), Ok(None));
        assert_eq!(a.add_vote(&vote(1), 3), Ok(None));
        let qc = a.add_vote(&vote(2), 3).unwrap().expect("quorum");
        assert_eq!(qc.votes.len(), 3);
        assert!(a.certified(3, &d, 3) && !a.certified(4, &d, 3));
        assert_eq!(a.add_vote(&vote(3), 3), Ok(None), "QC is formed once");
    }

    #[test]
    fn a_second_vote_for_another_block_in_a_round_is_equivocation() {
        let mut a = Aggregator::default();
        let k = KeyPair::from_seed([1; 32]);
        let (b1, b2) = (Digest::of(b"b1"), Digest::of(b"b2"));
        let vote = |author, block, round| Vote { block, round, author, signature: k.sign(&block) };
        assert_eq!(a.add_vote(&vote(0, b1, 3), 3), Ok(None));
        assert_eq!(a.add_vote(&vote(0, b2, 3), 3), Err(Equivocation { first: b1 }));
        assert_eq!(a.add_vote(&vote(0, b2, 4), 3), Ok(None), "another round is another vote");
        // The refused vote did not count: b2 needs three other voters in round 3.
        assert_eq!(a.add_vote(&vote(1, b2, 3), 3), Ok(None));
        assert_eq!(a.add_vote(&vote(2, b2, 3), 3), Ok(None));
        assert!(a.add_vote(&vote(3, b2, 3), 3).unwrap().is_some());
    }
}
