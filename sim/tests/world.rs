//! The madsim world, exercised with the toy system in `toy/`.
#![cfg(madsim)]

mod toy;

use kraken_sim::events::{Event, EventKind};
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{run, RunOutcome};
use std::sync::Arc;
use toy::Toy;

fn scenario(extra: &str) -> Scenario {
    let text = format!(
        "[scenario]\nname = \"toy\"\nduration = \"10s\"\n[network]\nlatency = {{ min = \"1ms\", max = \"20ms\" }}\n[load]\nrate = 50\n[checks]\nliveness_within = \"2s\"\n{extra}"
    );
    Scenario::from_str(&text, "tests/toy.toml").unwrap()
}

fn run_toy(s: &Scenario, seed: u64) -> (RunOutcome, Arc<Toy>) {
    let toy = Arc::new(Toy::default());
    (run(s, seed, toy.clone()), toy)
}

fn commits_by(events: &[Event], node: &str, from_us: u64, to_us: u64) -> usize {
    events
        .iter()
        .filter(|e| e.node == node && e.t_us >= from_us && e.t_us < to_us)
        .filter(|e| matches!(e.kind, EventKind::BlockCommitted { .. }))
        .count()
}

/// The detail of the first note `what` that `node` recorded.
fn note(events: &[Event], node: &str, what: &str) -> serde_json::Value {
    events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Note { what: w, detail } if e.node == node && w == what => Some(detail.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{node} noted no {what:?}"))
}

/// A run's nodes go with it: madsim leaves pending tasks alive when `block_on` returns, so
/// the world must tear the run down, or a process playing many runs grows with each.
#[test]
fn a_finished_run_leaves_no_node_behind() {
    let (outcome, toy) = run_toy(&scenario(""), 1);
    assert!(outcome.passed(), "{:#?}", outcome.verdicts);
    assert_eq!(Arc::strong_count(&toy.in_nodes), 1, "node futures outlived their run");
}

#[test]
fn healthy_run_passes_and_is_deterministic() {
    let s = scenario("");
    let (a, _) = run_toy(&s, 1);
    assert!(a.passed(), "{:#?}", a.verdicts);
    assert_eq!(
        a.verdicts
            .iter()
            .map(|v| v.checker.as_str())
            .collect::<Vec<_>>(),
        ["safety", "liveness", "no-lost-tx", "no-readmission"]
    );
    assert!(a.metrics.summary.committed > 400, "{:?}", a.metrics.summary);
    assert!(a.sim_per_wall > 0.0);
    // Same seed, same history; a second runtime in the same thread works.
    let (b, _) = run_toy(&s, 1);
    assert_eq!(a.history_hash, b.history_hash);
    let (c, _) = run_toy(&s, 2);
    assert_ne!(a.history_hash, c.history_hash);
}

#[test]
fn partition_blocks_messages_until_heal() {
    let s = scenario("[[faults]]\nat = \"2s\"\npartition = [[\"n0\", \"n1\"], [\"n2\", \"n3\"]]\n[[faults]]\nat = \"5s\"\nheal = true\n");
    let (out, _) = run_toy(&s, 3);
    assert!(out.passed(), "{:#?}", out.verdicts);
    // Allow in-flight blocks (latency <= 20ms) to land just after the partition starts.
    assert!(commits_by(&out.events, "n1", 2_100_000, 5_000_000) > 20);
    assert_eq!(commits_by(&out.events, "n2", 2_100_000, 5_000_000), 0);
    assert_eq!(commits_by(&out.events, "n3", 2_100_000, 5_000_000), 0);
    assert!(commits_by(&out.events, "n2", 5_000_000, 6_000_000) > 0);
    let labels: Vec<_> = out
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::FaultStarted { label } => Some(format!("start {label} {}", e.t_us)),
            EventKind::FaultHealed { label } => Some(format!("heal {label} {}", e.t_us)),
            _ => None,
        })
        .collect();
    assert_eq!(
        labels,
        [
            "start partition n0,n1 | n2,n3 2000000",
            "heal partition n0,n1 | n2,n3 5000000"
        ]
    );
}

#[test]
fn cut_is_one_way() {
    let s = scenario("[[faults]]\nat = \"2s\"\ncut = { from = \"n0\", to = \"n3\" }\n[[faults]]\nat = \"4s\"\nheal = true\n");
    let (out, _) = run_toy(&s, 4);
    assert_eq!(commits_by(&out.events, "n3", 2_100_000, 4_000_000), 0);
    assert!(commits_by(&out.events, "n2", 2_100_000, 4_000_000) > 10);
    assert!(out.passed(), "{:#?}", out.verdicts);
}

#[test]
fn crash_restart_keeps_disk_and_fences_old_handles() {
    let s = scenario(
        "[[faults]]\nat = \"3s\"\ncrash = \"n2\"\n[[faults]]\nat = \"6s\"\nrestart = \"n2\"\n",
    );
    let (out, toy) = run_toy(&s, 5);
    assert!(out.passed(), "{:#?}", out.verdicts);
    assert_eq!(commits_by(&out.events, "n2", 3_000_001, 6_000_000), 0);
    // The restarted incarnation found the height it had stored before the crash.
    let recovered = note(&out.events, "n2", "recovered").as_u64().unwrap();
    assert!(recovered >= 25, "recovered height {recovered}");
    let starts: Vec<_> = out
        .events
        .iter()
        .filter(|e| e.node == "n2")
        .filter_map(|e| match e.kind {
            EventKind::NodeStarted { incarnation } => Some((incarnation, e.t_us)),
            _ => None,
        })
        .collect();
    assert_eq!(starts, [(0, 0), (1, 6_000_000)]);
    let handles = toy.handles.lock().unwrap();
    let n2 = &handles["n2"];
    assert_eq!(n2.len(), 2);
    assert!(
        n2[0].write(0, b"zombie").is_err(),
        "pre-crash handle must be fenced"
    );
    assert!(n2[1].sync().is_ok());
}

#[test]
fn a_crash_loses_what_was_not_synced() {
    let crash = "[[faults]]\nat = \"3s\"\ncrash = \"n2\"\n[[faults]]\nat = \"6s\"\nrestart = \"n2\"\n";
    let s = scenario(&format!("{crash}[node]\nskip_sync = true\n"));
    let (out, _) = run_toy(&s, 5);
    assert_eq!(note(&out.events, "n2", "recovered"), 0, "n2 never synced, so nothing survived");
    let lost = note(&out.events, "n2", "disk crash");
    assert!(lost["lost_writes"].as_u64().unwrap() > 0, "{lost}");
    // A disk that keeps unsynced writes (the old model) hides the missing syncs.
    let s = scenario(&format!("{crash}[disk]\nlose_unsynced = false\n[node]\nskip_sync = true\n"));
    let (out, _) = run_toy(&s, 5);
    assert!(note(&out.events, "n2", "recovered").as_u64().unwrap() >= 25);
}

#[test]
fn a_power_cut_crashes_the_node_inside_its_next_sync() {
    let s = scenario(
        "[disk]\ntorn_writes = true\n[[faults]]\nat = \"3s\"\npower_cut = \"n2\"\n[[faults]]\nat = \"6s\"\nrestart = \"n2\"\n",
    );
    let (out, _) = run_toy(&s, 5);
    assert!(out.passed(), "{:#?}", out.verdicts);
    let crashed = out
        .events
        .iter()
        .find(|e| e.node == "n2" && e.kind == EventKind::NodeCrashed)
        .expect("n2 crashed");
    assert!((3_000_000..3_200_000).contains(&crashed.t_us), "{crashed:?}");
    // The toy stores a block by truncating, writing the height, then the block id: the
    // cut sync loses all three and tears the id.
    let lost = note(&out.events, "n2", "disk crash");
    assert_eq!((lost["lost_writes"].as_u64(), lost["lost_resizes"].as_u64()), (Some(2), Some(1)), "{lost}");
    assert_eq!(lost["torn"]["offset"], 8, "{lost}");
    // The block whose store was cut is the last n2 committed; it restarts one below.
    let last = out
        .events
        .iter()
        .filter(|e| e.node == "n2" && e.t_us <= crashed.t_us)
        .filter_map(|e| match e.kind {
            EventKind::BlockCommitted { height, .. } => Some(height),
            _ => None,
        })
        .last()
        .unwrap();
    assert_eq!(note(&out.events, "n2", "recovered"), last - 1);
}

#[test]
fn disk_faults_fail_writes_until_disk_ok() {
    let s = scenario(
        "[[faults]]\nat = \"2s\"\ndisk_error = \"n1\"\n[[faults]]\nat = \"2s\"\ndisk_full = { node = \"n3\", free = \"0B\" }\n[[faults]]\nat = \"4s\"\ndisk_ok = \"n1\"\n",
    );
    let (out, toy) = run_toy(&s, 6);
    let labels: Vec<_> = out.windows.iter().map(|w| (w.label.as_str(), w.end.is_some())).collect();
    assert_eq!(labels, [("disk_error n1", true), ("disk_full n3 free=0B", false)]);
    let handles = toy.handles.lock().unwrap();
    handles["n1"][0].write(0, b"healed").unwrap();
    let full = handles["n3"][0].write(1 << 20, b"!").unwrap_err();
    assert_eq!(full.kind(), std::io::ErrorKind::StorageFull, "{full}");
}

#[test]
fn pause_stops_a_node_until_resume() {
    let s = scenario(
        "[[faults]]\nat = \"2s\"\npause = \"n1\"\n[[faults]]\nat = \"4s\"\nresume = \"n1\"\n",
    );
    let (out, _) = run_toy(&s, 6);
    assert_eq!(commits_by(&out.events, "n1", 2_000_001, 4_000_000), 0);
    assert!(commits_by(&out.events, "n1", 4_000_000, 5_000_000) > 0);
    assert!(out.passed(), "{:#?}", out.verdicts);
}

#[test]
fn twins_copy_runs_and_a_forking_twin_breaks_safety() {
    let honest = scenario("[twins]\nnodes = [\"n0\"]\n");
    let (out, toy) = run_toy(&honest, 7);
    assert!(out.passed(), "{:#?}", out.verdicts);
    assert!(toy.handles.lock().unwrap().contains_key("n0'"));
    assert!(commits_by(&out.events, "n0'", 0, 10_000_000) > 50);

    let forking = scenario("[twins]\nnodes = [\"n0\"]\n[node]\nfork_twin = true\n");
    let (out, _) = run_toy(&forking, 7);
    let safety = &out.verdicts[0];
    assert_eq!(safety.checker, "safety");
    assert!(
        !safety.passed && safety.detail.starts_with("conflicting commits at height 1"),
        "{safety:?}"
    );
}

#[test]
fn network_change_slows_blocks() {
    let s = scenario(
        "[[faults]]\nat = \"5s\"\nnetwork = { latency = { min = \"400ms\", max = \"500ms\" } }\n",
    );
    let (out, _) = run_toy(&s, 8);
    assert!(out.passed(), "{:#?}", out.verdicts);
    let first_after = out
        .events
        .iter()
        .find(|e| {
            e.node == "n1"
                && e.t_us > 5_050_000
                && matches!(e.kind, EventKind::BlockCommitted { .. })
        })
        .unwrap();
    assert!(first_after.t_us >= 5_400_000, "{first_after:?}");
}

#[test]
fn a_panic_is_a_failed_verdict_not_an_abort() {
    let s = scenario("[node]\npanic_at_height = 5\n");
    let (out, _) = run_toy(&s, 9);
    assert!(!out.passed());
    assert_eq!(out.verdicts[0].checker, "panic");
    assert!(
        out.verdicts[0]
            .detail
            .contains("toy sequencer told to panic"),
        "{:?}",
        out.verdicts[0]
    );
    assert!(!out.events.is_empty());
    // The thread's next runtime is unharmed by the unwound one.
    let (next, _) = run_toy(&scenario(""), 9);
    assert!(next.passed(), "{:#?}", next.verdicts);
}

#[test]
fn a_node_whose_main_returns_is_stopped_whole() {
    let s = scenario("[node]\nexit_at_height = 5\n");
    let (out, _) = run_toy(&s, 3);
    let exited = out.events.iter().find(|e| e.node == "n0" && e.kind == EventKind::NodeExited).expect("n0 exited");
    // The sequencer's block task outlived its main: the world had to kill it.
    let later = out.events.iter().filter(|e| e.node == "n0" && e.t_us > exited.t_us);
    assert_eq!(later.filter(|e| matches!(e.kind, EventKind::BlockCommitted { .. })).count(), 0, "n0 kept committing after it exited");
    let summary = kraken_sim::summary::render(&s, &out, None);
    assert!(summary.contains("stopped: n0 at") && summary.contains("(exiting: 5)"), "{summary}");
}

#[test]
fn sweep_runs_seeds_and_lists_failures() {
    use kraken_sim::sweep::sweep;
    let healthy = scenario("");
    let out = sweep(&healthy, 0..3, |_| Arc::new(Toy::default()));
    assert!(out.passed(), "{}", out.render());
    assert_eq!(
        out.results.iter().map(|r| r.seed).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert!(
        out.render()
            .contains("3 seeds, 3 passed, 0 failed, 3 distinct histories"),
        "{}",
        out.render()
    );

    let forking = scenario("[twins]\nnodes = [\"n0\"]\n[node]\nfork_twin = true\n");
    let out = sweep(&forking, 10..12, |_| Arc::new(Toy::default()));
    assert_eq!(out.failed().len(), 2);
    assert!(
        out.render()
            .contains("replay: cargo run -- scenario tests/toy.toml --seed 11"),
        "{}",
        out.render()
    );
}
