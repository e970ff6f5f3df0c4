//! From the file as written ([`raw`](super::raw)) to a checked [`Scenario`]: parses
//! durations and node names and enforces the semantic rules, each error naming its key
//! and line.

use super::locate::Locator;
use super::{validate_nemesis, validate_rounds};
use super::raw::{RawByzantine, RawCpu, RawDisk, RawFault, RawFile, RawRange, RawLoad, RawNetwork};
use super::{
    ByzantineSpec, CpuSpec, DEFAULT_BYZANTINE_RATE, format_duration, parse_duration, parse_size, Checks, DiskSpec, Fault, FaultAction, Latency,
    LoadPhase, LoadSpec, NetworkSpec, NodeCopy, Scenario, ScenarioError, copies_of, DEFAULT_RESUBMIT_AFTER,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

type Result<T> = std::result::Result<T, ScenarioError>;

/// Longest simulated run: reports keep a row per simulated second.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);
/// Most transactions a run may offer: the load client plans every send time up front.
pub const MAX_OFFERED: f64 = 10_000_000.0;
/// Largest transaction the load client builds, in bytes.
pub const MAX_TX_SIZE: i64 = 16 << 20;

/// What every check needs: where errors point, and the committee they name nodes in.
pub(super) struct Ctx<'a> {
    origin: &'a str,
    loc: Locator,
    /// Committee size N.
    pub(super) size: usize,
    twins: Vec<usize>,
    /// Whether the scenario has a `[prover]` (faults may then name it and its store).
    prover: bool,
}

impl Ctx<'_> {
    pub(super) fn err(&self, key: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            origin: self.origin.to_string(),
            line: self.loc.line_of_path(key),
            key: key.to_string(),
            message: message.into(),
        }
    }

    pub(super) fn duration(&self, key: &str, text: &str) -> Result<Duration> {
        parse_duration(text).map_err(|m| self.err(key, m))
    }

    /// `{ min, max }` durations with `min <= max`.
    pub(super) fn range(&self, key: &str, raw: &RawRange) -> Result<(Duration, Duration)> {
        let min = self.duration(&format!("{key}.min"), &raw.min)?;
        let max = self.duration(&format!("{key}.max"), &raw.max)?;
        if min > max {
            return Err(self.err(
                &format!("{key}.min"),
                format!("min {} is above max {}", raw.min, raw.max),
            ));
        }
        Ok((min, max))
    }

    pub(super) fn latency(&self, key: &str, raw: &RawRange) -> Result<Latency> {
        let (min, max) = self.range(key, raw)?;
        Ok(Latency { min, max })
    }

    pub(super) fn loss(&self, key: &str, loss: f64) -> Result<f64> {
        if !(0.0..1.0).contains(&loss) {
            return Err(self.err(key, format!("loss {loss} is not in [0, 1)")));
        }
        Ok(loss)
    }

    /// Applies the keys present in `raw` on top of `base`.
    fn network(&self, key: &str, raw: &RawNetwork, base: NetworkSpec) -> Result<NetworkSpec> {
        let mut spec = base;
        if let Some(latency) = &raw.latency {
            spec.latency = self.latency(&format!("{key}.latency"), latency)?;
        }
        if let Some(loss) = raw.loss {
            spec.loss = self.loss(&format!("{key}.loss"), loss)?;
        }
        Ok(spec)
    }

    fn copy(&self, key: &str, name: &str) -> Result<NodeCopy> {
        let committee = format!("committee has n0..n{}", self.size - 1);
        let (base, twin) = match name.strip_suffix('\'') {
            Some(base) => (base, true),
            None => (name, false),
        };
        let identity = base
            .strip_prefix('n')
            .and_then(|digits| digits.parse::<usize>().ok())
            .filter(|&i| i < self.size && base == format!("n{i}"))
            .ok_or_else(|| self.err(key, format!("unknown node {name:?} ({committee})")))?;
        if twin && !self.twins.contains(&identity) {
            return Err(self.err(
                key,
                format!("unknown node {name:?} (n{identity} has no twin; see twins.nodes)"),
            ));
        }
        Ok(NodeCopy { identity, twin })
    }

    /// Groups of node copies, none empty, no copy in two (`key` names the list).
    pub(super) fn groups(&self, key: &str, raw: &[Vec<String>]) -> Result<Vec<Vec<NodeCopy>>> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for (g, group) in raw.iter().enumerate() {
            if group.is_empty() {
                return Err(self.err(&format!("{key}[{g}]"), "empty group"));
            }
            let mut copies = Vec::new();
            for (j, name) in group.iter().enumerate() {
                let element = format!("{key}[{g}][{j}]");
                let copy = self.copy(&element, name)?;
                if seen.contains(&copy) {
                    return Err(self.err(&element, format!("{copy} is in two groups")));
                }
                seen.push(copy);
                copies.push(copy);
            }
            out.push(copies);
        }
        Ok(out)
    }

    /// Distinct identities, as listed (`key` names the list).
    pub(super) fn identities(&self, key: &str, names: &[String]) -> Result<Vec<usize>> {
        let mut out = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let element = format!("{key}[{i}]");
            let identity = self.identity(&element, name)?;
            if out.contains(&identity) {
                return Err(self.err(&element, format!("{name:?} is listed twice")));
            }
            out.push(identity);
        }
        Ok(out)
    }

    /// An identity, named as such (`"n1"`, not its copy `"n1'"`).
    pub(super) fn identity(&self, key: &str, name: &str) -> Result<usize> {
        let copy = self.copy(key, name)?;
        if copy.twin {
            return Err(self.err(key, format!("{name:?}: name the identity (\"n{}\"), not a copy", copy.identity)));
        }
        Ok(copy.identity)
    }
}

/// `[byzantine]`: known identities without a twin, at most f together with the twins,
/// a list of distinct strategy names and a rate in (0, 1].
fn byzantine(ctx: &Ctx, raw: &RawByzantine, twins: &[usize], f: usize) -> Result<ByzantineSpec> {
    let mut nodes = ctx.identities("byzantine.nodes", &raw.nodes)?;
    if nodes.is_empty() {
        return Err(ctx.err("byzantine.nodes", "name at least one node (\"n3\")"));
    }
    if let Some(both) = nodes.iter().find(|n| twins.contains(n)) {
        return Err(ctx.err("byzantine.nodes", format!("n{both} has a twin already: a node is either twinned or byzantine")));
    }
    if nodes.len() + twins.len() > f {
        return Err(ctx.err(
            "byzantine.nodes",
            format!("{} byzantine and {} twinned nodes, but a committee of {} tolerates at most f = {f}", nodes.len(), twins.len(), ctx.size),
        ));
    }
    nodes.sort_unstable();
    if raw.strategies.is_empty() {
        return Err(ctx.err("byzantine.strategies", "name at least one strategy"));
    }
    for (i, name) in raw.strategies.iter().enumerate() {
        if raw.strategies[..i].contains(name) {
            return Err(ctx.err(&format!("byzantine.strategies[{i}]"), format!("{name:?} is listed twice")));
        }
    }
    let rate = raw.rate.unwrap_or(DEFAULT_BYZANTINE_RATE);
    if !(rate > 0.0 && rate <= 1.0) {
        return Err(ctx.err("byzantine.rate", format!("rate {rate} is not in (0, 1]")));
    }
    Ok(ByzantineSpec { nodes, strategies: raw.strategies.clone(), rate })
}

/// Parses and validates a scenario (see [`Scenario::from_str`]).
pub fn parse(text: &str, origin: &str) -> Result<Scenario> {
    let loc = Locator::new(text);
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        ScenarioError::Invalid {
            origin: origin.to_string(),
            line: loc.line_of(offset),
            key: loc.path_at(offset).to_string(),
            // toml gives some errors no message ("a=" at the end of the text).
            message: match e.message().trim() {
                "" => "not valid TOML here (a key without a value?)".to_string(),
                m => m.to_string(),
            },
        }
    })?;
    let mut ctx = Ctx {
        origin,
        loc,
        size: 0,
        twins: Vec::new(),
        prover: raw.prover.is_some(),
    };

    let name = match raw.scenario.name {
        Some(name) => name,
        None => Path::new(origin)
            .file_stem()
            .map_or_else(|| origin.to_string(), |s| s.to_string_lossy().into_owned()),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || name.starts_with('.')
    {
        return Err(ctx.err(
            "scenario.name",
            format!(
                "{name:?} must be letters, digits, '-', '_' or '.' (it names the report directory)"
            ),
        ));
    }
    let duration = ctx.duration("scenario.duration", &raw.scenario.duration)?;
    if duration.is_zero() {
        return Err(ctx.err("scenario.duration", "the run must last longer than 0s"));
    }
    if duration > MAX_DURATION {
        return Err(ctx.err(
            "scenario.duration",
            format!(
                "{} is longer than the simulator's {}",
                raw.scenario.duration,
                format_duration(MAX_DURATION)
            ),
        ));
    }

    if raw.committee.size < 4 {
        return Err(ctx.err(
            "committee.size",
            format!("{} nodes are too few (BFT needs at least 4)", raw.committee.size),
        ));
    }
    if raw.committee.size > 100 {
        return Err(ctx.err(
            "committee.size",
            format!(
                "{} nodes are more than the simulator's 100",
                raw.committee.size
            ),
        ));
    }
    ctx.size = raw.committee.size as usize;

    let network = ctx.network("network", &raw.network, NetworkSpec::default())?;
    let load = load(&ctx, raw.load.as_ref(), duration)?;
    let disk = disk(&ctx, &raw.disk)?;

    let f = (ctx.size - 1) / 3;
    let mut twins = ctx.identities("twins.nodes", &raw.twins.nodes)?;
    if twins.len() > f {
        return Err(ctx.err(
            "twins.nodes",
            format!(
                "{} twins but a committee of {} tolerates at most f = {f}",
                twins.len(),
                ctx.size
            ),
        ));
    }
    twins.sort_unstable();
    ctx.twins = twins.clone();

    let byzantine = match &raw.byzantine {
        Some(table) => Some(byzantine(&ctx, table, &twins, f)?),
        None => None,
    };

    let faults = faults(&ctx, &raw.faults, duration, network)?;

    let liveness_within = match &raw.checks.liveness_within {
        Some(text) => ctx.duration("checks.liveness_within", text)?,
        None => Duration::from_secs(10),
    };
    let max_tx_latency = match &raw.checks.max_tx_latency {
        Some(text) => Some(ctx.duration("checks.max_tx_latency", text)?),
        None => None,
    };
    let checks = Checks {
        liveness_within,
        max_tx_latency,
        safety_only: raw.checks.safety_only,
    };
    let rounds = validate_rounds::rounds(&ctx, &raw.twins, &copies_of(ctx.size, &twins), duration, &checks)?;
    let nemesis = match &raw.nemesis {
        Some(table) => {
            if !raw.faults.is_empty() {
                return Err(ctx.err("nemesis", "give either [nemesis] or [[faults]], not both (the nemesis keeps its faults within bounds only it knows)"));
            }
            if !twins.is_empty() || rounds.is_some() {
                return Err(ctx.err("nemesis", "[nemesis] does not fault Twins copies or round schedules yet: leave out [twins]"));
            }
            if byzantine.is_some() {
                return Err(ctx.err("nemesis", "[nemesis] may fault f nodes besides the byzantine ones: leave out [byzantine]"));
            }
            Some(validate_nemesis::nemesis(&ctx, table, duration, &checks)?)
        }
        None => None,
    };

    let scenario = Scenario {
        origin: origin.to_string(),
        name,
        description: raw.scenario.description,
        seed: raw.scenario.seed,
        duration,
        committee_size: ctx.size,
        network,
        load,
        disk,
        twins,
        rounds,
        faults,
        nemesis,
        byzantine,
        checks,
        node: raw.node,
        prover: raw.prover,
        cpu: raw.cpu.as_ref().map(|c| cpu(&ctx, c)).transpose()?,
        source: text.to_string(),
    };
    let needed = scenario.last_heal() + liveness_within;
    let judged_after_heal = !scenario.faults.is_empty() || scenario.rounds.is_some();
    if judged_after_heal && !scenario.checks.safety_only && duration < needed {
        let key = if raw.checks.liveness_within.is_some() {
            "checks.liveness_within"
        } else {
            "scenario.duration"
        };
        return Err(ctx.err(
            key,
            format!(
                "the run lasts {} but the last fault heals (or the round schedule's GST falls) at {} and liveness_within = {} needs it to last at least {}",
                format_duration(duration),
                format_duration(scenario.last_heal()),
                format_duration(liveness_within),
                format_duration(needed)
            ),
        ));
    }
    Ok(scenario)
}

fn load(ctx: &Ctx<'_>, raw: Option<&RawLoad>, duration: Duration) -> Result<LoadSpec> {
    let Some(raw) = raw else {
        return Ok(LoadSpec::default());
    };
    let rate_ok = |key: &str, rate: f64| {
        if rate.is_finite() && rate >= 0.0 {
            Ok(rate)
        } else {
            Err(ctx.err(
                key,
                format!("rate {rate} is not a non-negative number of tx/s"),
            ))
        }
    };
    let phases = match (&raw.rate, &raw.phases) {
        (Some(rate), None) => vec![LoadPhase {
            at: Duration::ZERO,
            rate: rate_ok("load.rate", *rate)?,
        }],
        (None, Some(raw_phases)) => {
            let mut phases: Vec<LoadPhase> = Vec::new();
            for (i, p) in raw_phases.iter().enumerate() {
                let key = format!("load.phases[{i}]");
                let at = ctx.duration(&format!("{key}.at"), &p.at)?;
                if i == 0 && !at.is_zero() {
                    return Err(ctx.err(&format!("{key}.at"), "the first phase must start at 0s"));
                }
                if let Some(prev) = phases.last() {
                    if at <= prev.at {
                        return Err(ctx.err(
                            &format!("{key}.at"),
                            "phases must be sorted by strictly increasing `at`",
                        ));
                    }
                }
                phases.push(LoadPhase {
                    at,
                    rate: rate_ok(&format!("{key}.rate"), p.rate)?,
                });
            }
            if phases.is_empty() {
                return Err(ctx.err("load.phases", "give at least one phase"));
            }
            phases
        }
        _ => return Err(ctx.err("load", "give exactly one of `rate` or `phases`")),
    };
    let tx_size = match raw.tx_size {
        None => 512,
        Some(n) if n > MAX_TX_SIZE => {
            return Err(ctx.err(
                "load.tx_size",
                format!("{n} bytes is more than the simulator's {MAX_TX_SIZE}"),
            ))
        }
        Some(n) if n > 0 => n as usize,
        Some(n) => {
            return Err(ctx.err(
                "load.tx_size",
                format!("{n} is not a positive number of bytes"),
            ))
        }
    };
    let share = |key: &str, value: Option<f64>| match value {
        None => Ok(0.0),
        Some(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Some(v) => Err(ctx.err(key, format!("{v} is not a share in [0, 1]"))),
    };
    let resubmit_after = match &raw.resubmit_after {
        None => DEFAULT_RESUBMIT_AFTER,
        Some(text) => match ctx.duration("load.resubmit_after", text)? {
            d if d.is_zero() => return Err(ctx.err("load.resubmit_after", "wait longer than 0s before resubmitting")),
            d => d,
        },
    };
    let spec = LoadSpec {
        phases,
        tx_size,
        mix: raw.mix.clone(),
        resubmit: share("load.resubmit", raw.resubmit)?,
        resubmit_after,
        duplicate: share("load.duplicate", raw.duplicate)?,
    };
    let offered = spec.offered(duration);
    if offered > MAX_OFFERED {
        let key = if raw.rate.is_some() {
            "load.rate"
        } else {
            "load.phases"
        };
        return Err(ctx.err(
            key,
            format!(
                "the run would offer {offered:.0} transactions, more than the simulator's {MAX_OFFERED}"
            ),
        ));
    }
    Ok(spec)
}

fn disk(ctx: &Ctx<'_>, raw: &RawDisk) -> Result<DiskSpec> {
    let default = DiskSpec::default();
    let spec = DiskSpec {
        lose_unsynced: raw.lose_unsynced.unwrap_or(default.lose_unsynced),
        torn_writes: raw.torn_writes.unwrap_or(default.torn_writes),
    };
    if spec.torn_writes && !spec.lose_unsynced {
        return Err(ctx.err(
            "disk.torn_writes",
            "torn writes need lose_unsynced = true (a crash that keeps every write tears none)",
        ));
    }
    Ok(spec)
}

fn cpu(ctx: &Ctx<'_>, raw: &RawCpu) -> Result<CpuSpec> {
    if !(1..=1024).contains(&raw.cores) {
        return Err(ctx.err("cpu.cores", format!("{} cores: between 1 and 1024", raw.cores)));
    }
    let scale = raw.scale.unwrap_or(1.0);
    if !(scale > 0.0 && scale <= 100.0) {
        return Err(ctx.err("cpu.scale", format!("{scale}: above 0 and at most 100")));
    }
    Ok(CpuSpec { cores: raw.cores as usize, shared: raw.shared.unwrap_or(false), scale })
}

/// A fault as parsed, before the timeline is walked (a network change is relative to
/// the link quality in force when it happens).
enum Parsed {
    Ready(FaultAction),
    Network(usize),
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Up,
    Crashed,
    Paused,
}

fn faults(
    ctx: &Ctx<'_>,
    raw: &[RawFault],
    duration: Duration,
    base: NetworkSpec,
) -> Result<Vec<Fault>> {
    let mut parsed = Vec::new();
    for (i, fault) in raw.iter().enumerate() {
        let key = format!("faults[{i}]");
        let at = ctx.duration(&format!("{key}.at"), &fault.at)?;
        if at > duration {
            return Err(ctx.err(
                &format!("{key}.at"),
                format!(
                    "{} is after the end of the run (duration = {})",
                    fault.at,
                    format_duration(duration)
                ),
            ));
        }
        parsed.push((i, at, action(ctx, i, fault)?));
    }
    parsed.sort_by_key(|(_, at, _)| *at);

    let copies = copies_of(ctx.size, &ctx.twins);
    let mut state: BTreeMap<NodeCopy, State> = copies.iter().map(|&c| (c, State::Up)).collect();
    let mut disk: BTreeMap<NodeCopy, DiskFaults> = BTreeMap::new();
    let (mut prover_up, mut store_up) = (true, true);
    let mut net = base;
    let mut out = Vec::new();
    for (i, at, parsed) in parsed {
        let key = format!("faults[{i}]");
        let action = match parsed {
            Parsed::Network(i) => {
                net = ctx.network(
                    &format!("{key}.network"),
                    raw[i].network.as_ref().expect("network fault"),
                    net,
                )?;
                FaultAction::Network(net)
            }
            Parsed::Ready(action) => action,
        };
        let mut transition = |verb: &str, copy: NodeCopy, from: &[State], to: State, rule: &str| {
            let now = state[&copy];
            if !from.contains(&now) {
                return Err(ctx.err(
                    &format!("{key}.{verb}"),
                    format!("cannot {verb} {copy} at {}: {rule}", format_duration(at)),
                ));
            }
            state.insert(copy, to);
            Ok(())
        };
        match &action {
            FaultAction::Crash(c) => transition(
                "crash",
                *c,
                &[State::Up, State::Paused],
                State::Crashed,
                "it is already crashed",
            )?,
            FaultAction::PowerCut(c) => transition(
                "power_cut",
                *c,
                &[State::Up],
                State::Crashed,
                "it is not running",
            )?,
            FaultAction::Restart(c) => transition(
                "restart",
                *c,
                &[State::Crashed],
                State::Up,
                "restart only after crash or power_cut",
            )?,
            FaultAction::Pause(c) => transition(
                "pause",
                *c,
                &[State::Up],
                State::Paused,
                "it is not running",
            )?,
            FaultAction::Resume(c) => transition(
                "resume",
                *c,
                &[State::Paused],
                State::Up,
                "resume only after pause",
            )?,
            FaultAction::Partition(groups) => {
                for copy in &copies {
                    if !groups.iter().flatten().any(|c| c == copy) {
                        return Err(ctx.err(
                            &format!("{key}.partition"),
                            format!("{copy} is in no group (every node copy must be in exactly one group)"),
                        ));
                    }
                }
            }
            FaultAction::DiskError(_) | FaultAction::DiskFull { .. } | FaultAction::DiskOk(_) => {
                disk_transition(ctx, &key, at, &action, &mut disk)?
            }
            FaultAction::CrashProver | FaultAction::RestartProver => {
                let crash = action == FaultAction::CrashProver;
                if prover_up != crash {
                    let (verb, rule) = if crash { ("crash", "it is already crashed") } else { ("restart", "restart only after crash") };
                    return Err(ctx.err(&format!("{key}.{verb}"), format!("cannot {verb} the prover at {}: {rule}", format_duration(at))));
                }
                prover_up = !crash;
            }
            FaultAction::StoreDown | FaultAction::StoreUp => {
                let down = action == FaultAction::StoreDown;
                if store_up != down {
                    let rule = if down { "it is already down" } else { "it is not down" };
                    return Err(ctx.err(&format!("{key}.store"), format!("cannot take the store {} at {}: {rule}", if down { "down" } else { "up" }, format_duration(at))));
                }
                store_up = !down;
            }
            _ => {}
        }
        out.push(Fault { at, action });
    }
    Ok(out)
}

/// The disk faults in force on one node copy.
#[derive(Default)]
struct DiskFaults {
    failing: bool,
    full: bool,
}

/// Checks a disk fault against those in force on its node: each is set once, and
/// `disk_ok` lifts them all.
fn disk_transition(
    ctx: &Ctx<'_>,
    key: &str,
    at: Duration,
    action: &FaultAction,
    disk: &mut BTreeMap<NodeCopy, DiskFaults>,
) -> Result<()> {
    let (verb, copy, rule) = match action {
        FaultAction::DiskError(c) => ("disk_error", *c, "it already fails (disk_ok first)"),
        FaultAction::DiskFull { node, .. } => ("disk_full", *node, "it is already full (disk_ok first)"),
        FaultAction::DiskOk(c) => ("disk_ok", *c, "disk_ok only after disk_error or disk_full"),
        _ => return Ok(()),
    };
    let faults = disk.entry(copy).or_default();
    let allowed = match action {
        FaultAction::DiskError(_) => !std::mem::replace(&mut faults.failing, true),
        FaultAction::DiskFull { .. } => !std::mem::replace(&mut faults.full, true),
        _ => {
            let lifted = std::mem::take(faults);
            lifted.failing || lifted.full
        }
    };
    if !allowed {
        return Err(ctx.err(
            &format!("{key}.{verb}"),
            format!("cannot {verb} on {copy}'s disk at {}: {rule}", format_duration(at)),
        ));
    }
    Ok(())
}

fn action(ctx: &Ctx<'_>, index: usize, fault: &RawFault) -> Result<Parsed> {
    let key = &format!("faults[{index}]");
    let present: Vec<&str> = [
        ("partition", fault.partition.is_some()),
        ("heal", fault.heal.is_some()),
        ("cut", fault.cut.is_some()),
        ("crash", fault.crash.is_some()),
        ("restart", fault.restart.is_some()),
        ("pause", fault.pause.is_some()),
        ("resume", fault.resume.is_some()),
        ("network", fault.network.is_some()),
        ("power_cut", fault.power_cut.is_some()),
        ("disk_error", fault.disk_error.is_some()),
        ("disk_full", fault.disk_full.is_some()),
        ("disk_ok", fault.disk_ok.is_some()),
        ("store", fault.store.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, set)| set.then_some(name))
    .collect();
    if present.len() != 1 {
        let found = if present.is_empty() {
            "none".to_string()
        } else {
            present.join(", ")
        };
        return Err(ctx.err(
            key,
            format!("give exactly one action (partition, heal, cut, crash, restart, pause, resume, network, power_cut, disk_error, disk_full, disk_ok, store); found {found}"),
        ));
    }
    let one = |verb: &str, name: &Option<String>| {
        ctx.copy(
            &format!("{key}.{verb}"),
            name.as_deref().unwrap_or_default(),
        )
    };
    let action = match present[0] {
        "partition" => {
            let key = format!("{key}.partition");
            let groups = ctx.groups(&key, fault.partition.as_ref().expect("present"))?;
            if groups.len() < 2 {
                return Err(ctx.err(&key, "a partition needs at least two groups"));
            }
            FaultAction::Partition(groups)
        }
        "heal" => {
            if fault.heal != Some(true) {
                return Err(ctx.err(
                    &format!("{key}.heal"),
                    "write `heal = true` (or leave the fault out)",
                ));
            }
            FaultAction::Heal
        }
        "cut" => {
            let cut = fault.cut.as_ref().expect("present");
            let from = ctx.copy(&format!("{key}.cut.from"), &cut.from)?;
            let to = ctx.copy(&format!("{key}.cut.to"), &cut.to)?;
            if from == to {
                return Err(ctx.err(
                    &format!("{key}.cut.to"),
                    format!("a cut needs two different nodes, got {from} twice"),
                ));
            }
            FaultAction::Cut {
                from,
                to,
                both: cut.both,
            }
        }
        "crash" | "restart" if [&fault.crash, &fault.restart].contains(&&Some("prover".to_string())) => {
            if !ctx.prover {
                return Err(ctx.err(&format!("{key}.{}", present[0]), "there is no prover to fault: add a [prover] table"));
            }
            if present[0] == "crash" { FaultAction::CrashProver } else { FaultAction::RestartProver }
        }
        "crash" => FaultAction::Crash(one("crash", &fault.crash)?),
        "restart" => FaultAction::Restart(one("restart", &fault.restart)?),
        "store" => {
            let key = format!("{key}.store");
            if !ctx.prover {
                return Err(ctx.err(&key, "there is no store to fault: the object store comes with the [prover] table"));
            }
            match fault.store.as_deref() {
                Some("down") => FaultAction::StoreDown,
                Some("up") => FaultAction::StoreUp,
                other => return Err(ctx.err(&key, format!("{:?}: write \"down\" or \"up\"", other.unwrap_or_default()))),
            }
        }
        "pause" => FaultAction::Pause(one("pause", &fault.pause)?),
        "resume" => FaultAction::Resume(one("resume", &fault.resume)?),
        "power_cut" => FaultAction::PowerCut(one("power_cut", &fault.power_cut)?),
        "disk_error" => FaultAction::DiskError(one("disk_error", &fault.disk_error)?),
        "disk_ok" => FaultAction::DiskOk(one("disk_ok", &fault.disk_ok)?),
        "disk_full" => {
            let full = fault.disk_full.as_ref().expect("present");
            let key = format!("{key}.disk_full");
            FaultAction::DiskFull {
                node: ctx.copy(&format!("{key}.node"), &full.node)?,
                free: parse_size(&full.free).map_err(|m| ctx.err(&format!("{key}.free"), m))?,
            }
        }
        _ => return Ok(Parsed::Network(index)),
    };
    Ok(Parsed::Ready(action))
}
