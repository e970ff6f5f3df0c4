//! A leader that crashes around its proposal never proposes a second, different block in
//! the same round after a restart.

use super::{batch, simulate, Stage};
use std::sync::atomic::Ordering;

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
