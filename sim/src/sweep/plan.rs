//! Which seeds a sweep runs: a range `A..B`, optionally one shard of it, optionally
//! under a wall-clock budget.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::time::Duration;

/// Parses a seed range written `A..B` (B exclusive) or a single seed `A`.
pub fn parse_seeds(text: &str) -> Result<Range<u64>, String> {
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("seed range {text:?}: {s:?} is not a seed"))
    };
    let range = match text.split_once("..") {
        Some((a, b)) => number(a)?..number(b)?,
        None => {
            let a = number(text)?;
            a..a + 1
        }
    };
    if range.is_empty() {
        return Err(format!(
            "seed range {text:?} is empty (write A..B with A < B)"
        ));
    }
    Ok(range)
}

/// Shard `index` of `count`: the seeds `s` with `s % count == index`. A seed's shard
/// depends on the seed and the count alone, so the shards of any range cover it exactly
/// once, and a seed keeps its shard when the range changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based, below `count`.
    pub index: u64,
    /// How many shards the range is split into (at least 1).
    pub count: u64,
}

impl Shard {
    /// Parses `I/N`, e.g. `0/4`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (index, count) = text
            .split_once('/')
            .ok_or_else(|| format!("{text:?}: write I/N, e.g. 0/4"))?;
        let number = |s: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("{text:?}: {s:?} is not a number"))
        };
        let shard = Shard {
            index: number(index)?,
            count: number(count)?,
        };
        if shard.count == 0 {
            return Err(format!("{text:?}: there must be at least one shard"));
        }
        if shard.index >= shard.count {
            return Err(format!(
                "{text:?}: shards are numbered 0..{} (the index is 0-based)",
                shard.count
            ));
        }
        Ok(shard)
    }

    /// Whether `seed` belongs to this shard.
    pub fn contains(&self, seed: u64) -> bool {
        seed % self.count == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a sweep runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The whole range, before sharding.
    pub seeds: Range<u64>,
    /// Only this shard of the range (all of it without one).
    pub shard: Option<Shard>,
    /// No seed starts once this much wall-clock time has passed.
    pub budget: Option<Duration>,
}

impl Plan {
    /// Every seed of `seeds`, no budget.
    pub fn all(seeds: Range<u64>) -> Plan {
        Plan {
            seeds,
            shard: None,
            budget: None,
        }
    }

    /// The seeds to run, in the order they start.
    pub fn seeds(&self) -> impl Iterator<Item = u64> {
        let shard = self.shard;
        self.seeds
            .clone()
            .filter(move |s| shard.is_none_or(|shard| shard.contains(*s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seed_ranges() {
        assert_eq!(parse_seeds("0..100"), Ok(0..100));
        assert_eq!(parse_seeds("7"), Ok(7..8));
        assert!(parse_seeds("5..5").unwrap_err().contains("empty"));
        assert!(parse_seeds("a..3").unwrap_err().contains("not a seed"));
    }

    #[test]
    fn parses_shards() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(Shard::parse("0/1").unwrap().to_string(), "0/1");
        assert!(Shard::parse("4/4").unwrap_err().contains("0-based"));
        assert!(Shard::parse("0/0").unwrap_err().contains("at least one"));
        assert!(Shard::parse("2").unwrap_err().contains("I/N"));
        assert!(Shard::parse("x/4")
            .unwrap_err()
            .contains("\"x\" is not a number"));
    }

    #[test]
    fn shards_cover_every_seed_exactly_once() {
        for (range, count) in [
            (0..100, 4),
            (13..14, 3),
            (7..50, 1),
            (1000..1037, 5),
            (3..9, 8),
        ] {
            let mut seen: Vec<u64> = (0..count)
                .flat_map(|index| {
                    let plan = Plan {
                        shard: Some(Shard { index, count }),
                        ..Plan::all(range.clone())
                    };
                    plan.seeds().collect::<Vec<_>>()
                })
                .collect();
            seen.sort_unstable();
            assert_eq!(
                seen,
                range.clone().collect::<Vec<_>>(),
                "{range:?} in {count} shards"
            );
        }
        // A seed's shard does not depend on the range it is swept in.
        let shard = Shard { index: 1, count: 3 };
        let narrow = Plan {
            shard: Some(shard),
            ..Plan::all(10..20)
        };
        let wide = Plan {
            shard: Some(shard),
            ..Plan::all(0..100)
        };
        let wide: Vec<u64> = wide.seeds().filter(|s| (10..20).contains(s)).collect();
        assert_eq!(narrow.seeds().collect::<Vec<_>>(), wide);
    }
}
