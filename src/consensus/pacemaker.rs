//! Round timer. A round that makes no progress times out after `base`; the round after
//! that gets `base` again (one failed round is usually a crashed leader, not a slow
//! network), and each further consecutive timeout doubles the duration up to `max`, so
//! that under real asynchrony all honest nodes eventually spend long enough in one round
//! together. Once a round has timed out, the deadline repeats every `base` so the node
//! re-sends its timeout until the round ends (messages sent into a partition are lost).

use std::time::Duration;
use tokio::time::Instant;

pub struct Pacemaker {
    base: Duration,
    max: Duration,
    consecutive_timeouts: u32,
    deadline: Instant,
}

impl Pacemaker {
    pub fn new(base: Duration, max: Duration) -> Self {
        Pacemaker { base, max, consecutive_timeouts: 0, deadline: Instant::now() + base }
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    fn duration(&self) -> Duration {
        let factor = 1u32 << self.consecutive_timeouts.saturating_sub(1).min(10);
        (self.base * factor).min(self.max)
    }

    /// A new round began because of progress (a QC): back to the base timeout.
    pub fn progress(&mut self) {
        self.consecutive_timeouts = 0;
        self.deadline = Instant::now() + self.duration();
    }

    /// A new round began after a TC: keep the backoff.
    pub fn restart(&mut self) {
        self.deadline = Instant::now() + self.duration();
    }

    /// The current round timed out locally for the first time.
    pub fn expired(&mut self) {
        self.consecutive_timeouts += 1;
        self.deadline = Instant::now() + self.base;
    }

    /// The current round is still stuck: time to re-send the timeout.
    pub fn resend(&mut self) {
        self.deadline = Instant::now() + self.base;
    }
}
