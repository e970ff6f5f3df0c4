//! Warnings about a peer's bad messages, at most one per peer per interval. Every bad
//! message is still counted (metrics, the simulator's history); a warning per message
//! would make the log the cheapest way for a byzantine peer to slow a node down.

use crate::types::Author;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::time::Instant;

pub struct WarnLimit {
    every: Duration,
    last: BTreeMap<Author, Instant>,
}

impl WarnLimit {
    pub fn new(every: Duration) -> Self {
        WarnLimit { every, last: BTreeMap::new() }
    }

    /// Logs `reason` about `from`: a warning if none was given for it within the
    /// interval, else at debug level.
    pub fn log(&mut self, from: Author, reason: &str) {
        let now = Instant::now();
        if self.last.get(&from).is_some_and(|at| now.duration_since(*at) < self.every) {
            tracing::debug!(from, "{reason}");
        } else {
            self.last.insert(from, now);
            tracing::warn!(from, "{reason} (more from this member within {}s are logged at debug level)", self.every.as_secs());
        }
    }
}
