//! Round-by-round schedules, as the Twins paper (Bano et al.) writes its scenarios: for
//! each of the first consensus rounds, which identity leads it and how the node copies
//! are partitioned for that round's messages. A message that belongs to round r reaches
//! only the copies in its sender's group of round r's partition; messages of later
//! rounds, and every message from the schedule's GST on, reach everyone (so liveness can
//! be judged). The simulator only carries the schedule: the system enforces it on its
//! own messages.
//!
//! `[twins] generate` enumerates every schedule of a few rounds over a chosen set of
//! leaders and partitions; a seed picks one of them, through a fixed pseudo-random
//! permutation of the enumeration, so seeds `0..count` cover it exactly once and any
//! other stretch of seeds is a random sample.

use super::NodeCopy;
use std::fmt;
use std::time::Duration;

/// `[twins] rounds` or `[twins] generate`, and the time from which every message is
/// delivered whatever its round (the global stabilization time of partial synchrony:
/// a node left behind in a round no group finishes catches up from here, and liveness
/// is judged from here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundSchedule {
    /// The scheduled rounds, round 1 first; with a generator, empty until
    /// [`Scenario::for_seed`](super::Scenario::for_seed) picks them.
    pub plans: Vec<RoundPlan>,
    /// `generate`: every schedule of a few rounds, one per seed.
    pub generator: Option<RoundsGenerator>,
    /// The global stabilization time, from the start of the run.
    pub gst: Duration,
}

impl RoundSchedule {
    /// How many rounds are scheduled.
    pub fn rounds(&self) -> usize {
        self.generator.as_ref().map_or(self.plans.len(), |g| g.rounds)
    }
}

/// One scheduled round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundPlan {
    /// The identity that leads the round (its Twins copies both do).
    pub leader: usize,
    /// The round's groups; one group holding every copy is a connected round.
    pub partition: Vec<Vec<NodeCopy>>,
}

impl RoundPlan {
    /// Whether a message of this round from `from` reaches `to`.
    pub fn connects(&self, from: NodeCopy, to: NodeCopy) -> bool {
        self.partition.iter().any(|group| group.contains(&from) && group.contains(&to))
    }
}

impl fmt::Display for RoundPlan {
    /// `n1 leads; n0 n1 n2 | n1' n3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups: Vec<String> = self
            .partition
            .iter()
            .map(|g| g.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
            .collect();
        write!(f, "n{} leads; {}", self.leader, groups.join(" | "))
    }
}

/// The `rounds = [...]` entry of `[twins]` that replays `plans`.
pub fn rounds_toml(plans: &[RoundPlan]) -> String {
    let quoted = |g: &Vec<NodeCopy>| format!("[{}]", g.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "));
    let entries: Vec<String> = plans
        .iter()
        .map(|p| {
            let groups: Vec<String> = p.partition.iter().map(quoted).collect();
            format!("  {{ leader = \"n{}\", partition = [{}] }},", p.leader, groups.join(", "))
        })
        .collect();
    format!("rounds = [\n{}\n]\n", entries.join("\n"))
}

/// `[twins] generate`: every schedule of `rounds` rounds, each round one of `leaders`
/// with one of `partitions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundsGenerator {
    /// Scheduled rounds per scenario.
    pub rounds: usize,
    /// Most groups in a round's partition (as given).
    pub max_groups: usize,
    /// Whether every Twins pair is kept in different groups (as given).
    pub apart: bool,
    /// The identities a round may be led by, ascending.
    pub leaders: Vec<usize>,
    /// The partitions a round may take, in enumeration order.
    pub partitions: Vec<Vec<Vec<NodeCopy>>>,
}

impl RoundsGenerator {
    /// The partitions of `copies` into at most `max_groups` groups in which some group
    /// holds a quorum of distinct identities (a round no group can finish would never
    /// end, and the rounds after it would never be played), with every Twins pair apart
    /// if `apart`. Each partition is listed once, in restricted-growth order.
    pub fn partitions(copies: &[NodeCopy], committee_size: usize, max_groups: usize, apart: bool) -> Vec<Vec<Vec<NodeCopy>>> {
        let quorum = committee_size - (committee_size - 1) / 3;
        let mut out = Vec::new();
        // labels[i]: the group of copies[i]; each label at most one above the largest
        // before it, so every partition has exactly one labelling.
        let mut labels = vec![0usize; copies.len()];
        loop {
            let groups = labels.iter().max().map_or(0, |m| m + 1);
            let partition: Vec<Vec<NodeCopy>> = (0..groups)
                .map(|g| copies.iter().zip(&labels).filter(|(_, l)| **l == g).map(|(c, _)| *c).collect())
                .collect();
            let has_quorum = partition.iter().any(|g| {
                let identities: std::collections::BTreeSet<usize> = g.iter().map(|c| c.identity).collect();
                identities.len() >= quorum
            });
            let twins_apart = || {
                copies.iter().filter(|c| c.twin).all(|twin| {
                    let home = |copy: NodeCopy| copies.iter().position(|c| *c == copy).map(|i| labels[i]);
                    home(*twin) != home(NodeCopy { identity: twin.identity, twin: false })
                })
            };
            if has_quorum && (!apart || twins_apart()) {
                out.push(partition);
            }
            if !next_labelling(&mut labels, max_groups) {
                return out;
            }
        }
    }

    /// Choices for one round: a leader and a partition.
    pub fn choices(&self) -> u64 {
        (self.leaders.len() * self.partitions.len()) as u64
    }

    /// How many schedules there are, if that fits in a u64.
    pub fn count(&self) -> Option<u64> {
        self.choices().checked_pow(self.rounds as u32)
    }

    /// Schedule number `index` (below [`count`](Self::count)), in enumeration order: the
    /// digits of `index` in base [`choices`](Self::choices), round 1 the lowest.
    pub fn schedule(&self, index: u64) -> Vec<RoundPlan> {
        let choices = self.choices();
        let mut rest = index;
        (0..self.rounds)
            .map(|_| {
                let digit = (rest % choices) as usize;
                rest /= choices;
                RoundPlan {
                    leader: self.leaders[digit % self.leaders.len()],
                    partition: self.partitions[digit / self.leaders.len()].clone(),
                }
            })
            .collect()
    }

    /// The schedule `seed` plays: seeds `0..count` visit every schedule once.
    pub fn for_seed(&self, seed: u64) -> Vec<RoundPlan> {
        let count = self.count().expect("validation keeps the count within a u64");
        self.schedule(permute(seed % count, count))
    }
}

/// Steps `labels` to the next restricted-growth string with labels below `max_groups`;
/// false after the last.
fn next_labelling(labels: &mut [usize], max_groups: usize) -> bool {
    for i in (1..labels.len()).rev() {
        let ceiling = labels[..i].iter().max().map_or(0, |m| m + 1).min(max_groups - 1);
        if labels[i] < ceiling {
            labels[i] += 1;
            labels[i + 1..].iter_mut().for_each(|l| *l = 0);
            return true;
        }
    }
    false
}

/// A fixed bijection of `0..count`: a four-round Feistel network over the smallest
/// even number of bits that holds `count`, walking the cycle until it lands inside.
pub fn permute(x: u64, count: u64) -> u64 {
    assert!(x < count, "{x} is outside 0..{count}");
    let bits = (64 - (count - 1).leading_zeros()).max(2).next_multiple_of(2);
    let half = bits / 2;
    let mask = (1u64 << half) - 1;
    let mut v = x;
    loop {
        let (mut left, mut right) = (v >> half, v & mask);
        for round in 0..4u64 {
            let mixed = splitmix(right ^ (round << 40) ^ 0x7769_6e73) & mask;
            (left, right) = (right, left ^ mixed);
        }
        v = (left << half) | right;
        if v < count {
            return v;
        }
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn copies(n: usize, twins: &[usize]) -> Vec<NodeCopy> {
        let honest = (0..n).map(|identity| NodeCopy { identity, twin: false });
        honest.chain(twins.iter().map(|&identity| NodeCopy { identity, twin: true })).collect()
    }

    #[test]
    fn partitions_are_the_set_partitions_with_a_quorum_somewhere() {
        // Four copies, no twin, at most two groups: 1 + S(4, 2) = 8 partitions, of
        // which those with a group of 3 identities are kept: {all} and the 4 singletons.
        let all = RoundsGenerator::partitions(&copies(4, &[]), 4, 2, false);
        assert_eq!(all.len(), 5, "{all:?}");
        // Five copies (n1 twinned) into at most two groups: S(5,1) + S(5,2) = 16. A group
        // needs 3 distinct identities: every 4 + 1 split has one, and a 3 + 2 split has
        // one unless its three hold both n1 and n1' (3 of the 10).
        let twins = RoundsGenerator::partitions(&copies(4, &[1]), 4, 2, false);
        assert!(twins.iter().all(|p| p.len() <= 2));
        let distinct: BTreeSet<_> = twins.iter().map(|p| format!("{p:?}")).collect();
        assert_eq!(distinct.len(), twins.len(), "each partition once");
        assert_eq!(twins.len(), 13, "{twins:?}");
        // Kept apart, n1 and n1' never share a group: of the 13 go the connected one,
        // the three 4 + 1 splits whose four hold both, and n0 n2 n3 | n1 n1'.
        let apart = RoundsGenerator::partitions(&copies(4, &[1]), 4, 2, true);
        for p in &apart {
            assert!(p.iter().all(|g| !(g.contains(&NodeCopy { identity: 1, twin: false }) && g.contains(&NodeCopy { identity: 1, twin: true }))));
        }
        assert_eq!(apart.len(), 8, "{apart:?}");
        // Three groups allowed: more partitions, a superset.
        let three = RoundsGenerator::partitions(&copies(4, &[1]), 4, 3, false);
        assert!(three.len() > twins.len() && twins.iter().all(|p| three.contains(p)));
    }

    #[test]
    fn schedules_enumerate_every_leader_and_partition_per_round() {
        let partitions = RoundsGenerator::partitions(&copies(4, &[1]), 4, 2, true);
        let generator = RoundsGenerator { rounds: 2, max_groups: 2, apart: true, leaders: vec![0, 1], partitions };
        let count = generator.count().unwrap();
        assert_eq!(count, 16 * 16);
        let all: BTreeSet<String> = (0..count).map(|i| format!("{:?}", generator.schedule(i))).collect();
        assert_eq!(all.len() as u64, count, "every index a different schedule");
        let by_seed: BTreeSet<String> = (0..count).map(|s| format!("{:?}", generator.for_seed(s))).collect();
        assert_eq!(by_seed, all, "seeds 0..count cover the enumeration");
        assert_eq!(generator.for_seed(count + 5), generator.for_seed(5));
    }

    #[test]
    fn the_permutation_is_a_bijection_that_shuffles() {
        for count in [1u64, 2, 3, 7, 64, 100, 1000, 4097] {
            let image: BTreeSet<u64> = (0..count).map(|x| permute(x, count)).collect();
            assert_eq!(image, (0..count).collect(), "count {count}");
        }
        let moved = (0..1000).filter(|&x| permute(x, 1000) != x).count();
        assert!(moved > 900, "only {moved} of 1000 moved");
    }

    #[test]
    fn a_round_connects_only_copies_in_one_group() {
        let (n0, n1, n1t) = (NodeCopy { identity: 0, twin: false }, NodeCopy { identity: 1, twin: false }, NodeCopy { identity: 1, twin: true });
        let plan = RoundPlan { leader: 1, partition: vec![vec![n0, n1], vec![n1t]] };
        assert!(plan.connects(n0, n1) && plan.connects(n1, n0) && plan.connects(n1t, n1t));
        assert!(!plan.connects(n0, n1t) && !plan.connects(n1t, n1));
        assert_eq!(plan.to_string(), "n1 leads; n0 n1 | n1'");
        assert_eq!(rounds_toml(&[plan]), "rounds = [\n  { leader = \"n1\", partition = [[\"n0\", \"n1\"], [\"n1'\"]] },\n]\n");
    }
}
