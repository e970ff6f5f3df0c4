//! A leader that crashes around its proposal never proposes a second, different block in
//! the same round after a restart, nor a block its peers must refuse; a voter that crashes
//! right after its vote never votes again in that round, comes back in that round, and
//! still holds the block it voted for.

use super::{batch, simulate, Stage};
use crate::consensus::messages::{ConsensusMessage, QuorumCert, Timeout};
use std::sync::atomic::Ordering;
use std::time::Duration;

#[test]
fn a_leader_never_proposes_twice_in_a_round_across_a_restart() {
    simulate(|| async {
        // Member 1 leads round 1. Its disk fails from the moment it has its batch, so
        // nothing it decides in this incarnation can be recorded.
        let stage = Stage::start_with(1, 4, |stage| {
            stage.batches.lock().unwrap().push(batch(b"first"));
            stage.faults.fail_writes_once_started.store(true, Ordering::SeqCst);
        })
        .await;
        assert!(stage.halt_reason().is_some(), "a leader that cannot record its proposal must stop");
        // Restarted on a working disk with other transactions at hand.
        stage.faults.fail_writes.store(false, Ordering::SeqCst);
        stage.batches.lock().unwrap().push(batch(b"second"));
        stage.restart().await;
        let proposals = stage.proposals();
        let round_one: Vec<_> = proposals.iter().filter(|b| b.round == 1).collect();
        assert!(round_one.len() <= 1, "two different proposals for round 1: {round_one:#?}");
    });
}

#[test]
fn a_recorded_proposal_is_not_made_again_after_a_restart() {
    simulate(|| async {
        let stage = Stage::start_with(1, 4, |stage| stage.batches.lock().unwrap().push(batch(b"first"))).await;
        assert_eq!(stage.proposals().len(), 1, "the leader of round 1 proposes at once");
        stage.batches.lock().unwrap().push(batch(b"second"));
        stage.restart().await;
        assert_eq!(stage.proposals().len(), 1, "the restarted leader proposed again: {:#?}", stage.proposals());
    });
}

#[test]
fn a_leader_restarted_without_the_certificate_that_moved_it_into_its_round_does_not_propose() {
    simulate(|| async {
        // Member 2 leads round 2. The others' timeouts of round 1 give it TC(1): it enters
        // round 2, and would propose an empty block 250 ms later.
        let stage = Stage::start(2, 4).await;
        for a in [0, 1, 3] {
            let t = Timeout::new(1, QuorumCert::genesis(), a, &stage.keys[a as usize]);
            stage.deliver(a, ConsensusMessage::Timeout(t)).await;
        }
        // It crashes before that: its round is on disk, the TC is not.
        stage.restart().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        for b in stage.proposals() {
            let follows = b.qc.round + 1 == b.round || b.tc.as_ref().is_some_and(|tc| tc.round + 1 == b.round);
            assert!(follows, "a proposal every peer refuses (round {}, QC of round {}, no TC of round {})", b.round, b.qc.round, b.round - 1);
        }
    });
}

#[test]
fn a_voter_never_votes_twice_in_a_round_across_a_restart() {
    simulate(|| async {
        // Member 0 votes for round 1's block (member 1 leads it) and crashes at once, before
        // any timeout; then the leader equivocates with a second block for round 1.
        let other = batch(b"other");
        let stage = Stage::start_with(0, 4, |stage| stage.batches.lock().unwrap().push(other.clone())).await;
        let first = stage.block(1, 1, QuorumCert::genesis(), None, vec![]);
        stage.deliver(1, ConsensusMessage::Propose(first)).await;
        assert_eq!(stage.votes().len(), 1, "member 0 votes for the first block of round 1");
        stage.restart().await;
        let second = stage.block(1, 1, QuorumCert::genesis(), None, vec![other.digest()]);
        stage.deliver(1, ConsensusMessage::Propose(second)).await;
        let round_one: Vec<_> = stage.votes().into_iter().filter(|v| v.round == 1).collect();
        assert_eq!(round_one.len(), 1, "voted twice in round 1 across a restart: {round_one:#?}");
    });
}

#[test]
fn a_voter_restarted_without_a_certificate_for_its_round_times_out_in_that_round() {
    simulate(|| async {
        // Member 0 votes in round 1 and crashes; nobody certifies round 1. Back up, it must
        // time out in round 1, where its peers are and need its timeout for TC(1), not
        // skip to round 2, where no peer can follow without a certificate.
        let stage = Stage::start(0, 4).await;
        let b1 = stage.block(1, 1, QuorumCert::genesis(), None, vec![]);
        stage.deliver(1, ConsensusMessage::Propose(b1)).await;
        assert_eq!(stage.votes().len(), 1, "member 0 votes in round 1");
        stage.restart().await;
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let timeouts: Vec<_> = stage.sent().into_iter().filter_map(|(_, m)| if let ConsensusMessage::Timeout(t) = m { Some(t.round) } else { None }).collect();
        assert!(timeouts.contains(&1), "no timeout of round 1 after the restart: timeouts of rounds {timeouts:?}");
    });
}

#[test]
fn the_block_a_member_voted_for_is_on_its_disk_after_a_crash() {
    simulate(|| async {
        // Blocks are stored deferred (a block can be fetched again): the vote's durable
        // write must take its block along, or a member that crashes right after its vote
        // can no longer serve the block it helped certify.
        let stage = Stage::start(0, 4).await;
        let b1 = stage.block(1, 1, QuorumCert::genesis(), None, vec![]);
        stage.deliver(1, ConsensusMessage::Propose(b1.clone())).await;
        assert_eq!(stage.votes().len(), 1, "member 0 votes in round 1");
        stage.restart().await;
        stage.deliver(2, ConsensusMessage::SyncRequest { block: b1.digest(), max: 1 }).await;
        let served = stage.sent().into_iter().any(|(to, m)| to == 2 && matches!(&m, ConsensusMessage::SyncReply(blocks) if blocks.first() == Some(&b1)));
        assert!(served, "the restarted member does not hold the block it voted for");
    });
}
