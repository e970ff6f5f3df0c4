//! The `[nemesis]` table: faults drawn from the run's seed instead of written by hand.
//! [`generate`] turns the table and a seed into the same fault entries `[[faults]]`
//! gives, so the world plays them, and the checkers judge them, as usual.
//!
//! Faults arrive at random gaps (uniform, mean one per `60 / sum of rates` seconds), each
//! of a kind drawn by rate, lasting a random `length`, and ending by `duration - quiet`.
//! A fault that would break a bound when drawn is dropped: at most `faulty` nodes faulty
//! at once, one link fault (split, isolate, cut: `heal` lifts them all) and one network
//! spike at a time, one fault per node at a time.

use super::{Fault, FaultAction, Latency, NetworkSpec, NodeCopy};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What the nemesis may do; each kind has its own rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NemesisKind {
    /// A random split in two groups (the smaller one is faulty).
    Split,
    /// One node cut off from all others.
    Isolate,
    /// One direction of one link clogged (the sender is faulty).
    Cut,
    /// Crash, then restart from the disk.
    Crash,
    /// Crash at any instant, down to the microsecond (between a vote and the next
    /// message, say), and restart at once.
    Bounce,
    /// Pause, then resume.
    Pause,
    /// Packet loss raised to `loss` on every link.
    Loss,
    /// Latency raised to `latency` on every link.
    Latency,
    /// A crash inside the node's next disk sync, then restart.
    PowerCut,
    /// Every write fails (EIO); then crash, `disk_ok`, restart.
    DiskError,
    /// The disk fills up ([`DISK_FULL_FREE`] left); then crash, `disk_ok`, restart.
    DiskFull,
}

impl NemesisKind {
    /// Every kind, in the order the rates table lists them.
    pub const ALL: [NemesisKind; 11] = [
        NemesisKind::Split,
        NemesisKind::Isolate,
        NemesisKind::Cut,
        NemesisKind::Crash,
        NemesisKind::Bounce,
        NemesisKind::Pause,
        NemesisKind::Loss,
        NemesisKind::Latency,
        NemesisKind::PowerCut,
        NemesisKind::DiskError,
        NemesisKind::DiskFull,
    ];

    /// The key in `nemesis.rates`.
    pub fn name(self) -> &'static str {
        match self {
            NemesisKind::Split => "split",
            NemesisKind::Isolate => "isolate",
            NemesisKind::Cut => "cut",
            NemesisKind::Crash => "crash",
            NemesisKind::Bounce => "bounce",
            NemesisKind::Pause => "pause",
            NemesisKind::Loss => "loss",
            NemesisKind::Latency => "latency",
            NemesisKind::PowerCut => "power_cut",
            NemesisKind::DiskError => "disk_error",
            NemesisKind::DiskFull => "disk_full",
        }
    }
}

/// Bytes that still fit on a disk the nemesis fills: less than redb's next file growth.
pub const DISK_FULL_FREE: u64 = 64 << 10;

/// The `[nemesis]` table, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct NemesisSpec {
    /// No fault before this.
    pub start: Duration,
    /// No fault in force during the last `quiet` of the run.
    pub quiet: Duration,
    /// Most nodes faulty at once.
    pub faulty: usize,
    /// Shortest and longest fault.
    pub length: (Duration, Duration),
    /// Faults per minute, by kind (kinds left out never happen).
    pub rates: BTreeMap<NemesisKind, f64>,
    /// Packet loss during a loss spike.
    pub loss: f64,
    /// One-way latency during a latency spike.
    pub latency: Latency,
}

/// What a fault in force holds exclusively.
#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Links,
    Network,
    Node(NodeCopy),
}

/// A drawn fault in force until `until`, making `faulty` faulty.
struct InForce {
    until: Duration,
    slot: Slot,
    faulty: Vec<NodeCopy>,
}

/// Keeps the nemesis' stream apart from the other seeded streams of a run.
const STREAM: u64 = 0x006e_656d_6573_6973;

/// The faults `spec` draws from `seed` for `nodes` in a run of `duration` whose link
/// quality is `base` outside spikes; sorted by time, every fault healed by
/// `duration - quiet`.
pub fn generate(
    spec: &NemesisSpec,
    seed: u64,
    nodes: &[NodeCopy],
    duration: Duration,
    base: NetworkSpec,
) -> Vec<Fault> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STREAM);
    let end = duration.saturating_sub(spec.quiet);
    let total: f64 = spec.rates.values().sum();
    if total <= 0.0 {
        return Vec::new();
    }
    // Whole milliseconds (a bounce adds microseconds), so the `[[faults]]` text of a
    // schedule is exact.
    let max_gap_ms = (2.0 * 60_000.0 / total).round().max(1.0) as u64;
    let (min_len, max_len) = (
        spec.length.0.as_millis() as u64,
        spec.length.1.as_millis() as u64,
    );
    let mut in_force: Vec<InForce> = Vec::new();
    let mut out: Vec<Fault> = Vec::new();
    let mut t = spec.start;
    loop {
        t += Duration::from_millis(rng.gen_range(1..=max_gap_ms));
        if t >= end {
            break;
        }
        in_force.retain(|f| f.until > t);
        let kind = pick(&mut rng, &spec.rates, total);
        let mut until = (t + Duration::from_millis(rng.gen_range(min_len..=max_len))).min(end);
        if kind == NemesisKind::Bounce {
            // Any microsecond of the millisecond, and back up at that same instant.
            t += Duration::from_micros(rng.gen_range(0..1000));
            until = t;
            if t >= end {
                break;
            }
        }
        let Some((slot, faulty, opens, closes)) = draw(&mut rng, kind, spec, nodes, base) else {
            continue;
        };
        let busy = |f: &InForce| f.slot == slot;
        let mut after: BTreeSet<NodeCopy> = in_force.iter().flat_map(|f| f.faulty.clone()).collect();
        after.extend(faulty.iter().copied());
        if in_force.iter().any(busy) || after.len() > spec.faulty {
            continue;
        }
        out.push(Fault { at: t, action: opens });
        out.extend(closes.into_iter().map(|action| Fault { at: until, action }));
        in_force.push(InForce { until, slot, faulty });
    }
    // Stable: a fault that closes at `t` was drawn before one that opens at `t`.
    out.sort_by_key(|f| f.at);
    out
}

/// A kind drawn in proportion to its rate.
fn pick(rng: &mut ChaCha8Rng, rates: &BTreeMap<NemesisKind, f64>, total: f64) -> NemesisKind {
    let mut x = rng.gen_range(0.0..total);
    for (&kind, &rate) in rates {
        if x < rate {
            return kind;
        }
        x -= rate;
    }
    // Rounding can leave `x` just past the last rate.
    *rates.keys().next_back().expect("a rate above 0")
}

type Drawn = (Slot, Vec<NodeCopy>, FaultAction, Vec<FaultAction>);

/// One fault of `kind`: what it holds, who it makes faulty, how it opens and closes.
fn draw(
    rng: &mut ChaCha8Rng,
    kind: NemesisKind,
    spec: &NemesisSpec,
    nodes: &[NodeCopy],
    base: NetworkSpec,
) -> Option<Drawn> {
    let node = *nodes.choose(rng)?;
    let others = |out: &[NodeCopy]| -> Vec<NodeCopy> {
        nodes.iter().copied().filter(|c| !out.contains(c)).collect()
    };
    let restart = |node| {
        vec![
            FaultAction::Crash(node),
            FaultAction::DiskOk(node),
            FaultAction::Restart(node),
        ]
    };
    let one = Slot::Node(node);
    Some(match kind {
        NemesisKind::Split => {
            let most = (nodes.len() / 2).min(spec.faulty).max(1);
            let mut shuffled = nodes.to_vec();
            shuffled.shuffle(rng);
            let mut minority = shuffled[..rng.gen_range(1..=most)].to_vec();
            minority.sort();
            let rest = others(&minority);
            let groups = vec![minority.clone(), rest];
            (Slot::Links, minority, FaultAction::Partition(groups), vec![FaultAction::Heal])
        }
        NemesisKind::Isolate => {
            let groups = vec![vec![node], others(&[node])];
            (Slot::Links, vec![node], FaultAction::Partition(groups), vec![FaultAction::Heal])
        }
        NemesisKind::Cut => {
            let to = *others(&[node]).choose(rng)?;
            let cut = FaultAction::Cut { from: node, to, both: false };
            (Slot::Links, vec![node], cut, vec![FaultAction::Heal])
        }
        NemesisKind::Crash | NemesisKind::Bounce => (one, vec![node], FaultAction::Crash(node), vec![FaultAction::Restart(node)]),
        NemesisKind::Pause => (one, vec![node], FaultAction::Pause(node), vec![FaultAction::Resume(node)]),
        NemesisKind::PowerCut => (one, vec![node], FaultAction::PowerCut(node), vec![FaultAction::Restart(node)]),
        NemesisKind::DiskError => (one, vec![node], FaultAction::DiskError(node), restart(node)),
        NemesisKind::DiskFull => {
            let full = FaultAction::DiskFull { node, free: DISK_FULL_FREE };
            (one, vec![node], full, restart(node))
        }
        NemesisKind::Loss => {
            let spike = NetworkSpec { loss: spec.loss, ..base };
            (Slot::Network, vec![], FaultAction::Network(spike), vec![FaultAction::Network(base)])
        }
        NemesisKind::Latency => {
            let spike = NetworkSpec { latency: spec.latency, ..base };
            (Slot::Network, vec![], FaultAction::Network(spike), vec![FaultAction::Network(base)])
        }
    })
}
