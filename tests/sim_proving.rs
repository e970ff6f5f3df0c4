//! The watcher-prover in the simulator: it proves the chain through its own crash, a store
//! outage and a partition, the same seed gives the same history (proofs included), and
//! the `proofs` checker catches a tampered proof, a proof of a forked block and a
//! skipped block (each switched on by a TEST ONLY `[prover]` parameter), and the block
//! certificates keep a lying node's forked blocks out of the store.
#![cfg(madsim)]

use kraken::testbed::Kraken;
use kraken_sim::checkers::Verdict;
use kraken_sim::events::EventKind;
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{self, RunOutcome};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A short run whose prover makes real proofs (with the fast test-only options).
const PROVING: &str = r#"
[scenario]
duration = "16s"
[network]
latency = { min = "5ms", max = "40ms" }
[load]
rate = 1
mix = { fib = 1, fact = 1, erc20 = 2 }
[node.consensus]
empty_block_ms = 3000
[node.mempool]
batch_delay_ms = 2000
[node.execution]
engine = "native"
genesis = { accounts = 16 }
[prover]
workers = 2
blocks_per_proof = 2
security = "test"
poll = "100ms"
[[faults]]
at = "4s"
crash = "prover"
[[faults]]
at = "5s"
restart = "prover"
[[faults]]
at = "6s"
store = "down"
[[faults]]
at = "8s"
store = "up"
[checks]
liveness_within = "5s"
"#;

fn scenario(extra: &str) -> Scenario {
    let text = PROVING.replace("poll = \"100ms\"", &format!("poll = \"100ms\"\n{extra}"));
    Scenario::from_str(&text, "proving-test").unwrap()
}

fn play(s: &Scenario, seed: u64) -> RunOutcome {
    world::run(s, seed, Arc::new(Kraken::new(s).unwrap()))
}

fn proofs(o: &RunOutcome) -> &Verdict {
    o.verdicts.iter().find(|v| v.checker == "proofs").expect("a proofs verdict")
}

fn stored(o: &RunOutcome) -> Vec<(u64, u64, Option<bool>)> {
    o.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ProofStored { first, last, verified, .. } => Some((*first, *last, *verified)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_prover_proves_through_its_crash_and_a_store_outage_and_replays_exactly() {
    let s = scenario("");
    let a = play(&s, 3);
    assert!(a.passed(), "{:?}", a.failures());
    let proofs_made = stored(&a);
    assert!(proofs_made.len() >= 3, "{proofs_made:?}");
    assert!(proofs_made.iter().all(|p| p.2 == Some(true)), "{proofs_made:?}");
    let summary = a.metrics.summary.proving.as_ref().expect("proof figures");
    assert!(summary.proved_height >= 6 && summary.p50_ms.is_some() && !summary.cost_model_only, "{summary:?}");
    let b = play(&s, 3);
    assert_eq!(a.history_hash, b.history_hash, "the same seed gave another history");
}

#[test]
fn the_cost_model_mode_makes_no_proof_and_says_so() {
    let s = scenario("mode = \"cost-model\"");
    let o = play(&s, 4);
    assert!(o.passed(), "{:?}", o.failures());
    assert!(stored(&o).iter().all(|p| p.2.is_none()), "{:?}", stored(&o));
    assert!(o.metrics.summary.proving.as_ref().unwrap().cost_model_only);
    let text = kraken_sim::summary::render(&s, &o, None);
    assert!(text.lines().next().unwrap().contains("cost model only"), "{text}");
}

#[test]
fn the_cost_scale_multiplies_the_time_each_proof_is_charged() {
    // The shortest time from a proof's start to its storing, per trace size, in simulated
    // microseconds (the shortest: a proof the crash and the store outage did not delay).
    let fastest = |extra: &str| -> BTreeMap<u64, u64> {
        let o = play(&scenario(&format!("mode = \"cost-model\"\n{extra}")), 4);
        assert!(o.passed(), "{extra}: {:?}", o.failures());
        let mut out = BTreeMap::new();
        for e in &o.events {
            if let EventKind::ProofStored { rows, started_us, .. } = &e.kind {
                let took = out.entry(*rows).or_insert(u64::MAX);
                *took = (*took).min(e.t_us - started_us);
            }
        }
        out
    };
    let (model, tripled) = (fastest(""), fastest("cost_scale = 3"));
    let both: Vec<_> = model.iter().filter_map(|(rows, m)| Some((rows, *m as f64, *tripled.get(rows)? as f64))).collect();
    assert!(!both.is_empty(), "no trace size proved in both runs: {model:?} vs {tripled:?}");
    for (rows, m, t) in both {
        assert!((2.9..=3.1).contains(&(t / m)), "{rows} rows: {t} us with cost_scale = 3, {m} us without");
    }
}

#[test]
fn the_proofs_checker_catches_a_tampered_proof() {
    let o = play(&scenario("unsafe_tamper_proofs = true"), 3);
    let v = proofs(&o);
    assert!(!v.passed && v.detail.contains("does not verify"), "{}", v.detail);
}

#[test]
fn the_proofs_checker_catches_a_proof_of_a_forked_block() {
    let o = play(&scenario("unsafe_prove_forked_blocks = true\nunsafe_trust_nodes = true"), 3);
    let v = proofs(&o);
    assert!(!v.passed && v.detail.contains("a proof of another chain"), "{}", v.detail);
}

#[test]
fn a_node_serving_forked_blocks_is_refused_by_the_certificates_and_the_chain_still_proved() {
    let o = play(&scenario("unsafe_prove_forked_blocks = true"), 3);
    assert!(o.passed(), "{:?}", o.failures());
    let refusals: Vec<_> = o.events.iter().filter(|e| matches!(&e.kind, EventKind::Note { what, .. } if what == "uncertified")).collect();
    assert!(!refusals.is_empty(), "the lying node n0 was never caught");
    let proved = stored(&o);
    assert!(proved.len() >= 3 && proved.iter().all(|p| p.2 == Some(true)), "{proved:?}");
}

#[test]
fn the_proofs_checker_catches_a_skipped_block() {
    let o = play(&scenario("unsafe_skip_block = 3"), 3);
    let v = proofs(&o);
    assert!(!v.passed && v.detail.contains("block 3 was executed but never proved"), "{}", v.detail);
}

#[test]
fn the_shipped_proving_scenarios_are_valid_and_a_bad_prover_table_is_named() {
    for file in ["scenarios/proving.toml", "scenarios/proving-overload.toml"] {
        let s = Scenario::from_file(file).unwrap();
        assert!(s.prover.is_some(), "{file}");
        Kraken::new(&s).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    for (extra, message) in [("workerz = 2", "unknown field `workerz`"), ("unsafe_skip_block = 0", "unsafe_skip_block: blocks start at 1"), ("mode = \"fast\"", "unknown variant `fast`"), ("cost_scale = 0.0", "cost_scale = 0: above 0")] {
        let e = Kraken::new(&scenario(extra)).err().expect("refused").to_string();
        assert!(e.contains("[prover]") && e.contains(message), "{extra}: {e}");
    }
}
