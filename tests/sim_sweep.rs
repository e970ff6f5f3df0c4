//! `kraken sweep` end to end on a short healthy scenario: a seed gives the same history in
//! this process, in the sweep's own process, in worker processes and in a shard, and the
//! shards merge into one table; failing seeds exit non-zero with JUnit failures, also when
//! the time budget stops the sweep.
#![cfg(madsim)]

use kraken::testbed::Kraken;
use kraken_sim::scenario::Scenario;
use kraken_sim::sweep::SweepOutcome;
use kraken_sim::world;
use std::process::{Command, Output};
use std::sync::Arc;

/// `scenarios/healthy.toml` cut to 3 simulated seconds, plus `extra` TOML.
fn short_healthy(extra: &str) -> String {
    let text = std::fs::read_to_string("scenarios/healthy.toml").unwrap();
    let text = text.replace("duration = \"30s\"", "duration = \"3s\"");
    let text = text.replace("liveness_within = \"5s\"", "liveness_within = \"2s\"");
    assert!(text.contains("\"3s\"") && text.contains("\"2s\""), "healthy.toml changed shape");
    text + extra
}

fn kraken(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_kraken")).args(args).output().unwrap();
    eprintln!("kraken {args:?}:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    out
}

fn hashes(json: &str) -> Vec<(u64, String)> {
    let o: SweepOutcome = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    o.results.into_iter().map(|r| (r.seed, r.history_hash)).collect()
}

#[test]
fn a_seed_has_one_history_in_process_with_jobs_and_in_a_shard() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("short.toml");
    std::fs::write(&file, short_healthy("")).unwrap();
    let file = file.to_str().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();

    let scenario = Scenario::from_str(&short_healthy(""), "short").unwrap();
    let direct: Vec<(u64, String)> = (0..4)
        .map(|seed| {
            let o = world::run(&scenario, seed, Arc::new(Kraken::new(&scenario).unwrap()));
            assert!(o.passed(), "seed {seed}: {:?}", o.failures());
            (seed, o.history_hash)
        })
        .collect();

    let [one, jobs, shard0, shard1] = ["one-process.json", "jobs.json", "shards/0.json", "shards/1.json"].map(path);
    let sweeps = [
        vec!["--json", &one],
        vec!["--jobs", "2", "--json", &jobs],
        vec!["--shard", "0/2", "--jobs", "2", "--json", &shard0],
        vec!["--shard", "1/2", "--json", &shard1],
    ];
    for flags in &sweeps {
        let out = kraken(&[&["sweep", file, "--seeds", "0..4"], flags.as_slice()].concat());
        assert!(out.status.success());
    }
    assert_eq!(hashes(&one), direct);
    assert_eq!(hashes(&jobs), direct);
    assert_eq!(hashes(&shard0), [direct[0].clone(), direct[2].clone()]);
    assert_eq!(hashes(&shard1), [direct[1].clone(), direct[3].clone()]);

    let out = kraken(&["sweep-merge", &path("shards"), "--junit", &path("merged.xml")]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("PASS  sweep short ("), "{table}");
    assert!(table.contains(": 4 seeds, 4 passed, 0 failed, 4 distinct histories"), "{table}");
    let xml = std::fs::read_to_string(path("merged.xml")).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 4, "{xml}");
    assert!(xml.contains(&direct[3].1), "{xml}");
}

#[test]
fn failing_seeds_exit_non_zero_even_when_the_budget_stops_the_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("strict.toml");
    // No transaction commits within a microsecond: every seed fails tx-latency.
    std::fs::write(&file, short_healthy("max_tx_latency = \"1us\"\n")).unwrap();
    let file = file.to_str().unwrap();
    let junit = dir.path().join("strict.xml");

    let out = kraken(&["sweep", file, "--seeds", "5..7", "--jobs", "2", "--junit", junit.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("2 seeds, 0 passed, 2 failed"), "{table}");
    assert!(table.contains(&format!("replay: cargo run -- scenario {file} --seed 6")), "{table}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<failure message=\"failed: tx-latency\"").count(), 2, "{xml}");

    // A seed takes a few hundred milliseconds: the budget lets the first start, not all ten.
    let out = kraken(&["sweep", file, "--seeds", "0..10", "--time-budget", "200ms", "--junit", junit.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "the seeds that ran failed");
    let table = String::from_utf8(out.stdout).unwrap();
    let ran: usize = table.split(": ").nth(1).and_then(|s| s.split(' ').next()).unwrap().parse().unwrap();
    assert!((1..10).contains(&ran), "{table}");
    let not_run = 10 - ran;
    assert!(table.contains(&format!("{not_run} seeds not run (time budget 200ms spent): {ran}..10")), "{table}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<skipped ").count(), not_run, "{xml}");
}
