//! `[nemesis]`: its validation errors, and the schedules it draws: deterministic in the
//! seed, within its bounds, healed before the quiet period, and replayable as `[[faults]]`.

use super::tests::err;
use super::*;
use std::collections::BTreeSet;

/// Every kind at 6 faults a minute on five nodes over 60s, with a 15s quiet period.
const BASE: &str = r#"[scenario]
duration = "60s"
[committee]
size = 5
[network]
latency = { min = "5ms", max = "40ms" }
[checks]
liveness_within = "10s"
"#;

const NEMESIS: &str = r#"[nemesis]
start = "2s"
quiet = "15s"
length = { min = "500ms", max = "4s" }
rates = { split = 6, isolate = 6, cut = 6, crash = 6, bounce = 6, pause = 6, loss = 6, latency = 6, power_cut = 6, disk_error = 6, disk_full = 6 }
loss = 0.3
latency = { min = "100ms", max = "900ms" }
"#;

fn parse(text: &str) -> Scenario {
    Scenario::from_str(text, "scenarios/n.toml").unwrap()
}

fn nemesis(extra: &str) -> String {
    format!("{BASE}{NEMESIS}{extra}")
}

#[test]
fn parses_the_table_with_defaults() {
    let s = parse(&nemesis(""));
    let spec = s.nemesis.as_ref().unwrap();
    assert_eq!(spec.faulty, s.f());
    assert_eq!(spec.rates.len(), NemesisKind::ALL.len());
    assert_eq!(spec.quiet, Duration::from_secs(15));
    assert!(s.faults.is_empty(), "drawn per seed, not at parse time");
    let bare = parse(&format!("{BASE}[nemesis]\nrates = {{ crash = 1 }}\n"));
    let spec = bare.nemesis.unwrap();
    assert_eq!(spec.quiet, bare.checks.liveness_within);
    assert_eq!(spec.length, (Duration::from_secs(1), Duration::from_secs(5)));
    assert_eq!((spec.start, spec.loss), (Duration::ZERO, 0.2));
    let safety = parse(&format!("{BASE}safety_only = true\n[nemesis]\nrates = {{ crash = 1 }}\n"));
    assert_eq!(safety.nemesis.unwrap().faulty, 5, "unlimited: every node");
}

#[test]
fn rejects_bad_tables_naming_key_and_line() {
    let cases = [
        (nemesis("").replace("crash = 6", "crash = -1"), "scenarios/x.toml:13: nemesis.rates.crash: rate -1 is not"),
        (nemesis("").replace("crash = 6", "crash = nan"), "nemesis.rates.crash: rate NaN"),
        (nemesis("").replace("crash = 6", "crush = 6"), "nemesis.rates.crush: unknown fault kind"),
        (format!("{BASE}[nemesis]\nrates = {{ crash = 0 }}\n"), "nemesis.rates: give at least one kind"),
        (nemesis("faulty = 6\n"), "nemesis.faulty: 6 faulty nodes but the committee has 5"),
        (nemesis("faulty = 2\n"), "nemesis.faulty: 2 faulty nodes but a committee of 5 tolerates f = 1"),
        (nemesis("faulty = 0\n"), "nemesis.faulty: 0: at least 1"),
        (nemesis("").replace("quiet = \"15s\"", "quiet = \"70s\""), "scenarios/x.toml:11: nemesis.quiet: start 2s plus quiet period 70s leave no time"),
        (nemesis("").replace("quiet = \"15s\"", "quiet = \"5s\""), "nemesis.quiet: a quiet period of 5s is shorter than liveness_within = 10s"),
        (nemesis("").replace("min = \"500ms\"", "min = \"5s\""), "nemesis.length.min: min 5s is above max 4s"),
        (nemesis("").replace("min = \"500ms\"", "min = \"0s\""), "nemesis.length.min: a fault lasts at least 1ms"),
        (nemesis("").replace("loss = 0.3", "loss = 1.5"), "nemesis.loss: loss 1.5 is not in [0, 1)"),
        (nemesis("").replace("crash = 6", "crash = 1e9"), "nemesis.rates: the nemesis would draw about"),
        (nemesis("[[faults]]\nat = \"1s\"\ncrash = \"n1\"\n"), "nemesis: give either [nemesis] or [[faults]]"),
        (nemesis("[twins]\nnodes = [\"n1\"]\n"), "nemesis: [nemesis] does not fault Twins copies"),
    ];
    for (text, expected) in cases {
        let e = err(&text);
        assert!(e.contains(expected), "expected {expected:?} in: {e}");
    }
}

#[test]
fn same_seed_draws_the_same_schedule_and_seeds_differ() {
    let s = parse(&nemesis(""));
    let a = s.for_seed(3).faults;
    assert!(a.len() > 20, "{} faults", a.len());
    assert_eq!(a, s.for_seed(3).faults);
    assert_ne!(a, s.for_seed(4).faults);
    let schedules: BTreeSet<String> = (0..20).map(|seed| faults_toml(&s.for_seed(seed).faults)).collect();
    assert_eq!(schedules.len(), 20, "some seeds drew the same schedule");
    // The scenario's own seed does not enter: the run's seed alone draws.
    let other = parse(&nemesis("").replace("duration = \"60s\"", "seed = 99\nduration = \"60s\""));
    assert_eq!(other.for_seed(3).faults, a);
}

/// Node copies each fault makes faulty while in force, replayed from the timeline alone.
fn faulty_at_once(s: &Scenario) -> usize {
    let mut links: BTreeSet<NodeCopy> = BTreeSet::new();
    let mut nodes: BTreeSet<NodeCopy> = BTreeSet::new();
    let mut most = 0;
    let mut i = 0;
    while i < s.faults.len() {
        // Apply every entry at one instant, then count.
        let at = s.faults[i].at;
        while i < s.faults.len() && s.faults[i].at == at {
            match &s.faults[i].action {
                FaultAction::Partition(groups) => {
                    links = groups.iter().min_by_key(|g| g.len()).unwrap().iter().copied().collect();
                }
                FaultAction::Cut { from, .. } => {
                    links.insert(*from);
                }
                FaultAction::Heal => links.clear(),
                FaultAction::Crash(c) | FaultAction::PowerCut(c) | FaultAction::Pause(c) | FaultAction::DiskError(c) => {
                    nodes.insert(*c);
                }
                FaultAction::DiskFull { node, .. } => {
                    nodes.insert(*node);
                }
                FaultAction::Restart(c) | FaultAction::Resume(c) => {
                    nodes.remove(c);
                }
                FaultAction::Network(_) | FaultAction::DiskOk(_) => {}
                other => panic!("the nemesis drew {other}, which it never should"),
            }
            i += 1;
        }
        most = most.max(links.union(&nodes).count());
    }
    most
}

#[test]
fn schedules_keep_their_bounds_and_heal_before_the_quiet_period() {
    let bounded = parse(&nemesis(""));
    let unbounded = parse(&nemesis("").replace("[checks]", "[checks]\nsafety_only = true"));
    let mut most_unbounded = 0;
    for seed in 0..40 {
        for (s, bound) in [(&bounded, bounded.f()), (&unbounded, 5)] {
            let s = s.for_seed(seed);
            let spec = s.nemesis.as_ref().unwrap();
            let heal_by = s.duration - spec.quiet;
            assert!(s.faults.windows(2).all(|w| w[0].at <= w[1].at));
            assert!(s.faults.iter().all(|f| f.at > spec.start && f.at <= heal_by));
            assert!(s.fault_windows().iter().all(|w| w.end.is_some_and(|e| e <= heal_by)), "seed {seed}: a fault outlives the run");
            assert!(s.last_heal() + s.checks.liveness_within <= s.duration);
            let most = faulty_at_once(&s);
            assert!(most <= bound, "seed {seed}: {most} faulty at once, bound {bound}");
            if bound == 5 {
                most_unbounded = most_unbounded.max(most);
            }
        }
    }
    assert!(most_unbounded > 1, "a safety-only nemesis never went past f");
}

#[test]
fn a_drawn_schedule_pasted_as_faults_parses_back_to_itself() {
    let s = parse(&nemesis(""));
    for seed in 0..20 {
        let drawn = s.for_seed(seed).faults;
        let kinds: BTreeSet<String> = drawn.iter().map(|f| f.action.to_string().split(' ').next().unwrap().to_string()).collect();
        assert!(kinds.len() >= 8, "seed {seed} drew only {kinds:?}");
        let pasted = format!("{BASE}{}", faults_toml(&drawn));
        let replay = Scenario::from_str(&pasted, "scenarios/replay.toml").unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(replay.faults, drawn, "seed {seed}");
        assert_eq!(replay.for_seed(seed).faults, drawn, "without [nemesis] a seed draws nothing");
    }
}

#[test]
fn safety_only_drops_the_liveness_checkers() {
    let names = |s: &Scenario| -> Vec<String> {
        crate::checkers::builtin(s).iter().map(|c| c.name().to_string()).collect()
    };
    let s = parse(&nemesis("").replace("[checks]", "[checks]\nsafety_only = true\nmax_tx_latency = \"1s\""));
    assert_eq!(names(&s), ["safety", "no-lost-tx", "no-readmission"]);
    assert_eq!(names(&parse(&nemesis(""))), ["safety", "liveness", "no-lost-tx", "no-readmission"]);
}

#[test]
fn a_bounce_crashes_at_any_microsecond_and_restarts_at_once() {
    let s = parse(&format!("{BASE}[nemesis]\nrates = {{ bounce = 30 }}\n"));
    let mut off_the_millisecond = 0;
    for seed in 0..10 {
        let faults = s.for_seed(seed).faults;
        assert!(!faults.is_empty() && faults.len() % 2 == 0, "seed {seed}: {faults:?}");
        for pair in faults.chunks(2) {
            let (FaultAction::Crash(a), FaultAction::Restart(b)) = (&pair[0].action, &pair[1].action) else {
                panic!("seed {seed}: not a crash and its restart: {pair:?}");
            };
            assert_eq!((a, pair[0].at), (b, pair[1].at), "seed {seed}: back up at the same instant");
            off_the_millisecond += usize::from(pair[0].at.subsec_micros() % 1000 != 0);
        }
        let pasted = format!("{BASE}{}", faults_toml(&faults));
        assert_eq!(Scenario::from_str(&pasted, "scenarios/replay.toml").unwrap().faults, faults);
    }
    assert!(off_the_millisecond > 0, "every bounce fell on a whole millisecond");
}
