//! A Twins round schedule on a node copy's own messages: a message of round r reaches a
//! peer copy only if round r's partition puts both in one group; a message of no round
//! (sync, batches, attestations) follows the partition of the highest round this copy
//! has sent a message of. Rounds past the schedule, and every message from the GST on,
//! reach everyone.

use crate::net::Links;
use crate::types::{Author, Round};
use kraken_sim::scenario::{NodeCopy, RoundPlan};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::time::Instant;

pub struct RoundLinks {
    me: NodeCopy,
    rounds: Arc<[RoundPlan]>,
    gst: Instant,
    /// The highest round of a message this copy sent.
    current: AtomicU64,
}

impl RoundLinks {
    pub fn new(me: NodeCopy, rounds: Arc<[RoundPlan]>, gst: Instant) -> Self {
        RoundLinks { me, rounds, gst, current: AtomicU64::new(0) }
    }
}

impl Links for RoundLinks {
    fn reaches(&self, to: Author, copy: usize, round: Option<Round>) -> bool {
        let round = match round {
            Some(round) => {
                self.current.fetch_max(round, Ordering::Relaxed);
                round
            }
            None => self.current.load(Ordering::Relaxed),
        };
        let Some(plan) = round.checked_sub(1).and_then(|i| self.rounds.get(i as usize)) else {
            return true;
        };
        if Instant::now() >= self.gst {
            return true;
        }
        // A member's addresses list its copies as `NodeEnv::peers` does: the original,
        // then the Twins copy.
        plan.connects(self.me, NodeCopy { identity: to as usize, twin: copy > 0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_round_follows_its_partition_and_unrounded_messages_the_latest() {
        madsim::runtime::Runtime::with_seed_and_config(1, madsim::Config::default()).block_on(schedule_is_followed());
    }

    async fn schedule_is_followed() {
        let copy = |identity, twin| NodeCopy { identity, twin };
        let everyone = vec![copy(0, false), copy(1, false), copy(2, false), copy(3, false), copy(1, true)];
        let rounds: Arc<[RoundPlan]> = vec![
            RoundPlan { leader: 1, partition: vec![vec![copy(0, false), copy(1, false), copy(2, false)], vec![copy(1, true), copy(3, false)]] },
            RoundPlan { leader: 1, partition: vec![everyone] },
            RoundPlan { leader: 2, partition: vec![vec![copy(0, false), copy(1, true)], vec![copy(1, false), copy(2, false), copy(3, false)]] },
        ]
        .into();
        let gst = Instant::now() + std::time::Duration::from_secs(5);
        let n0 = RoundLinks::new(copy(0, false), rounds, gst);
        // Before any round of its own, n0's messages reach everyone.
        assert!(n0.reaches(3, 0, None));
        assert!(n0.reaches(1, 0, Some(1)) && !n0.reaches(1, 1, Some(1)) && !n0.reaches(3, 0, Some(1)));
        // Sync and batches now follow round 1.
        assert!(!n0.reaches(3, 0, None) && n0.reaches(2, 0, None));
        assert!(n0.reaches(3, 0, Some(2)) && n0.reaches(1, 1, Some(2)));
        assert!(n0.reaches(1, 1, Some(3)) && !n0.reaches(1, 0, Some(3)));
        // A late message of an earlier round still follows that round's partition.
        assert!(!n0.reaches(1, 1, Some(1)));
        assert!(!n0.reaches(2, 0, None), "no round: the latest sent, 3");
        // Past the schedule, everything goes everywhere.
        assert!(n0.reaches(1, 1, Some(4)) && n0.reaches(3, 0, Some(4)) && n0.reaches(3, 0, None));
        // From the GST on, every round reaches everyone.
        assert!(!n0.reaches(1, 1, Some(1)));
        tokio::time::sleep_until(gst).await;
        assert!(n0.reaches(1, 1, Some(1)) && n0.reaches(3, 0, Some(3)));
    }
}
