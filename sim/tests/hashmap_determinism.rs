//! A run's history depends only on its seed, even when the system iterates std
//! `HashMap`s and other runs (or `HashMap`s) came before it in the same thread.
//!
//! madsim seeds std's `RandomState` only in a thread that has not made one yet, so the
//! world runs every simulation in a fresh thread.
#![cfg(madsim)]

use futures::future::LocalBoxFuture;
use kraken_sim::events::EventKind;
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{run, ClientEnv, NodeEnv, SimSystem};
use std::collections::HashMap;
use std::sync::Arc;

/// Records the iteration order of a fresh `HashMap`.
struct HashOrder;

impl SimSystem for HashOrder {
    fn node_main(&self, env: NodeEnv) -> LocalBoxFuture<'static, ()> {
        Box::pin(async move {
            let map: HashMap<u32, ()> = (0..32).map(|k| (k, ())).collect();
            let order: Vec<u32> = map.keys().copied().collect();
            env.events.record(
                &env.name,
                EventKind::Note {
                    what: "order".into(),
                    detail: serde_json::json!(order),
                },
            );
        })
    }

    fn client_main(&self, _env: ClientEnv) -> LocalBoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

fn hash(seed: u64) -> String {
    let s = Scenario::from_str("[scenario]\nduration = \"1s\"\n", "hash.toml").unwrap();
    run(&s, seed, Arc::new(HashOrder)).history_hash
}

#[test]
fn history_depends_on_seed_alone() {
    // This thread has made RandomStates already (the map below, and the test harness).
    let warm: HashMap<u8, u8> = HashMap::new();
    drop(warm);
    let alone = hash(1);
    let _ = hash(2);
    let _ = hash(3);
    assert_eq!(
        hash(1),
        alone,
        "seed 1 after other runs differs from seed 1 alone"
    );
    assert_ne!(hash(2), alone);
}
