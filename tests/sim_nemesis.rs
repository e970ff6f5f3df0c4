//! `scenarios/nemesis.toml` under a few seeds: each draws another schedule of faults,
//! and the node keeps safety, liveness after the quiet period and every acknowledged
//! transaction under all of them.
#![cfg(madsim)]

use kraken::testbed::Kraken;
use kraken_sim::scenario::Scenario;
use kraken_sim::sweep::sweep;
use std::sync::Arc;

#[test]
fn nemesis_sweep_passes() {
    let s = Scenario::from_file("scenarios/nemesis.toml").unwrap();
    let outcome = sweep(&s, 1..4, |_| Arc::new(Kraken::new(&s).unwrap()));
    assert!(outcome.passed(), "{}", outcome.render());
    let schedules: Vec<_> = (1..4).map(|seed| s.for_seed(seed).faults).collect();
    assert!(schedules.iter().all(|f| f.len() >= 10), "{schedules:?}");
    assert!(schedules[0] != schedules[1] && schedules[1] != schedules[2]);
}
