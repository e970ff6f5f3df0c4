//! The voting rules of 2-chain HotStuff (DiemBFT v4 / Jolteon) and the state they guard.
//! The state is persisted before any vote, timeout or proposal leaves the node, so a
//! restarted node can never vote or propose twice in a round, nor forget the highest QC
//! it reported.

use super::messages::{Block, QuorumCert};
use crate::types::Round;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyState {
    /// Highest round this node voted or timed out in; it never votes at or below it.
    pub last_voted_round: Round,
    /// Highest certified block seen (the 2-chain "lock"): reported in timeouts, and a
    /// block after a TC must extend a QC at least as high as every reported one.
    pub high_qc: QuorumCert,
    /// Highest round this node proposed in as leader; it never proposes at or below it.
    pub last_proposed_round: Round,
}

impl Default for SafetyState {
    fn default() -> Self {
        SafetyState { last_voted_round: 0, high_qc: QuorumCert::genesis(), last_proposed_round: 0 }
    }
}

pub struct SafetyRules {
    pub state: SafetyState,
}

impl SafetyRules {
    pub fn new(state: SafetyState) -> Self {
        SafetyRules { state }
    }

    pub fn safe_to_vote(&self, b: &Block) -> bool {
        let fresh = b.round > self.state.last_voted_round;
        let extends = b.round == b.qc.round + 1
            || matches!(&b.tc, Some(tc) if b.round == tc.round + 1 && tc.allows_extending(&b.qc));
        fresh && extends
    }

    /// Updates the high QC; returns whether it changed.
    pub fn observe_qc(&mut self, qc: &QuorumCert) -> bool {
        if qc.round > self.state.high_qc.round {
            self.state.high_qc = qc.clone();
            true
        } else {
            false
        }
    }

    /// After voting or timing out in `round`, the node never votes in it again.
    pub fn record(&mut self, round: Round) {
        self.state.last_voted_round = self.state.last_voted_round.max(round);
    }

    /// After proposing in `round`, the node never proposes in it again.
    pub fn record_proposal(&mut self, round: Round) {
        self.state.last_proposed_round = self.state.last_proposed_round.max(round);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consensus::messages::TimeoutCert;
    use crate::types::{KeyPair, Signature};

    fn block(round: Round, qc_round: Round, tc: Option<TimeoutCert>) -> Block {
        let qc = QuorumCert { block: Default::default(), round: qc_round, votes: vec![] };
        Block::new_signed(round, 1, qc, tc, vec![], 0, &KeyPair::from_seed([1; 32]))
    }

    fn tc(round: Round, high: &[Round]) -> TimeoutCert {
        TimeoutCert { round, votes: high.iter().map(|r| (0, *r, Signature([0; 64]))).collect() }
    }

    #[test]
    fn votes_once_per_round_and_only_on_consecutive_or_justified_jumps() {
        let mut s = SafetyRules::new(SafetyState::default());
        assert!(s.safe_to_vote(&block(1, 0, None)));
        s.record(1);
        assert!(!s.safe_to_vote(&block(1, 0, None)), "second vote in round 1");
        assert!(!s.safe_to_vote(&block(3, 1, None)), "round jump without TC");
        assert!(s.safe_to_vote(&block(3, 1, Some(tc(2, &[0, 1, 1])))));
        assert!(!s.safe_to_vote(&block(3, 1, Some(tc(2, &[0, 2, 1])))), "TC shows a higher QC than the block extends");
    }

    #[test]
    fn timing_out_forbids_voting_in_that_round() {
        let mut s = SafetyRules::new(SafetyState::default());
        s.record(5);
        assert!(!s.safe_to_vote(&block(5, 4, None)));
        assert!(s.safe_to_vote(&block(6, 5, None)));
    }
}
