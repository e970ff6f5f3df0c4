//! Twins, systematically (`kraken twins`, `scenarios/twins-generated.toml`): the small
//! enumeration CI runs whole, the bug it exists to find, and the liveness bug it found.
#![cfg(madsim)]

use kraken::testbed::Kraken;
use kraken_sim::events::EventKind;
use kraken_sim::scenario::Scenario;
use kraken_sim::sweep;
use kraken_sim::world::{self, RunOutcome, SimSystem};
use std::sync::Arc;

fn system(scenario: &Scenario) -> Arc<dyn SimSystem> {
    Arc::new(Kraken::new(scenario).expect("valid [node] table"))
}

fn play(scenario: &Scenario, seed: u64) -> RunOutcome {
    world::run(scenario, seed, system(scenario))
}

fn generated() -> (Scenario, u64) {
    let scenario = Scenario::from_file("scenarios/twins-generated.toml").unwrap();
    let count = scenario.rounds.as_ref().and_then(|r| r.generator.as_ref()).and_then(|g| g.count()).unwrap();
    (scenario, count)
}

#[test]
fn every_schedule_of_the_small_enumeration_is_safe_and_live_under_either_election() {
    let (scenario, count) = generated();
    assert_eq!(count, 64, "n1 leads both rounds, 8 partitions keep n1 and n1' apart");
    for election in ["round-robin", "reputation"] {
        let mut scenario = scenario.clone();
        let consensus = scenario.node.get_mut("consensus").and_then(toml::Value::as_table_mut).expect("a [node.consensus] table");
        consensus.insert("leader_election".into(), toml::Value::String(election.into()));
        let outcome = sweep::sweep(&scenario, 0..count, |_| system(&scenario));
        assert!(outcome.passed(), "{election}: {}", outcome.render());
        assert_eq!(outcome.results.len() as u64, count);
    }
}

#[test]
fn the_enumeration_finds_one_chain_commits() {
    let (mut scenario, count) = generated();
    let consensus = scenario.node.entry("consensus").or_insert_with(|| toml::Value::Table(Default::default()));
    consensus.as_table_mut().unwrap().insert("unsafe_one_chain_commit".into(), toml::Value::Boolean(true));
    let found = (0..count).find(|&seed| play(&scenario, seed).failures().iter().any(|v| v.checker == "safety"));
    assert!(found.is_some(), "no schedule of {count} caught the 1-chain commit rule");
}

/// A schedule `generate = { rounds = 3, leaders = ["n0", "n1"], apart = true }` picked:
/// it leaves honest n0 in round 1 and honest n2, n3 in round 2 at the GST, with n2 and n3
/// holding the TC of round 1 and only two timeouts of round 2. Before timeouts carried
/// the TC of the round before, n0 ignored round 2's timeouts and n2, n3 waited for a
/// third: nobody committed after the GST.
const SPLIT_ROUNDS: &str = r#"
[scenario]
duration = "8s"
[network]
latency = { min = "5ms", max = "20ms" }
[load]
rate = 20
tx_size = 64
[twins]
nodes = ["n1"]
rounds = [
  { leader = "n0", partition = [["n0", "n1"], ["n2", "n3", "n1'"]] },
  { leader = "n0", partition = [["n0", "n1'"], ["n1", "n2", "n3"]] },
  { leader = "n0", partition = [["n0", "n3", "n1'"], ["n1", "n2"]] },
]
gst = "3s"
[checks]
liveness_within = "5s"
[node.consensus]
timeout_ms = 200
max_timeout_ms = 800
"#;

#[test]
fn honest_nodes_split_across_rounds_catch_up_from_a_timeouts_tc() {
    let scenario = Scenario::from_str(SPLIT_ROUNDS, "split-rounds").unwrap();
    let outcome = play(&scenario, 89);
    assert!(outcome.passed(), "{:?}", outcome.failures());
}

/// (height, round) of every copy's commits up to height `top`.
fn commits_up_to(outcome: &RunOutcome, top: u64) -> Vec<(u64, u64)> {
    outcome
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::BlockCommitted { height, round, .. } if *height <= top => Some((*height, *round)),
            _ => None,
        })
        .collect()
}

/// `scenarios/twins-commit-rule.toml` leaves two blocks at height 1, each with a certified
/// child from a later round than the next: the round-1 block (every member voted for it)
/// and a round-3 block on genesis and a TC. Under the 2-chain rule neither commits on
/// those children, and every copy commits the round-3 block once its chain grows a
/// consecutive pair. A rule that took any certified child would commit both (`make
/// mutants`, commit-any-2-chain: caught on every seed here). The check on round 3 keeps
/// the schedule honest: were the trap no longer laid, height 1 would be the round-1 block.
#[test]
fn two_branches_with_late_certified_children_commit_only_one() {
    let scenario = Scenario::from_file("scenarios/twins-commit-rule.toml").unwrap();
    for seed in 0..4 {
        let outcome = play(&scenario, seed);
        assert!(outcome.passed(), "seed {seed}: {:?}", outcome.failures());
        let at_height_1 = commits_up_to(&outcome, 1);
        assert_eq!(at_height_1.len(), 5, "seed {seed}: every copy commits height 1: {at_height_1:?}");
        assert!(at_height_1.iter().all(|&(_, round)| round == 3), "seed {seed}: {at_height_1:?}");
    }
}

/// `scenarios/twins-crash-after-vote.toml`: n3 crashes right after its round-4 vote and
/// restarts from its disk; after the GST the other twin copy offers it a different block
/// of round 4. A member whose vote left before its voting state was on disk would vote
/// again and be blamed by the round's aggregator (`make mutants`, no-persist-before-vote:
/// caught on every seed here); the real order refuses it. The commits keep the schedule
/// honest: height 1 is round 3's block, and the round-4 block n3 voted for before its
/// crash is never committed (height 2 comes from a later round).
#[test]
fn a_member_restarted_after_its_vote_does_not_vote_again_in_that_round() {
    let scenario = Scenario::from_file("scenarios/twins-crash-after-vote.toml").unwrap();
    for seed in 0..4 {
        let outcome = play(&scenario, seed);
        assert!(outcome.passed(), "seed {seed}: {:?}", outcome.failures());
        let rounds = commits_up_to(&outcome, 2);
        assert_eq!(rounds.len(), 10, "seed {seed}: every copy commits heights 1 and 2: {rounds:?}");
        assert!(rounds.iter().all(|&(height, round)| if height == 1 { round == 3 } else { round > 5 }), "seed {seed}: {rounds:?}");
    }
}
