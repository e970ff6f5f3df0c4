//! Well-signed votes and timeouts for rounds and blocks nobody is at: honest nodes
//! must ignore what is stale, bound what is ahead, and never count a vote for a block
//! they do not have towards the one they do.

use super::Byzantine;
use crate::consensus::messages::{vote_digest, Timeout, Vote};
use crate::consensus::ConsensusMessage;
use crate::node::NodeMessage;
use crate::types::{Author, Digest, Round};

/// Rounds away from the honest message's round.
const SPREAD: Round = 4;

/// With a vote for round r, votes for the same block in rounds r - 4 and r + 4 and for
/// an unknown block (`nonce` makes it) in round r, each to everyone (who collects a
/// round's votes depends on the chain the voted block extends).
pub fn votes(byz: &Byzantine, msg: &NodeMessage, nonce: u64) -> Option<Vec<(Option<Author>, NodeMessage)>> {
    let NodeMessage::Consensus(ConsensusMessage::Vote(v)) = msg else { return None };
    let unknown = Digest::of(&[b"kraken/unknown-block".as_slice(), &nonce.to_be_bytes()].concat());
    let targets = [(v.block, v.round.saturating_sub(SPREAD)), (v.block, v.round.saturating_add(SPREAD)), (unknown, v.round)];
    Some(
        targets
            .into_iter()
            .map(|(block, round)| {
                let vote = Vote { block, round, author: byz.me, signature: byz.key.sign(&vote_digest(&block, round)) };
                (None, NodeMessage::Consensus(ConsensusMessage::Vote(vote)))
            })
            .collect(),
    )
}

/// With a timeout for round r, timeouts with the same QC for rounds r + 4 and r - 4, to
/// everyone.
pub fn timeouts(byz: &Byzantine, msg: &NodeMessage) -> Option<Vec<(Option<Author>, NodeMessage)>> {
    let NodeMessage::Consensus(ConsensusMessage::Timeout(t)) = msg else { return None };
    Some(
        [t.round.saturating_add(SPREAD), t.round.saturating_sub(SPREAD)]
            .into_iter()
            .map(|round| {
                let timeout = Timeout::new(round, t.high_qc.clone(), byz.me, &byz.key);
                (None, NodeMessage::Consensus(ConsensusMessage::Timeout(timeout)))
            })
            .collect(),
    )
}
