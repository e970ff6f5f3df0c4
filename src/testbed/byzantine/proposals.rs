//! Proposals honest code never makes: one for a round the member does not lead, a
//! second block for a round it does (equivocation), a block naming a batch that does
//! not exist, and a block after a timeout that extends a QC below the TC's highest.
//! The first and the last must be refused; the second may win the round but never two
//! conflicting commits; the third can only cost the member its own rounds.

use super::Byzantine;
use crate::consensus::messages::{Block, QuorumCert};
use crate::consensus::ConsensusMessage;
use crate::node::NodeMessage;
use crate::types::{Author, Digest};

/// With a vote for round r's block, the member's own block for round r + 1 extending it,
/// when round-robin gives r + 1 to someone else (the leader check is its only flaw but
/// for the empty certificate, so a node that skips the check refuses it for another
/// reason; under reputation the member may happen to lead r + 1, and the empty
/// certificate alone gets the block refused).
pub fn out_of_turn(byz: &Byzantine, msg: &NodeMessage) -> Option<NodeMessage> {
    let NodeMessage::Consensus(ConsensusMessage::Vote(vote)) = msg else { return None };
    let round = vote.round.checked_add(1)?;
    if byz.committee.round_robin_leader(round) == byz.me {
        return None;
    }
    let qc = QuorumCert { block: vote.block, round: vote.round, votes: Vec::new() };
    // Heights never exceed rounds: above every committed height, so it is not ignored.
    let block = Block::new_signed(round, round, qc, None, Vec::new(), byz.me, &byz.key);
    Some(NodeMessage::Consensus(ConsensusMessage::Propose(block)))
}

/// As leader, a second block for the same round without its last batch, sent first to
/// the first half of the other members (the honest block then reaches everyone).
pub fn equivocation(byz: &Byzantine, msg: &NodeMessage) -> Option<Vec<(Option<Author>, NodeMessage)>> {
    let b = own_proposal(byz, msg)?;
    if b.payload.is_empty() {
        return None;
    }
    let mut payload = b.payload.clone();
    payload.pop();
    let twin = Block::new_signed(b.round, b.height, b.qc.clone(), b.tc.clone(), payload, byz.me, &byz.key);
    let others: Vec<Author> = byz.committee.authors().filter(|a| *a != byz.me).collect();
    let first_half = &others[..others.len() / 2];
    Some(first_half.iter().map(|to| (Some(*to), NodeMessage::Consensus(ConsensusMessage::Propose(twin.clone())))).collect())
}

/// As leader, its block with its last batch digest (or, in an empty block, a first
/// one) replaced by that of a batch nobody has (`nonce` makes it), in place of the block.
pub fn phantom(byz: &Byzantine, msg: &NodeMessage, nonce: u64) -> Option<NodeMessage> {
    let b = own_proposal(byz, msg)?;
    let mut payload = b.payload.clone();
    payload.pop();
    payload.push(Digest::of(&[b"kraken/phantom-batch".as_slice(), &nonce.to_be_bytes()].concat()));
    let block = Block::new_signed(b.round, b.height, b.qc.clone(), b.tc.clone(), payload, byz.me, &byz.key);
    Some(NodeMessage::Consensus(ConsensusMessage::Propose(block)))
}

/// As leader of a round entered by a TC, its block extending `older` (an earlier QC it
/// sent) in place of the highest QC, when the TC reports a higher one: the block a
/// leader would make to revive a fork the 2-chain lock abandoned. Its height is its
/// round, above every committed height, so it is not ignored before it is checked.
pub fn below_reported_qc(byz: &Byzantine, msg: &NodeMessage, older: Option<&QuorumCert>) -> Option<NodeMessage> {
    let b = own_proposal(byz, msg)?;
    let tc = b.tc.as_ref()?;
    let older = older.filter(|qc| qc.round < tc.max_high_qc_round())?;
    let block = Block::new_signed(b.round, b.round, older.clone(), Some(tc.clone()), b.payload.clone(), byz.me, &byz.key);
    Some(NodeMessage::Consensus(ConsensusMessage::Propose(block)))
}

/// The member's own proposal (not a block it relays in a sync reply).
fn own_proposal<'a>(byz: &Byzantine, msg: &'a NodeMessage) -> Option<&'a Block> {
    match msg {
        NodeMessage::Consensus(ConsensusMessage::Propose(b)) if b.author == byz.me => Some(b),
        _ => None,
    }
}
