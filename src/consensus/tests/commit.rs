//! The commit rule: a block is committed when a QC certifies its child of the very next
//! round (a 2-chain of consecutive rounds), never through a child rounds later.

use super::{simulate, Stage};
use crate::consensus::messages::{ConsensusMessage, QuorumCert};

#[test]
fn a_two_chain_across_a_round_gap_commits_nothing_until_a_consecutive_one_forms() {
    simulate(|| async {
        // Member 2 watches (it leads rounds 2 and 6, which nobody reaches here).
        let stage = Stage::start(2, 4).await;
        let b1 = stage.block(1, 1, QuorumCert::genesis(), None, vec![]);
        // Round 2 timed out; round 3's block extends b1 through TC(2).
        let b3 = stage.block(3, 2, stage.qc(&b1), Some(stage.tc(2, &[(0, 1), (1, 1), (3, 1)])), vec![]);
        let b4 = stage.block(4, 3, stage.qc(&b3), None, vec![]);
        for b in [&b1, &b3, &b4] {
            stage.deliver(stage.committee.round_robin_leader(b.round), ConsensusMessage::Propose(b.clone())).await;
        }
        // b4 certifies b3, whose parent b1 is two rounds before it: no commit.
        assert!(stage.reports.committed.lock().unwrap().is_empty(), "committed through a round gap");
        // b5 certifies b4, whose parent b3 is the round before it: b3 and b1 commit.
        let b5 = stage.block(5, 4, stage.qc(&b4), None, vec![]);
        stage.deliver(stage.committee.round_robin_leader(5), ConsensusMessage::Propose(b5)).await;
        assert_eq!(*stage.reports.committed.lock().unwrap(), vec![1, 2], "the consecutive 2-chain b3 <- b4 commits b3 and b1");
    });
}
