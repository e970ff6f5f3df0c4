//! Joining a timeout: once f + 1 others time out in its round, a node times out too, at
//! once, without waiting for its own timer (so a round some nodes gave up on ends fast).

use super::{simulate, Stage};
use crate::consensus::messages::{ConsensusMessage, QuorumCert, Timeout};

#[test]
fn f_plus_one_timeouts_of_others_make_a_node_time_out_at_once() {
    simulate(|| async {
        let stage = Stage::start(0, 4).await;
        let own_timeouts = |stage: &Stage| {
            stage.sent().into_iter().filter(|(_, m)| matches!(m, ConsensusMessage::Timeout(t) if t.author == 0 && t.round == 1)).count()
        };
        let t1 = Timeout::new(1, QuorumCert::genesis(), 1, &stage.keys[1]);
        stage.deliver(1, ConsensusMessage::Timeout(t1)).await;
        assert_eq!(own_timeouts(&stage), 0, "one timeout (f = 1) is not enough to join");
        let t2 = Timeout::new(1, QuorumCert::genesis(), 2, &stage.keys[2]);
        stage.deliver(2, ConsensusMessage::Timeout(t2)).await;
        assert!(own_timeouts(&stage) > 0, "f + 1 = 2 timeouts of round 1, and no timeout of its own within the 100 ms that followed");
    });
}
