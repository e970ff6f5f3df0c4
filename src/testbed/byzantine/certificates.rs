//! Certificates without a quorum, however they are counted: one signature short, one
//! signer listed twice in place of another, one signature taken from an older
//! certificate of the same signer. Each copies a proposal or timeout of the member's
//! own and goes out just before it. A block's digest does not cover its QC's
//! signatures, so the copy is the same block under a valid signature: a receiver must
//! check the certificate of a block it has not seen, whoever signed the block.

use crate::consensus::messages::QuorumCert;
use crate::consensus::ConsensusMessage;
use crate::node::NodeMessage;

/// The message with its QC one signature short.
pub fn short(msg: &NodeMessage) -> Option<NodeMessage> {
    with_qc(msg, |qc| {
        qc.votes.pop();
        true
    })
}

/// The message with its QC's last signer replaced by its first.
pub fn duplicated(msg: &NodeMessage) -> Option<NodeMessage> {
    with_qc(msg, |qc| {
        let first = qc.votes[0];
        *qc.votes.last_mut().expect("a QC of two votes or more") = first;
        true
    })
}

/// The message with one signature of its QC replaced by the same member's signature
/// from `older`, a certificate of another block or round.
pub fn foreign(msg: &NodeMessage, older: Option<&QuorumCert>) -> Option<NodeMessage> {
    let older = older?;
    with_qc(msg, |qc| {
        if (qc.block, qc.round) == (older.block, older.round) {
            return false;
        }
        let Some((slot, signature)) = qc.votes.iter().enumerate().find_map(|(i, (author, _))| {
            older.votes.iter().find(|(a, _)| a == author).map(|(_, s)| (i, *s))
        }) else {
            return false;
        };
        qc.votes[slot].1 = signature;
        true
    })
}

/// A copy of a proposal or timeout whose QC (not genesis's) `change` altered; `None`
/// when the message has no such QC or `change` declined.
fn with_qc(msg: &NodeMessage, change: impl FnOnce(&mut QuorumCert) -> bool) -> Option<NodeMessage> {
    let mut copy = msg.clone();
    let qc = match &mut copy {
        NodeMessage::Consensus(ConsensusMessage::Propose(block)) => &mut block.qc,
        NodeMessage::Consensus(ConsensusMessage::Timeout(timeout)) => &mut timeout.high_qc,
        _ => return None,
    };
    if qc.votes.len() < 2 || !change(qc) {
        return None;
    }
    Some(copy)
}
