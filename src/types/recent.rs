//! A set that remembers only its most recent entries: past its capacity, the oldest is
//! forgotten first. For what a node remembers to skip repeated work (replayed envelopes,
//! signatures already checked, hashes its RPC admitted) without growing forever.

use std::collections::{BTreeSet, VecDeque};

pub struct RecentSet<T> {
    capacity: usize,
    set: BTreeSet<T>,
    order: VecDeque<T>,
}

impl<T: Ord + Copy> RecentSet<T> {
    pub fn new(capacity: usize) -> Self {
        RecentSet { capacity, set: BTreeSet::new(), order: VecDeque::new() }
    }

    /// Records `value`; false if it was already remembered.
    pub fn insert(&mut self, value: T) -> bool {
        if !self.set.insert(value) {
            return false;
        }
        self.order.push_back(value);
        if self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }

    pub fn contains(&self, value: &T) -> bool {
        self.set.contains(value)
    }

    pub fn len(&self) -> usize {
        self.set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_the_oldest_past_capacity_and_counts_repeats_once() {
        let mut recent = RecentSet::new(3);
        assert!(recent.insert(1) && recent.insert(2) && recent.insert(3));
        assert!(!recent.insert(2), "already remembered");
        assert!(recent.insert(4));
        assert_eq!(recent.len(), 3);
        assert!(!recent.contains(&1) && recent.contains(&2) && recent.contains(&4));
    }
}
