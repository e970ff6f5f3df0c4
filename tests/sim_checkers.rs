//! Each checker catches a deliberately broken run, and passes the same run unbroken.
//! The bugs are switched on by test-only node parameters (see their doc comments).
#![cfg(madsim)]

use kraken::testbed::Kraken;
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{self, RunOutcome};
use std::sync::Arc;

fn play(scenario: &Scenario, seed: u64) -> RunOutcome {
    world::run(scenario, seed, Arc::new(Kraken::new(&scenario).expect("valid [node] table")))
}

fn verdict<'a>(o: &'a RunOutcome, checker: &str) -> &'a kraken_sim::checkers::Verdict {
    o.verdicts.iter().find(|v| v.checker == checker).unwrap_or_else(|| panic!("no {checker} verdict"))
}

fn with_node_switch(mut s: Scenario, table: &str, key: &str) -> Scenario {
    let section = s.node.entry(table).or_insert_with(|| toml::Value::Table(Default::default()));
    // (tables already present keep their other keys)
    section.as_table_mut().unwrap().insert(key.into(), toml::Value::Boolean(true));
    s
}

#[test]
fn safety_catches_one_chain_commits_under_twins() {
    let twins = Scenario::from_file("scenarios/twins.toml").unwrap();
    let broken = with_node_switch(twins.clone(), "consensus", "unsafe_one_chain_commit");
    let failing = (1..6).find(|&seed| !verdict(&play(&broken, seed), "safety").passed);
    let seed = failing.expect("the 1-chain commit bug went unnoticed by the safety checker on seeds 1..6");
    let honest = play(&twins, seed);
    assert!(honest.passed(), "the unbroken twins run fails at seed {seed}: {:?}", honest.failures());
}

const CRASHES: &str = r#"
[scenario]
duration = "16s"
[network]
latency = { min = "5ms", max = "40ms" }
[load]
rate = 300
[[faults]]
at = "4s"
crash = "n2"
[[faults]]
at = "8s"
restart = "n2"
[checks]
liveness_within = "5s"
[node.mempool]
batch_delay_ms = 200   # a wide window between a transaction's arrival and its batch
"#;

#[test]
fn no_lost_tx_catches_acks_before_persistence() {
    let healthy = Scenario::from_str(CRASHES, "crashes").unwrap();
    let broken = with_node_switch(healthy.clone(), "mempool", "unsafe_ack_before_persist");
    let o = play(&broken, 1);
    assert!(!verdict(&o, "no-lost-tx").passed, "acks before persistence lost nothing?");
    assert!(verdict(&o, "safety").passed);
    let o = play(&healthy, 1);
    assert!(o.passed(), "{:?}", o.failures());
}

#[test]
fn liveness_catches_more_than_f_crashes() {
    // A harmless last fault (a cut to the dead n3) a second later starts the liveness
    // window once the votes in flight at the crash have landed: a commit they complete
    // is not progress.
    let text = format!("{}[[faults]]\nat = \"9s\"\ncut = {{ from = \"n0\", to = \"n3\" }}\n", CRASHES.replace("restart = \"n2\"", "crash = \"n3\""));
    let o = play(&Scenario::from_str(&text, "too-many-crashes").unwrap(), 1);
    assert!(!verdict(&o, "liveness").passed, "two of four nodes down, yet liveness passed");
    assert!(verdict(&o, "safety").passed);
}

#[test]
fn shrinking_keeps_the_safety_failure_with_fewer_faults_and_replays_it() {
    use kraken_sim::shrink::{shrink, Budget};
    let twins = std::fs::read_to_string("scenarios/twins.toml").unwrap();
    let text = twins.replace("[node.consensus]\n", "[node.consensus]\nunsafe_one_chain_commit = true\n");
    assert_ne!(text, twins, "twins.toml has a [node.consensus] table to switch the bug on in");
    let broken = Scenario::from_str(&text, "twins-broken").unwrap();
    let seed = (1..6).find(|&seed| !verdict(&play(&broken, seed), "safety").passed).expect("a failing seed in 1..6");
    let system = |s: &Scenario| Kraken::new(s).map(|k| Arc::new(k) as Arc<dyn kraken_sim::world::SimSystem>).map_err(|e| e.to_string());
    let budget = Budget { runs: 16, time: std::time::Duration::from_secs(600) };
    let shrunk = shrink(&text, "twins-broken", seed, &system, budget, &mut |_| {}).unwrap();
    assert_eq!(shrunk.checker, "safety");
    let smaller = Scenario::from_str(&shrunk.text, "shrunk").unwrap();
    assert!(!shrunk.kept.is_empty() && smaller.faults.len() < broken.faults.len(), "nothing shrunk: {:?}", shrunk.kept);
    assert!(!verdict(&play(&smaller, seed), "safety").passed, "the shrunk scenario no longer fails:\n{}", shrunk.text);
}
