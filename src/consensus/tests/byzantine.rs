//! What a byzantine member can try against an honest core with signed, well-formed
//! messages: swap a block's timeout certificate, push blocks nobody asked for, send
//! forged votes under another member's name, and make the core check signatures of
//! messages it has no use for.

use super::{simulate, Stage};
use crate::consensus::messages::{Block, ConsensusMessage, QuorumCert, Timeout, Vote};
use crate::consensus::LeaderElection;
use crate::types::{Digest, Signature};

#[test]
fn a_relayed_proposal_with_a_swapped_timeout_certificate_is_refused() {
    simulate(|| async {
        let stage = Stage::start(0, 4).await;
        // Round 1 timed out everywhere; member 2 leads round 2 with a TC showing no QC
        // above genesis, so an honest node votes for its block.
        let genuine_tc = stage.tc(1, &[(1, 0), (2, 0), (3, 0)]);
        let genuine = stage.block(2, 1, QuorumCert::genesis(), Some(genuine_tc), vec![]);
        // Member 3 relays the block first, with a TC of its own making: equally valid
        // signatures, but its own timeout claims a QC of round 5, which the block does
        // not extend. Honest nodes must not let that copy stand for the block.
        let mut swapped = genuine.clone();
        swapped.tc = Some(stage.tc(1, &[(1, 0), (2, 0), (3, 5)]));
        stage.deliver(3, ConsensusMessage::Propose(swapped)).await;
        stage.deliver(2, ConsensusMessage::Propose(genuine.clone())).await;
        let votes = stage.votes();
        assert!(
            votes.iter().any(|v| v.block == genuine.digest() && v.round == 2),
            "no vote for the genuine round-2 block (votes: {votes:?}, dropped: {:?})",
            stage.dropped()
        );
        assert!(stage.dropped().iter().any(|(from, _)| *from == 3), "the relayer is blamed: {:?}", stage.dropped());
    });
}

#[test]
fn a_sync_reply_nothing_asked_for_is_not_read() {
    simulate(|| async {
        let stage = Stage::start(0, 4).await;
        let b1 = stage.block(1, 1, QuorumCert::genesis(), None, vec![]);
        stage.deliver(3, ConsensusMessage::SyncReply(vec![b1.clone()])).await;
        assert!(stage.votes().is_empty(), "an unsolicited sync reply was taken as a proposal");
        stage.deliver(1, ConsensusMessage::Propose(b1.clone())).await;
        assert_eq!(stage.votes().len(), 1, "the proposal itself is voted for");
    });
}

#[test]
fn a_sync_reply_to_our_request_is_read() {
    simulate(|| async {
        let stage = Stage::start(0, 4).await;
        let b1 = stage.block(1, 1, QuorumCert::genesis(), None, vec![]);
        let b2 = stage.block(2, 2, stage.qc(&b1), None, vec![]);
        stage.deliver(2, ConsensusMessage::Propose(b2.clone())).await;
        let asked = stage.sent().iter().any(|(to, m)| {
            *to == 2 && matches!(m, ConsensusMessage::SyncRequest { block, .. } if *block == b1.digest())
        });
        assert!(asked, "the missing parent is requested from the proposer: {:?}", stage.sent());
        // A reply that is not a chain ending at the block asked for is refused whole.
        let stranger = stage.block(5, 1, QuorumCert::genesis(), Some(stage.tc(4, &[(1, 0), (2, 0), (3, 0)])), vec![]);
        stage.deliver(2, ConsensusMessage::SyncReply(vec![b1.clone(), stranger])).await;
        assert!(stage.votes().is_empty(), "a malformed reply was read");
        stage.deliver(2, ConsensusMessage::SyncReply(vec![b1.clone()])).await;
        assert!(stage.votes().iter().any(|v| v.block == b2.digest()), "b2 is voted for once its parent arrives");
    });
}

#[test]
fn a_forged_vote_is_blamed_on_the_member_who_sent_it() {
    simulate(|| async {
        let stage = Stage::start(0, 4).await;
        // Member 3 sends a vote claiming to be member 2's, for a round member 0 collects.
        let forged = Vote { block: Digest::of(b"any"), round: 3, author: 2, signature: Signature([7; 64]) };
        stage.deliver(3, ConsensusMessage::Vote(forged)).await;
        let dropped = stage.dropped();
        assert_eq!(dropped.len(), 1, "{dropped:?}");
        assert_eq!(dropped[0].0, 3, "blamed on the claimed author instead of the sender: {dropped:?}");
    });
}

#[test]
fn rounds_at_the_end_of_time_are_ignored_without_a_panic() {
    simulate(|| async {
        let stage = Stage::start(0, 4).await;
        let vote = Vote { block: Digest::of(b"any"), round: u64::MAX, author: 2, signature: Signature([7; 64]) };
        stage.deliver(3, ConsensusMessage::Vote(vote)).await;
        let mut t = Timeout::new(u64::MAX, QuorumCert::genesis(), 3, &stage.keys[3]);
        t.signature = Signature([9; 64]);
        stage.deliver(3, ConsensusMessage::Timeout(t)).await;
        // Still serving: the proposal of round 1 gets its vote.
        stage.deliver(1, ConsensusMessage::Propose(stage.block(1, 1, QuorumCert::genesis(), None, vec![]))).await;
        assert_eq!(stage.votes().len(), 1);
    });
}

#[test]
fn messages_with_nothing_to_offer_are_dropped_before_their_signatures_are_checked() {
    simulate(|| async {
        let stage = Stage::start(0, 4).await;
        let bad = |round| {
            let mut t = Timeout::new(round, QuorumCert::genesis(), 3, &stage.keys[3]);
            t.signature = Signature([9; 64]);
            t
        };
        // A timeout for a round already past, with no QC higher than ours: ignored, so
        // its (bad) signature is never looked at.
        stage.deliver(3, ConsensusMessage::Timeout(bad(0))).await;
        assert!(stage.dropped().is_empty(), "a useless timeout was verified: {:?}", stage.dropped());
        // The same forgery for the current round is checked, refused and blamed.
        stage.deliver(3, ConsensusMessage::Timeout(bad(1))).await;
        assert_eq!(stage.dropped().len(), 1, "{:?}", stage.dropped());
        // A proposal already held is not verified again: a tampered signature on a
        // replayed copy goes unnoticed, and costs nothing.
        let b1 = stage.block(1, 1, QuorumCert::genesis(), None, vec![]);
        stage.deliver(1, ConsensusMessage::Propose(b1.clone())).await;
        let mut replay = b1;
        replay.signature = Signature([1; 64]);
        stage.deliver(1, ConsensusMessage::Propose(replay)).await;
        assert_eq!(stage.dropped().len(), 1, "{:?}", stage.dropped());
    });
}

#[test]
fn a_proposal_claiming_a_far_round_is_refused_without_electing_every_round_before_it() {
    simulate(|| async {
        // Under reputation a leader is named for every round up to the one asked; a block's
        // round is its sender's claim until its certificates are checked.
        let stage = Stage::start_with(0, 4, |s| *s.election.lock().unwrap() = LeaderElection::Reputation).await;
        let far = 4_000_000;
        let b = Block::new_signed(far, 1, QuorumCert::genesis(), None, vec![], 1, &stage.keys[1]);
        stage.deliver(1, ConsensusMessage::Propose(b)).await;
        let dropped = stage.dropped();
        assert!(
            dropped.iter().any(|(from, why)| *from == 1 && why.contains("does not follow its QC")),
            "refused for its round jump, not judged by a leader computed for it first: {dropped:?}"
        );
    });
}
