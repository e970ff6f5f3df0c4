//! Sweeps over worker processes, with `sh` scripts standing in for the workers: seeds go
//! out and come back, a worker that dies or babbles loses its seed alone and is replaced,
//! and a spent time budget starts nothing more, in a pool or in this process.
#![cfg(madsim)]

use kraken_sim::scenario::Scenario;
use kraken_sim::sweep::{sweep_each, sweep_pool, Plan, Shard, SweepOutcome};
use kraken_sim::world::SimSystem;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

fn scenario() -> Scenario {
    Scenario::from_str(
        "[scenario]\nname = \"toy\"\nduration = \"1s\"\n",
        "tests/toy.toml",
    )
    .unwrap()
}

/// A worker that says it is ready, then answers every seed with a passing result whose
/// history names the worker's pid; `before` runs first with `$seed` set.
fn worker(before: &str) -> String {
    format!(
        r#"echo ready
while read seed; do {before}
sleep 0.05
echo "{{\"seed\":$seed,\"failures\":[],\"history_hash\":\"pid$$\",\"committed\":1,\"wall_time\":{{\"secs\":0,\"nanos\":0}}}}"
done"#
    )
}

fn try_pool(plan: &Plan, jobs: usize, script: &str) -> (std::io::Result<SweepOutcome>, usize) {
    try_pool_retiring(plan, jobs, 1_000, script)
}

fn try_pool_retiring(plan: &Plan, jobs: usize, retire_after: usize, script: &str) -> (std::io::Result<SweepOutcome>, usize) {
    let mut started = 0;
    let outcome = sweep_pool(&scenario(), plan, jobs, retire_after, || {
        started += 1;
        let mut sh = Command::new("sh");
        sh.arg("-c").arg(script);
        sh
    });
    (outcome, started)
}

fn pool(plan: &Plan, jobs: usize, script: &str) -> (SweepOutcome, usize) {
    let (outcome, started) = try_pool(plan, jobs, script);
    (outcome.unwrap(), started)
}

fn seeds(o: &SweepOutcome) -> Vec<u64> {
    o.results.iter().map(|r| r.seed).collect()
}

#[test]
fn seeds_spread_over_workers_and_come_back_in_order() {
    let (o, started) = pool(&Plan::all(0..12), 3, &worker(""));
    assert!(o.passed(), "{}", o.render());
    assert_eq!(seeds(&o), (0..12).collect::<Vec<_>>());
    assert_eq!(started, 3);
    // Every worker got seeds: three pids among the histories.
    assert!(
        o.render()
            .contains("12 seeds, 12 passed, 0 failed, 3 distinct histories"),
        "{}",
        o.render()
    );
}

#[test]
fn workers_retire_after_their_seeds_and_fresh_ones_go_on() {
    let (o, started) = try_pool_retiring(&Plan::all(0..12), 2, 3, &worker(""));
    let o = o.unwrap();
    assert!(o.passed(), "{}", o.render());
    assert_eq!(seeds(&o), (0..12).collect::<Vec<_>>());
    assert_eq!(started, 4, "12 seeds, 3 a worker");
    assert!(o.render().contains("12 seeds, 12 passed, 0 failed, 4 distinct histories"), "{}", o.render());
}

#[test]
fn a_worker_that_dies_loses_its_seed_alone_and_is_replaced() {
    let (o, started) = pool(
        &Plan::all(0..8),
        2,
        &worker(r#"[ "$seed" = 3 ] && kill -9 $$"#),
    );
    assert_eq!(seeds(&o), (0..8).collect::<Vec<_>>());
    let failed: Vec<u64> = o.failed().iter().map(|r| r.seed).collect();
    assert_eq!(failed, [3]);
    let verdict = &o.failed()[0].failures[0];
    assert_eq!(verdict.checker, "worker");
    assert!(
        verdict.detail.contains("died running this seed (signal: 9"),
        "{}",
        verdict.detail
    );
    assert_eq!(started, 3, "one replacement");
}

#[test]
fn a_worker_that_answers_garbage_loses_its_seed() {
    let (o, _) = pool(
        &Plan::all(0..5),
        2,
        &worker(r#"[ "$seed" = 2 ] && echo oops && continue"#),
    );
    assert_eq!(seeds(&o), (0..5).collect::<Vec<_>>());
    let failed = o.failed();
    assert_eq!(failed.len(), 1, "{}", o.render());
    assert_eq!(failed[0].seed, 2);
    assert!(
        failed[0].failures[0]
            .detail
            .contains(r#"answered "oops" instead"#),
        "{}",
        o.render()
    );
}

#[test]
fn a_worker_that_cannot_start_stops_the_sweep() {
    let (outcome, started) = try_pool(&Plan::all(0..50), 2, "echo 'bad [node] table' >&2; exit 2");
    let err = outcome.expect_err("the sweep fails");
    assert!(
        err.to_string()
            .contains("exited before it was ready (exit status: 2)"),
        "{err}"
    );
    assert_eq!(started, 2, "no worker is started after one failed to start");
}

#[test]
fn a_pool_runs_its_shard_only() {
    let plan = Plan {
        shard: Some(Shard { index: 1, count: 3 }),
        ..Plan::all(0..10)
    };
    let (o, _) = pool(&plan, 2, &worker(""));
    assert_eq!(seeds(&o), [1, 4, 7]);
}

#[test]
fn a_spent_budget_starts_nothing() {
    let plan = Plan {
        budget: Some(Duration::ZERO),
        ..Plan::all(5..9)
    };
    let (o, started) = pool(&plan, 2, &worker(""));
    assert_eq!((o.results.len(), started), (0, 0));
    assert_eq!(o.not_run, [5, 6, 7, 8]);
    assert!(o.passed());
    assert!(
        o.render()
            .contains("4 seeds not run (time budget 0s spent): 5..9"),
        "{}",
        o.render()
    );

    let no_system = |_| -> Arc<dyn SimSystem> { unreachable!("the budget is spent") };
    let o = sweep_each(&scenario(), &plan, no_system, |_| {});
    assert_eq!(o.not_run, [5, 6, 7, 8]);
}

#[test]
fn the_budget_stops_new_seeds_and_lists_the_rest() {
    // Each seed takes 0.3 s on one worker; a 0.5 s budget lets two start at most.
    let plan = Plan {
        budget: Some(Duration::from_millis(500)),
        ..Plan::all(0..6)
    };
    let (o, _) = pool(&plan, 1, &worker("sleep 0.25"));
    let ran = seeds(&o);
    assert!(!ran.is_empty() && ran.len() <= 2, "{ran:?}");
    assert_eq!(o.not_run, (ran.len() as u64..6).collect::<Vec<_>>());
}
