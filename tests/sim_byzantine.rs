//! Byzantine strategies (`[byzantine]`, `src/testbed/byzantine/`): member n3 runs one
//! strategy on every message it can, signed with its own key; the three honest nodes
//! must stay safe and live, commit every transaction once, and refuse the messages that
//! must be refused for the reason honest code gives (the `byzantine-refused` checker).
#![cfg(madsim)]

use kraken::testbed::{Kraken, Strategy};
use kraken_sim::events::EventKind;
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{self, RunOutcome};
use std::sync::Arc;

const BYZANTINE: &str = "n3";

fn play(strategies: &[&str], seed: u64) -> RunOutcome {
    let list: Vec<String> = strategies.iter().map(|s| format!("{s:?}")).collect();
    let text = format!(
        "[scenario]\nduration = \"12s\"\nseed = {seed}\n\
         [network]\nlatency = {{ min = \"5ms\", max = \"40ms\" }}\n\
         [load]\nrate = 100\ntx_size = 128\n\
         [byzantine]\nnodes = [\"{BYZANTINE}\"]\nstrategies = [{}]\nrate = 1.0\n\
         [checks]\nliveness_within = \"5s\"\n",
        list.join(", ")
    );
    let scenario = Scenario::from_str(&text, "byzantine-test").unwrap();
    let outcome = world::run(&scenario, seed, Arc::new(Kraken::new(&scenario).unwrap()));
    assert!(outcome.passed(), "{strategies:?} broke a checker: {:?}", outcome.failures());
    outcome
}

/// How many times the byzantine member applied `strategy`.
fn acted(o: &RunOutcome, strategy: Strategy) -> usize {
    o.events
        .iter()
        .filter(|e| e.node == BYZANTINE)
        .filter(|e| matches!(&e.kind, EventKind::Note { what, detail } if what == "byzantine" && detail["strategy"] == strategy.name()))
        .count()
}

fn check(strategy: Strategy) {
    check_beside(strategy, &[]);
}

/// `strategy` played with `companions`, strategies that give it occasions to act.
fn check_beside(strategy: Strategy, companions: &[Strategy]) {
    let names: Vec<&str> = std::iter::once(strategy).chain(companions.iter().copied()).map(Strategy::name).collect();
    let o = play(&names, 1);
    assert!(acted(&o, strategy) > 0, "{} never acted", strategy.name());
    // The byzantine-refused checker judged the refusals.
    let refused = o.verdicts.iter().any(|v| v.checker == "byzantine-refused");
    assert_eq!(refused, strategy.refusal().is_some(), "{}: {:?}", strategy.name(), o.verdicts);
}

#[test]
fn certificates_one_signature_short_are_refused() {
    check(Strategy::ShortCertificates);
}

#[test]
fn certificates_with_a_signer_twice_are_refused() {
    check(Strategy::DuplicateSignatures);
}

#[test]
fn certificates_with_a_signature_from_another_certificate_are_refused() {
    check(Strategy::ForeignSignatures);
}

#[test]
fn proposals_out_of_turn_are_refused() {
    check(Strategy::OutOfTurnProposals);
}

#[test]
fn an_equivocating_leader_cannot_split_the_chain() {
    check(Strategy::Equivocation);
}

#[test]
fn a_leader_naming_batches_nobody_has_costs_only_its_rounds() {
    check(Strategy::PhantomBatches);
}

#[test]
fn votes_for_other_rounds_and_unknown_blocks_change_nothing() {
    check(Strategy::OffRoundVotes);
}

#[test]
fn timeouts_for_other_rounds_change_nothing() {
    // A healthy committee never times out: n3's phantom blocks make its rounds do.
    check_beside(Strategy::OffRoundTimeouts, &[Strategy::PhantomBatches]);
}

#[test]
fn replayed_messages_change_nothing() {
    check(Strategy::Replays);
}

#[test]
fn batches_repeating_transactions_commit_each_once() {
    check(Strategy::BatchCopies);
}

#[test]
fn blocks_below_the_qcs_a_tc_reports_are_refused() {
    // Only after a timeout does n3 lead a round holding a TC: the shipped scenario takes
    // n2 down under round-robin with short round timeouts, so n3 often follows n2.
    let o = play_file("scenarios/byzantine-timeouts.toml");
    assert!(acted(&o, Strategy::BelowReportedQc) > 0, "below-reported-qc never acted");
    assert!(o.verdicts.iter().any(|v| v.checker == "byzantine-refused" && v.passed), "{:?}", o.verdicts);
}

#[test]
fn every_strategy_at_once_on_the_shipped_scenarios() {
    let scenario = Scenario::from_file("scenarios/byzantine.toml").unwrap();
    let names: Vec<&str> = Strategy::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(scenario.byzantine.as_ref().unwrap().strategies, names, "byzantine.toml runs every strategy");
    // byzantine.toml's healthy committee never times out before n3's turn;
    // byzantine-timeouts.toml gives the strategies that need that their occasions.
    let runs = [play_file("scenarios/byzantine.toml"), play_file("scenarios/byzantine-timeouts.toml")];
    for strategy in Strategy::ALL {
        assert!(runs.iter().map(|o| acted(o, strategy)).sum::<usize>() > 0, "{} never acted", strategy.name());
    }
}

/// Plays a shipped scenario at its seed; every checker must pass.
fn play_file(path: &str) -> RunOutcome {
    let scenario = Scenario::from_file(path).unwrap();
    let o = world::run(&scenario, scenario.seed, Arc::new(Kraken::new(&scenario).unwrap()));
    assert!(o.passed(), "{path}: {:?}", o.failures());
    o
}

#[test]
fn unknown_strategies_are_named_with_the_known_ones() {
    let text = "[scenario]\nduration = \"5s\"\n[byzantine]\nnodes = [\"n3\"]\nstrategies = [\"flattery\"]\n";
    let scenario = Scenario::from_str(text, "t").unwrap();
    let err = Kraken::new(&scenario).err().expect("an unknown strategy is refused").to_string();
    assert!(err.contains("[byzantine] strategies: unknown strategy \"flattery\"") && err.contains("short-certificates"), "{err}");
}
