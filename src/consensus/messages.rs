//! Consensus data: blocks, votes, quorum certificates, timeouts and timeout certificates,
//! with the signature checks each one must pass before the core looks at it.

use super::signatures::SignatureCheck;
use crate::types::{Author, Committee, Digest, Hasher, Height, KeyPair, Round, Signature};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumCert {
    pub block: Digest,
    pub round: Round,
    pub votes: Vec<(Author, Signature)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub round: Round,
    pub height: Height,
    /// Certificate for the parent block; `qc.block` is the parent's digest.
    pub qc: QuorumCert,
    /// Present when the previous round ended by timeout rather than by a QC.
    pub tc: Option<TimeoutCert>,
    /// Digests of mempool batches, in order.
    pub payload: Vec<Digest>,
    pub author: Author,
    pub signature: Signature,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub block: Digest,
    pub round: Round,
    pub author: Author,
    pub signature: Signature,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeout {
    pub round: Round,
    pub high_qc: QuorumCert,
    /// The TC of the round before, when the sender entered `round` by it: a node still
    /// in an earlier round catches up from it, and can then join this round's timeout
    /// (without it, honest nodes split across two rounds wait on each other forever).
    /// A TC is its own proof, so the timeout's signature need not cover it.
    pub last_tc: Option<TimeoutCert>,
    pub author: Author,
    pub signature: Signature,
}

/// A quorum (N - f) of timeouts for one round, each with the round of its sender's highest QC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeoutCert {
    pub round: Round,
    pub votes: Vec<(Author, Round, Signature)>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ConsensusMessage {
    Propose(Block),
    Vote(Vote),
    Timeout(Timeout),
    /// Asks for a block and up to `max` of its ancestors.
    SyncRequest { block: Digest, max: u32 },
    SyncReply(Vec<Block>),
}

impl crate::net::Wire for ConsensusMessage {
    /// Proposals, votes and timeouts belong to their round; sync to none.
    fn round(&self) -> Option<Round> {
        match self {
            ConsensusMessage::Propose(block) => Some(block.round),
            ConsensusMessage::Vote(vote) => Some(vote.round),
            ConsensusMessage::Timeout(timeout) => Some(timeout.round),
            ConsensusMessage::SyncRequest { .. } | ConsensusMessage::SyncReply(_) => None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Invalid {
    #[error("author {0} is not a committee member")]
    UnknownAuthor(Author),
    #[error("bad signature by {0}")]
    BadSignature(Author),
    #[error("certificate has {got} distinct valid signers, needs {need}")]
    NoQuorum { got: usize, need: usize },
    #[error("certificate carries {got} signatures for a committee of {size}")]
    TooManySignatures { got: usize, size: usize },
    #[error("block of round {round} proposed by {author}, but the leader is {leader}")]
    WrongLeader { round: Round, author: Author, leader: Author },
    #[error("block round {round} does not follow its QC (round {qc}) or TC")]
    BadRoundJump { round: Round, qc: Round },
    #[error("block round {round} must exceed its QC round {qc}")]
    RoundNotAfterQc { round: Round, qc: Round },
    #[error("block after a TC extends a QC of round {qc}, below the TC's highest reported QC (round {reported})")]
    BelowReportedQc { qc: Round, reported: Round },
    #[error("timeout of round {round} carries a TC of round {tc}, not of the round before")]
    TcNotOfRoundBefore { round: Round, tc: Round },
}

pub fn vote_digest(block: &Digest, round: Round) -> Digest {
    Hasher::new("kraken/vote").digest(block).u64(round).finish()
}

pub fn timeout_digest(round: Round, high_qc_round: Round) -> Digest {
    Hasher::new("kraken/timeout").u64(round).u64(high_qc_round).finish()
}

/// Holds when `sigs` (of length `len`, bounded by the committee before any is checked)
/// are valid signatures of a quorum of distinct members; any invalid one refuses all.
pub fn check_quorum<'a>(signatures: &impl SignatureCheck, sigs: impl Iterator<Item = (Author, Digest, &'a Signature)>, len: usize) -> Result<(), Invalid> {
    bounded(len, signatures.committee())?;
    quorum(check_signers(signatures, sigs)?, signatures.committee())
}

impl QuorumCert {
    pub fn genesis() -> Self {
        QuorumCert { block: Block::genesis().digest(), round: 0, votes: Vec::new() }
    }

    pub fn is_genesis(&self) -> bool {
        *self == Self::genesis()
    }

    pub fn verify(&self, signatures: &impl SignatureCheck) -> Result<(), Invalid> {
        if self.is_genesis() {
            return Ok(());
        }
        let msg = vote_digest(&self.block, self.round);
        check_quorum(signatures, self.votes.iter().map(|(a, s)| (*a, msg, s)), self.votes.len())
    }
}

impl TimeoutCert {
    pub fn max_high_qc_round(&self) -> Round {
        self.votes.iter().map(|(_, r, _)| *r).max().unwrap_or(0)
    }

    pub fn verify(&self, signatures: &impl SignatureCheck) -> Result<(), Invalid> {
        check_quorum(signatures, self.votes.iter().map(|(a, qr, s)| (*a, timeout_digest(self.round, *qr), s)), self.votes.len())
    }

    /// The 2-chain lock after a timeout: a block carrying this TC must extend a QC at
    /// least as high as every QC its signers reported. Nodes vote only for such blocks,
    /// and an honest leader proposes no other, so one that does not is refused as invalid.
    pub fn allows_extending(&self, qc: &QuorumCert) -> bool {
        qc.round >= self.max_high_qc_round()
    }
}

/// A certificate's list is bounded by the committee before any signature is checked, so
/// a peer cannot make a node verify more than N signatures per certificate.
fn bounded(len: usize, committee: &Committee) -> Result<(), Invalid> {
    if len > committee.size() {
        return Err(Invalid::TooManySignatures { got: len, size: committee.size() });
    }
    Ok(())
}

fn check_signers<'a>(
    signatures: &impl SignatureCheck,
    sigs: impl Iterator<Item = (Author, Digest, &'a Signature)>,
) -> Result<usize, Invalid> {
    let mut seen = BTreeSet::new();
    for (author, msg, sig) in sigs {
        signatures.check(author, &msg, sig)?;
        seen.insert(author);
    }
    Ok(seen.len())
}

fn quorum(signers: usize, committee: &Committee) -> Result<(), Invalid> {
    if signers >= committee.quorum() {
        Ok(())
    } else {
        Err(Invalid::NoQuorum { got: signers, need: committee.quorum() })
    }
}

impl Block {
    pub fn genesis() -> Self {
        Block {
            round: 0,
            height: 0,
            qc: QuorumCert { block: Digest::default(), round: 0, votes: Vec::new() },
            tc: None,
            payload: Vec::new(),
            author: 0,
            signature: Signature([0; 64]),
        }
    }

    pub fn parent(&self) -> &Digest {
        &self.qc.block
    }

    /// Identity of the block: everything its author commits to, the timeout certificate
    /// included (voters judge a block by its TC's high-QC rounds, so a relay must not be
    /// able to swap in another valid TC under the same signature). The QC's signatures
    /// are not covered: any quorum for the same block and round certifies the same thing.
    pub fn digest(&self) -> Digest {
        let mut h = Hasher::new("kraken/block")
            .u64(self.round)
            .u64(self.height)
            .digest(&self.qc.block)
            .u64(self.qc.round)
            .u64(self.author as u64)
            .u64(self.payload.len() as u64);
        for d in &self.payload {
            h = h.digest(d);
        }
        match &self.tc {
            None => h = h.u64(0),
            Some(tc) => {
                h = h.u64(1).u64(tc.round).u64(tc.votes.len() as u64);
                for (author, high_qc_round, sig) in &tc.votes {
                    h = h.u64(*author as u64).u64(*high_qc_round).bytes(&sig.0);
                }
            }
        }
        h.finish()
    }

    pub fn new_signed(
        round: Round,
        height: Height,
        qc: QuorumCert,
        tc: Option<TimeoutCert>,
        payload: Vec<Digest>,
        author: Author,
        key: &KeyPair,
    ) -> Self {
        let mut b = Block { round, height, qc, tc, payload, author, signature: Signature([0; 64]) };
        b.signature = key.sign(&b.digest());
        b
    }

    /// Everything that can be checked without knowing other blocks. (Whether its author
    /// leads the round depends on the chain it extends: the core checks that once the
    /// parent is here, see `election`.)
    pub fn verify(&self, signatures: &impl SignatureCheck) -> Result<(), Invalid> {
        signatures.check(self.author, &self.digest(), &self.signature)?;
        if self.round <= self.qc.round {
            return Err(Invalid::RoundNotAfterQc { round: self.round, qc: self.qc.round });
        }
        self.qc.verify(signatures)?;
        match &self.tc {
            None if self.round != self.qc.round + 1 => {
                Err(Invalid::BadRoundJump { round: self.round, qc: self.qc.round })
            }
            // Checked: the TC's round is the signer's claim, not yet verified.
            Some(tc) if tc.round.checked_add(1) != Some(self.round) => {
                Err(Invalid::BadRoundJump { round: self.round, qc: self.qc.round })
            }
            Some(tc) => {
                tc.verify(signatures)?;
                if !tc.allows_extending(&self.qc) {
                    return Err(Invalid::BelowReportedQc { qc: self.qc.round, reported: tc.max_high_qc_round() });
                }
                Ok(())
            }
            None => Ok(()),
        }
    }

}

impl Vote {
    pub fn new(block: &Block, author: Author, key: &KeyPair) -> Self {
        let d = block.digest();
        Vote { block: d, round: block.round, author, signature: key.sign(&vote_digest(&d, block.round)) }
    }

    /// What the author signed.
    pub fn signed_digest(&self) -> Digest {
        vote_digest(&self.block, self.round)
    }

    pub fn verify(&self, signatures: &impl SignatureCheck) -> Result<(), Invalid> {
        signatures.check(self.author, &self.signed_digest(), &self.signature)
    }
}

impl Timeout {
    pub fn new(round: Round, high_qc: QuorumCert, author: Author, key: &KeyPair) -> Self {
        let signature = key.sign(&timeout_digest(round, high_qc.round));
        Timeout { round, high_qc, last_tc: None, author, signature }
    }

    /// What the author signed (a TC carries the same signature over the same digest).
    pub fn signed_digest(&self) -> Digest {
        timeout_digest(self.round, self.high_qc.round)
    }

    /// This timeout carrying `tc`, the TC that ended the round before.
    pub fn with_last_tc(mut self, tc: Option<TimeoutCert>) -> Self {
        self.last_tc = tc;
        self
    }

    pub fn verify(&self, signatures: &impl SignatureCheck) -> Result<(), Invalid> {
        // The cheapest checks first: an oversized certificate, or a TC of the wrong
        // round, is refused without any signature.
        let committee = signatures.committee();
        bounded(self.high_qc.votes.len(), committee)?;
        if let Some(tc) = &self.last_tc {
            bounded(tc.votes.len(), committee)?;
            if tc.round.checked_add(1) != Some(self.round) {
                return Err(Invalid::TcNotOfRoundBefore { round: self.round, tc: tc.round });
            }
        }
        signatures.check(self.author, &self.signed_digest(), &self.signature)?;
        self.high_qc.verify(signatures)?;
        self.last_tc.as_ref().map_or(Ok(()), |tc| tc.verify(signatures))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Committee, Vec<KeyPair>) {
        Committee::generate(4, 1, |i| {
            (vec![format!("10.0.0.{}:1", i + 1).parse().unwrap()], vec![format!("10.0.0.{}:2", i + 1).parse().unwrap()])
        })
    }

    fn qc_for(block: &Block, keys: &[KeyPair], signers: &[usize]) -> QuorumCert {
        let votes = signers
            .iter()
            .map(|&i| {
                let v = Vote::new(block, i as Author, &keys[i]);
                (v.author, v.signature)
            })
            .collect();
        QuorumCert { block: block.digest(), round: block.round, votes }
    }

    #[test]
    fn qc_needs_a_quorum_of_distinct_valid_signers() {
        let (c, k) = setup();
        let b = Block::new_signed(1, 1, QuorumCert::genesis(), None, vec![], 1, &k[1]);
        b.verify(&c).unwrap();
        qc_for(&b, &k, &[0, 1, 2]).verify(&c).unwrap();
        assert_eq!(qc_for(&b, &k, &[0, 1]).verify(&c), Err(Invalid::NoQuorum { got: 2, need: 3 }));
        assert_eq!(qc_for(&b, &k, &[0, 1, 1, 1]).verify(&c), Err(Invalid::NoQuorum { got: 2, need: 3 }));
        let mut forged = qc_for(&b, &k, &[0, 1, 2]);
        forged.votes[2].0 = 3; // member 2's signature claimed as member 3's
        assert_eq!(forged.verify(&c), Err(Invalid::BadSignature(3)));
        let mut moved = qc_for(&b, &k, &[0, 1, 2]);
        moved.round = 5; // a QC cannot be replayed for another round
        assert!(moved.verify(&c).is_err());
    }

    #[test]
    fn blocks_check_author_signature_and_round_rules() {
        let (c, k) = setup();
        let b = Block::new_signed(1, 1, QuorumCert::genesis(), None, vec![], 4, &k[2]);
        assert_eq!(b.verify(&c), Err(Invalid::UnknownAuthor(4)));
        let mut b = Block::new_signed(1, 1, QuorumCert::genesis(), None, vec![], 1, &k[1]);
        b.payload.push(Digest::of(b"smuggled"));
        assert_eq!(b.verify(&c), Err(Invalid::BadSignature(1)));
        let skip = Block::new_signed(3, 1, QuorumCert::genesis(), None, vec![], 3, &k[3]);
        assert!(matches!(skip.verify(&c), Err(Invalid::BadRoundJump { .. })));
        // A round jump is fine with a valid TC for the previous round.
        let tc = TimeoutCert {
            round: 2,
            votes: (0..3).map(|i| (i as Author, 0, k[i].sign(&timeout_digest(2, 0)))).collect(),
        };
        let jump = Block::new_signed(3, 1, QuorumCert::genesis(), Some(tc), vec![], 3, &k[3]);
        jump.verify(&c).unwrap();
    }

    #[test]
    fn a_block_after_a_tc_extends_the_highest_qc_the_tc_reports() {
        let (c, k) = setup();
        let b1 = Block::new_signed(1, 1, QuorumCert::genesis(), None, vec![], 1, &k[1]);
        // Round 2 timed out; member 0 reported b1's QC, the others none.
        let high = |i: usize| if i == 0 { 1 } else { 0 };
        let tc = TimeoutCert { round: 2, votes: (0..3).map(|i| (i as Author, high(i), k[i].sign(&timeout_digest(2, high(i))))).collect() };
        let below = Block::new_signed(3, 1, QuorumCert::genesis(), Some(tc.clone()), vec![], 3, &k[3]);
        assert_eq!(below.verify(&c), Err(Invalid::BelowReportedQc { qc: 0, reported: 1 }));
        let extends = Block::new_signed(3, 2, qc_for(&b1, &k, &[0, 1, 2]), Some(tc), vec![], 3, &k[3]);
        extends.verify(&c).unwrap();
    }

    #[test]
    fn certificates_longer_than_the_committee_are_refused_before_any_signature_check() {
        let (c, k) = setup();
        let b = Block::new_signed(1, 1, QuorumCert::genesis(), None, vec![], 1, &k[1]);
        let mut qc = qc_for(&b, &k, &[0, 1, 2]);
        qc.votes.extend(std::iter::repeat_n(qc.votes[0], 10_000));
        assert_eq!(qc.verify(&c), Err(Invalid::TooManySignatures { got: 10_003, size: 4 }));
        let tc = TimeoutCert { round: 2, votes: vec![(0, 0, Signature([0; 64])); 5] };
        assert_eq!(tc.verify(&c), Err(Invalid::TooManySignatures { got: 5, size: 4 }));
    }

    #[test]
    fn rounds_at_the_end_of_time_are_refused_not_overflowed() {
        let (c, k) = setup();
        let tc = TimeoutCert { round: Round::MAX, votes: vec![] };
        let b = Block::new_signed(1, 1, QuorumCert::genesis(), Some(tc), vec![], 1, &k[1]);
        assert!(matches!(b.verify(&c), Err(Invalid::BadRoundJump { .. })));
    }

    #[test]
    fn the_block_signature_covers_its_timeout_certificate() {
        let (c, k) = setup();
        let tc = |high: Round| TimeoutCert {
            round: 2,
            votes: (0..3).map(|i| (i as Author, high * i as u64, k[i].sign(&timeout_digest(2, high * i as u64)))).collect(),
        };
        let b = Block::new_signed(3, 1, QuorumCert::genesis(), Some(tc(0)), vec![], 3, &k[3]);
        b.verify(&c).unwrap();
        let mut swapped = b.clone();
        swapped.tc = Some(tc(1));
        swapped.tc.as_ref().unwrap().verify(&c).unwrap();
        assert_eq!(swapped.verify(&c), Err(Invalid::BadSignature(3)));
    }

    #[test]
    fn timeouts_bind_their_high_qc_round() {
        let (c, k) = setup();
        let t = Timeout::new(4, QuorumCert::genesis(), 0, &k[0]);
        t.verify(&c).unwrap();
        let mut lied = t.clone();
        lied.high_qc.round = 3;
        assert!(lied.verify(&c).is_err());
    }

    #[test]
    fn a_timeouts_tc_is_a_valid_certificate_of_the_round_before() {
        let (c, k) = setup();
        let tc = |round: Round, signers: usize| TimeoutCert {
            round,
            votes: (0..signers).map(|i| (i as Author, 0, k[i].sign(&timeout_digest(round, 0)))).collect(),
        };
        let t = |round, last| Timeout::new(round, QuorumCert::genesis(), 0, &k[0]).with_last_tc(Some(last));
        t(3, tc(2, 3)).verify(&c).unwrap();
        assert_eq!(t(4, tc(2, 3)).verify(&c), Err(Invalid::TcNotOfRoundBefore { round: 4, tc: 2 }));
        assert_eq!(t(2, tc(2, 3)).verify(&c), Err(Invalid::TcNotOfRoundBefore { round: 2, tc: 2 }));
        assert_eq!(t(0, tc(Round::MAX, 3)).verify(&c), Err(Invalid::TcNotOfRoundBefore { round: 0, tc: Round::MAX }));
        assert_eq!(t(3, tc(2, 2)).verify(&c), Err(Invalid::NoQuorum { got: 2, need: 3 }));
        let mut forged = tc(2, 3);
        forged.votes[1].1 = 1;
        assert_eq!(t(3, forged).verify(&c), Err(Invalid::BadSignature(1)));
        let oversized = TimeoutCert { round: 2, votes: vec![(0, 0, Signature([0; 64])); 5] };
        assert_eq!(t(3, oversized).verify(&c), Err(Invalid::TooManySignatures { got: 5, size: 4 }));
    }
}
