//! The shipped scenarios pass under their own seeds, runs replay exactly from a seed, and
//! a crashed node recovers from its disk.
#![cfg(madsim)]

use kraken::testbed::Kraken;
use kraken_sim::events::EventKind;
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{self, RunOutcome};
use std::sync::Arc;

/// Plays a scenario's text (named `path` in errors) under its own seed; it must pass.
fn play_passing(text: &str, path: &str) -> RunOutcome {
    let s = Scenario::from_str(text, path).unwrap();
    let o = world::run(&s, s.seed, Arc::new(Kraken::new(&s).unwrap()));
    assert!(o.passed(), "{path} failed: {:?}", o.failures());
    o
}

/// A shipped scenario passes under its own seed and commits something.
fn assert_passes(path: &str) -> RunOutcome {
    let o = play_passing(&std::fs::read_to_string(path).unwrap(), path);
    assert!(o.metrics.summary.committed > 0, "{path} committed nothing");
    o
}

#[test]
fn healthy_passes() {
    assert_passes("scenarios/healthy.toml");
}

#[test]
fn partition_passes() {
    assert_passes("scenarios/partition.toml");
}

#[test]
fn twins_passes() {
    assert_passes("scenarios/twins.toml");
}

#[test]
fn twins_reputation_passes() {
    assert_passes("scenarios/twins-reputation.toml");
}

/// One of four nodes down for 30 s, crashed then cut off: under reputation the chain
/// commits what is offered, with no gap longer than two round timeouts; under
/// round-robin (the same run otherwise) every fourth round times out.
#[test]
fn a_node_down_costs_one_timeout_under_reputation_and_every_fourth_round_under_round_robin() {
    let text = std::fs::read_to_string("scenarios/leader-down.toml").unwrap();
    let figures = |text: &str| {
        let o = play_passing(text, "scenarios/leader-down.toml");
        let w = o.metrics.summary.under_faults.clone().expect("the scenario has faults");
        (w.committed_tps / w.offered_tps, o.metrics.summary.longest_commit_gap_ms.unwrap())
    };
    let (share, gap) = figures(&text);
    assert!(share >= 0.9 && gap <= 2_000.0, "reputation: {:.0}% of the offered load committed, longest gap {gap} ms", share * 100.0);
    let (share, gap) = figures(&text.replace("leader_election = \"reputation\"", "leader_election = \"round-robin\""));
    assert!(share < 0.9 && gap > 2_000.0, "round-robin: {:.0}% committed, longest gap {gap} ms", share * 100.0);
}

/// With `min_block_ms` a leader waits that long into its round before proposing: the
/// same load commits in a fraction of the blocks, each at least that far apart, and every
/// checker still passes.
#[test]
fn min_block_ms_gathers_the_load_into_fewer_blocks() {
    let text = std::fs::read_to_string("scenarios/healthy.toml").unwrap();
    let eager = play_passing(&text, "scenarios/healthy.toml").metrics.summary;
    let paced = play_passing(&format!("{text}\n[node.consensus]\nmin_block_ms = 200\n"), "scenarios/healthy.toml").metrics.summary;
    // 30 simulated seconds hold at most 150 rounds of 200 ms, one height each.
    assert!(paced.blocks <= 150, "{} heights in 30 s with 200 ms rounds at the least", paced.blocks);
    assert!(paced.blocks * 3 < eager.blocks, "paced {} heights, eager {}", paced.blocks, eager.blocks);
    assert!(paced.committed as f64 >= 0.97 * eager.committed as f64, "paced committed {}, eager {}", paced.committed, eager.committed);
}

/// A leader whose node lags in execution waits for it before proposing: on the
/// CPU-charged benchmark machine, past what it can execute, consensus commits far fewer
/// blocks than when it runs ahead, executes about as many transactions, and every checker
/// passes. (The real cluster executes more with it, `make bench-cluster`: the simulator's
/// cost model folds per-block costs into its per-transaction figure, so it sees no gain.)
#[test]
fn execution_backpressure_keeps_consensus_at_executions_pace() {
    let text = std::fs::read_to_string("scenarios/cluster-cpu.toml").unwrap();
    let text = text.replace("rate = 100", "rate = 400");
    let held = play_passing(&text, "scenarios/cluster-cpu.toml").metrics.summary;
    let ahead = play_passing(&format!("{text}\n[node.consensus]\nexecution_backpressure_blocks = 0\n"), "scenarios/cluster-cpu.toml")
        .metrics
        .summary;
    // Until execution first falls behind the two run alike: at 400 tx/s, past the
    // model's saturation (about 175), 64 heights against 102 in the 20 s.
    assert!(held.blocks * 3 < ahead.blocks * 2, "with backpressure {} heights, without {}", held.blocks, ahead.blocks);
    let executed = |s: &kraken_sim::metrics::Summary| s.execution.as_ref().expect("a Starknet run has execution figures").executed_tps;
    assert!(executed(&held) >= 0.9 * executed(&ahead), "executed {:.1} tx/s with backpressure, {:.1} without", executed(&held), executed(&ahead));
}

#[test]
fn lossy_passes() {
    assert_passes("scenarios/lossy.toml");
}

#[test]
fn load_ramp_passes() {
    assert_passes("scenarios/load-ramp.toml");
}

#[test]
fn crash_restart_recovers_from_disk() {
    let o = assert_passes("scenarios/crash-restart.toml");
    // n2 crashes at 8s and restarts at 16s: it must resume above the height it had
    // reached, without re-committing anything (safety already checked agreement).
    let heights = |from_us: u64, to_us: u64| -> Vec<u64> {
        o.events
            .iter()
            .filter(|e| e.node == "n2" && e.t_us >= from_us && e.t_us < to_us)
            .filter_map(|e| match e.kind {
                EventKind::BlockCommitted { height, .. } => Some(height),
                _ => None,
            })
            .collect()
    };
    let before = heights(0, 8_000_000);
    let after = heights(16_000_000, u64::MAX);
    let last_before = *before.last().expect("n2 committed before crashing");
    assert!(!after.is_empty(), "n2 never committed after its restart");
    assert!(after[0] > last_before, "n2 re-committed height {} after restart (had {last_before})", after[0]);
    assert!(after.windows(2).all(|w| w[1] == w[0] + 1), "n2's commits after restart skip heights");
}

#[test]
fn same_seed_replays_identically_and_seeds_differ() {
    let text = std::fs::read_to_string("scenarios/healthy.toml").unwrap().replace("duration = \"30s\"", "duration = \"8s\"");
    let s = Scenario::from_str(&text, "healthy-short").unwrap();
    let run = |seed| world::run(&s, seed, Arc::new(Kraken::new(&s).unwrap()));
    let (a, b, c) = (run(5), run(5), run(6));
    assert_eq!(a.history_hash, b.history_hash, "same seed, different histories");
    assert_eq!(a.events, b.events);
    assert_ne!(a.history_hash, c.history_hash, "different seeds gave the same history");
    // Runs on other threads of the same process must not leak into a run (tokio's
    // select! once did, through its process-global RNG seed).
    let (s1, s2) = (s.clone(), s.clone());
    let t1 = std::thread::spawn(move || world::run(&s1, 5, Arc::new(Kraken::new(&s1).unwrap())));
    let t2 = std::thread::spawn(move || world::run(&s2, 6, Arc::new(Kraken::new(&s2).unwrap())));
    assert_eq!(t1.join().unwrap().history_hash, a.history_hash, "a concurrent run changed seed 5's history");
    assert_eq!(t2.join().unwrap().history_hash, c.history_hash, "a concurrent run changed seed 6's history");
}

/// Clients as clients are: a third of the transactions go to two nodes at once, a third
/// again to another node two seconds later, across a crash and a partition. Each is
/// committed once (no-lost-tx fails a transaction committed at two heights).
const HABITS: &str = r#"
[scenario]
duration = "20s"
[network]
latency = { min = "5ms", max = "40ms" }
[load]
rate = 100
duplicate = 0.3
resubmit = 0.3
resubmit_after = "2s"
[[faults]]
at = "4s"
crash = "n2"
[[faults]]
at = "6s"
restart = "n2"
[[faults]]
at = "8s"
partition = [["n0", "n1", "n2"], ["n3"]]
[[faults]]
at = "10s"
heal = true
[checks]
liveness_within = "8s"
"#;

#[test]
fn resubmitted_and_double_submitted_transactions_commit_once() {
    let s = Scenario::from_str(HABITS, "habits").unwrap();
    let o = world::run(&s, 3, Arc::new(Kraken::new(&s).unwrap()));
    assert!(o.passed(), "{:?}", o.failures());
    let mut sent: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for e in &o.events {
        if let EventKind::TxSubmitted { tx, to } = &e.kind {
            sent.entry(tx).or_default().push(to);
        }
    }
    let twice = sent.values().filter(|to| to.len() >= 2 && to[0] != to[1]).count();
    let planned = s.load.offered(s.duration) as usize;
    // About half: 0.3 + 0.3 - 0.09, less the resends due after the end.
    assert!(twice > planned * 2 / 5, "only {twice} of {planned} transactions went to a second node");
    assert!(sent.len() <= planned + 1, "{} distinct transactions for {planned} planned", sent.len());
}
