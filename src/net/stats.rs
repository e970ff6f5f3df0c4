//! Counters of what the network layer dropped, exported as metrics and checked by tests.

use crate::types::Author;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use tokio::time::Instant;

#[derive(Debug, Default)]
pub struct NetStats {
    pub malformed: AtomicU64,
    /// Envelopes whose tag does not verify: forged, altered, or meant for another member.
    pub bad_tag: AtomicU64,
    pub unknown_sender: AtomicU64,
    pub queue_full: AtomicU64,
    /// Copies of envelopes already received (replays).
    pub replayed: AtomicU64,
    pub received: AtomicU64,
    /// When each member was last heard from (any authenticated frame).
    last_heard: Mutex<BTreeMap<Author, Instant>>,
}

impl NetStats {
    pub fn dropped(&self) -> u64 {
        self.drops_by_reason().iter().map(|(_, n)| n).sum()
    }

    /// Each kind of dropped frame with its count.
    pub fn drops_by_reason(&self) -> [(&'static str, u64); 5] {
        [
            ("malformed", self.malformed.load(Ordering::Relaxed)),
            ("bad_tag", self.bad_tag.load(Ordering::Relaxed)),
            ("unknown_sender", self.unknown_sender.load(Ordering::Relaxed)),
            ("queue_full", self.queue_full.load(Ordering::Relaxed)),
            ("replayed", self.replayed.load(Ordering::Relaxed)),
        ]
    }

    pub(crate) fn heard(&self, from: Author) {
        self.last_heard.lock().unwrap().insert(from, Instant::now());
    }

    pub(crate) fn last_heard(&self, from: Author) -> Option<Instant> {
        self.last_heard.lock().unwrap().get(&from).copied()
    }

    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
