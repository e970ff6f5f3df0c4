//! Counters of what the network layer dropped, exported as metrics and checked by tests.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct NetStats {
    pub malformed: AtomicU64,
    pub bad_signature: AtomicU64,
    pub unknown_sender: AtomicU64,
    pub queue_full: AtomicU64,
    pub received: AtomicU64,
}

impl NetStats {
    pub fn dropped(&self) -> u64 {
        self.malformed.load(Ordering::Relaxed)
            + self.bad_signature.load(Ordering::Relaxed)
            + self.unknown_sender.load(Ordering::Relaxed)
            + self.queue_full.load(Ordering::Relaxed)
    }

    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
