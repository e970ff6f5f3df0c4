//! Which block ranges to prove next: whole ranges of `k` blocks from the first block,
//! never one that is stored or being proved, lowest first (so a backlog is caught up in
//! order and a gap left by a crash is filled before the chain's new blocks).

use std::collections::{BTreeMap, BTreeSet};

/// The ranges a prover makes: `[first + i·k, first + (i+1)·k - 1]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ranges {
    pub first: u64,
    pub k: u64,
}

impl Ranges {
    /// The range that starts at `start`.
    pub fn at(&self, start: u64) -> (u64, u64) {
        (start, start + self.k - 1)
    }

    /// Whether `start` begins one of these ranges.
    pub fn is_start(&self, start: u64) -> bool {
        start >= self.first && (start - self.first) % self.k == 0
    }

    /// The lowest range that ends at or before `tip` (and `until`), is not in `stored`
    /// (start → last block) nor `busy`, starting the search at `from` (every range below
    /// it is stored).
    pub fn next(&self, from: u64, tip: u64, until: Option<u64>, stored: &BTreeMap<u64, u64>, busy: &BTreeSet<u64>) -> Option<(u64, u64)> {
        let end = until.map_or(tip, |u| u.min(tip));
        let mut start = from.max(self.first);
        loop {
            let (s, last) = self.at(start);
            if last > end {
                return None;
            }
            if !stored.contains_key(&s) && !busy.contains(&s) {
                return Some((s, last));
            }
            start += self.k;
        }
    }

    /// The start of the lowest range not stored, from `from` on: where the next search
    /// begins once the ranges below are done.
    pub fn lowest_missing(&self, from: u64, stored: &BTreeMap<u64, u64>) -> u64 {
        let mut start = from.max(self.first);
        while stored.contains_key(&start) {
            start += self.k;
        }
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(starts: &[u64], k: u64) -> BTreeMap<u64, u64> {
        starts.iter().map(|&s| (s, s + k - 1)).collect()
    }

    #[test]
    fn gaps_first_then_new_blocks_never_a_stored_or_busy_range() {
        let r = Ranges { first: 1, k: 1 };
        let s = stored(&[1, 2, 4, 6], 1);
        let busy = BTreeSet::from([3]);
        assert_eq!(r.next(1, 9, None, &s, &busy), Some((5, 5)));
        assert_eq!(r.next(1, 9, None, &s, &BTreeSet::new()), Some((3, 3)));
        assert_eq!(r.lowest_missing(1, &s), 3);
        assert_eq!(r.next(1, 4, None, &s, &busy), None, "nothing missing up to the tip but the busy range");
    }

    #[test]
    fn ranges_of_k_blocks_end_at_or_before_the_tip_and_until() {
        let r = Ranges { first: 1, k: 4 };
        assert_eq!(r.next(1, 3, None, &BTreeMap::new(), &BTreeSet::new()), None, "a range waits for its last block");
        assert_eq!(r.next(1, 4, None, &BTreeMap::new(), &BTreeSet::new()), Some((1, 4)));
        assert_eq!(r.next(1, 20, None, &stored(&[1, 5], 4), &BTreeSet::new()), Some((9, 12)));
        assert_eq!(r.next(1, 20, Some(11), &stored(&[1, 5], 4), &BTreeSet::new()), None, "9..=12 ends past --until");
        assert!(r.is_start(9) && !r.is_start(10) && !r.is_start(0));
    }
}
