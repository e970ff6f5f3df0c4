//! The node on a failing disk: for each fault a real disk has (writes not synced lost at
//! a crash, a torn write, an I/O error, a full disk) the node loses no committed block
//! and no acknowledged transaction, or stops loudly. The checkers (safety, liveness of
//! the nodes up, no-lost-tx) judge every run; each test also checks what the node did.
#![cfg(madsim)]

use kraken::storage::{Store, Table};
use kraken::testbed::{Kraken, SimBackend};
use kraken_sim::disk::{CrashReport, SimDisk};
use kraken_sim::events::EventKind;
use kraken_sim::scenario::{DiskSpec, Scenario};
use kraken_sim::world::{self, RunOutcome};
use std::sync::{Arc, Mutex};

/// Load on four nodes; each test appends its `[disk]` table, faults and switches.
const BASE: &str = r#"
[scenario]
duration = "18s"
[network]
latency = { min = "5ms", max = "40ms" }
[load]
rate = 300
[checks]
liveness_within = "8s"
"#;

fn play(extra: &str, seed: u64) -> RunOutcome {
    let s = Scenario::from_str(&format!("{BASE}{extra}"), "disk-faults").unwrap();
    world::run(&s, seed, Arc::new(Kraken::new(&s).expect("valid [node] table")))
}

fn verdict(o: &RunOutcome, checker: &str) -> bool {
    o.verdicts.iter().find(|v| v.checker == checker).unwrap_or_else(|| panic!("no {checker} verdict")).passed
}

/// Heights `node` committed in `[from_s, to_s)` seconds.
fn heights(o: &RunOutcome, node: &str, from_s: f64, to_s: f64) -> Vec<u64> {
    let (from, to) = ((from_s * 1e6) as u64, (to_s * 1e6) as u64);
    o.events
        .iter()
        .filter(|e| e.node == node && (from..to).contains(&e.t_us))
        .filter_map(|e| match e.kind {
            EventKind::BlockCommitted { height, .. } => Some(height),
            _ => None,
        })
        .collect()
}

/// `node` resumed from its disk: after `from_s` it commits above everything it
/// committed before `before_s`.
fn assert_caught_up(o: &RunOutcome, node: &str, before_s: f64, from_s: f64) {
    let before = heights(o, node, 0.0, before_s).into_iter().max().expect("committed before");
    let after = heights(o, node, from_s, 1e9);
    assert!(after.iter().all(|h| *h > before), "{node} re-committed at or below {before}: {after:?}");
    assert!(after.len() > 10, "{node} did not catch up: {after:?}");
}

/// The notes `what` recorded for `node`, as `(t_us, detail)`.
fn notes<'a>(o: &'a RunOutcome, node: &'a str, what: &'a str) -> impl Iterator<Item = (u64, &'a serde_json::Value)> {
    o.events.iter().filter(move |e| e.node == node).filter_map(move |e| match &e.kind {
        EventKind::Note { what: w, detail } if w == what => Some((e.t_us, detail)),
        _ => None,
    })
}

/// The node stopped loudly: it noted why (naming `cause`) and exited, between `from_s`
/// and `to_s`, and committed nothing after until `restart_s`.
fn assert_halted(o: &RunOutcome, node: &str, cause: &str, from_s: f64, to_s: f64, restart_s: f64) {
    let (t_us, reason) = notes(o, node, "node halted").next().unwrap_or_else(|| panic!("{node} never halted"));
    let reason = reason.as_str().unwrap();
    assert!(reason.contains(cause), "{node} halted for another reason: {reason}");
    let t = t_us as f64 / 1e6;
    assert!((from_s..to_s).contains(&t), "{node} halted at {t}s");
    let exited = o.events.iter().any(|e| e.node == node && e.kind == EventKind::NodeExited && e.t_us >= t_us);
    assert!(exited, "{node} halted but did not exit");
    let after = heights(o, node, t + 0.001, restart_s);
    assert!(after.is_empty(), "{node} committed after halting: {after:?}");
}

#[test]
fn the_store_recovers_from_a_power_cut_in_any_commit() {
    // In a fresh thread under a seeded runtime: redb's write buffer is a HashMap, whose
    // order (and so which write a cut tears) must come from the seed.
    let run = || madsim::runtime::Runtime::with_seed_and_config(1, madsim::Config::default()).block_on(async { cut_commits(50) });
    let header_tears = std::thread::spawn(run).join().expect("no panic");
    // redb's header is at offset 0: a torn copy of it must be detected too.
    assert!(header_tears > 0, "no seed tore the header");
}

/// Cuts the power inside the 21st commit on disks seeded `0..seeds`, checks each store
/// reopens with exactly the first 20, and counts the cuts that tore redb's header.
fn cut_commits(seeds: u64) -> usize {
    let spec = DiskSpec { lose_unsynced: true, torn_writes: true };
    let mut torn_header = 0;
    for seed in 0..seeds {
        let disk = SimDisk::with_spec(spec, seed);
        let open = || Store::open_backend(SimBackend::new(disk.handle())).expect("the store opens");
        let store = open();
        for i in 0..20u64 {
            store.put(Table::Meta, &i.to_be_bytes(), &i).unwrap();
        }
        let cut: Arc<Mutex<Option<CrashReport>>> = Arc::default();
        let slot = cut.clone();
        disk.arm_power_cut(Box::new(move |lost| *slot.lock().unwrap() = Some(lost)));
        assert!(store.put(Table::Meta, b"cut", &seed).is_err(), "a cut commit fails");
        drop(store);
        let torn = cut.lock().unwrap().take().and_then(|lost| lost.torn).unwrap_or_else(|| panic!("seed {seed}: no torn write"));
        torn_header += usize::from(torn.offset == 0);
        // Every commit before the cut is there, the cut one is not, and the store works.
        let store = open();
        for i in 0..20u64 {
            assert_eq!(store.get::<u64>(Table::Meta, &i.to_be_bytes()).unwrap(), Some(i), "seed {seed}, torn {torn:?}");
        }
        assert_eq!(store.get::<u64>(Table::Meta, b"cut").unwrap(), None);
        store.put(Table::Meta, b"after", &seed).unwrap();
    }
    torn_header
}

#[test]
fn a_power_cut_mid_commit_loses_nothing_promised_and_the_node_catches_up() {
    let cut = "[disk]\ntorn_writes = true\n[[faults]]\nat = \"4s\"\npower_cut = \"n2\"\n[[faults]]\nat = \"7s\"\nrestart = \"n2\"\n";
    for seed in 1..=3 {
        let o = play(cut, seed);
        assert!(o.passed(), "seed {seed}: {:?}", o.failures());
        let (_, lost) = notes(&o, "n2", "disk crash").next().expect("the cut lost the commit in flight");
        assert!(lost["lost_writes"].as_u64().unwrap() > 0 && lost["torn"].is_object(), "seed {seed}: {lost}");
        assert!(notes(&o, "n2", "node halted").next().is_none(), "a power cut is a crash, not a halt");
        assert_caught_up(&o, "n2", 4.0, 7.0);
    }
}

/// Every node goes down at 5s (`how`: `crash`, or `power_cut` inside its next commit)
/// and restarts at 7s.
fn cluster_power_loss(how: &str) -> String {
    (0..4).map(|i| format!("[[faults]]\nat = \"5s\"\n{how} = \"n{i}\"\n[[faults]]\nat = \"7s\"\nrestart = \"n{i}\"\n")).collect()
}

#[test]
fn a_whole_cluster_power_loss_loses_nothing_promised() {
    let o = play(&format!("[disk]\ntorn_writes = true\n{}", cluster_power_loss("power_cut")), 1);
    assert!(o.passed(), "{:?}", o.failures());
    for node in ["n0", "n1", "n2", "n3"] {
        assert!(notes(&o, node, "disk crash").next().is_some(), "{node}'s cut lost nothing");
        assert_caught_up(&o, node, 5.0, 7.0);
    }
}

/// A whole-cluster power loss can take the peers' copies of a batch (the write in flight
/// at the cut); if its sealer then dies for good, only the copies it sent again when it
/// came back can get its acknowledged transactions ordered (all three seeds lost some
/// before the mempool re-sent its uncommitted batches on restart).
#[test]
fn a_batch_whose_sealer_dies_after_a_cluster_power_loss_is_still_ordered() {
    let faults = format!("[disk]\ntorn_writes = true\n{}[[faults]]\nat = \"7500ms\"\ncrash = \"n3\"\n", cluster_power_loss("power_cut"));
    for seed in 1..=3 {
        let o = play(&faults, seed);
        assert!(o.passed(), "seed {seed}: {:?}", o.failures());
    }
}

#[test]
fn no_lost_tx_catches_a_node_that_acks_before_syncing() {
    let broken = format!("{}[node.storage]\nunsafe_skip_sync = true\n", cluster_power_loss("crash"));
    let o = play(&broken, 1);
    assert!(!verdict(&o, "no-lost-tx"), "acks on unsynced writes lost nothing? {:?}", o.verdicts);
    // Every node forgot its chain too, and decided the same heights again differently.
    assert!(!verdict(&o, "safety"), "{:?}", o.verdicts);
    // The old disk, which made every write durable at once, hid the bug.
    let o = play(&format!("[disk]\nlose_unsynced = false\n{broken}"), 1);
    assert!(o.passed(), "{:?}", o.failures());
}

/// `fault` hits n1's disk at `at_s`: n1 must stop loudly, naming `cause`, before
/// `heal_s`. Then, as an operator would, n1 is crashed (a no-op: it is gone), its disk
/// healed, and a second later restarted: it must resume from its disk.
fn halts_then_resumes(fault: &str, cause: &str, at_s: u64, heal_s: u64) {
    let restart_s = heal_s + 1;
    let o = play(
        &format!(
            "[[faults]]\nat = \"{at_s}s\"\n{fault}\n[[faults]]\nat = \"{heal_s}s\"\ncrash = \"n1\"\n[[faults]]\nat = \"{heal_s}s\"\ndisk_ok = \"n1\"\n[[faults]]\nat = \"{restart_s}s\"\nrestart = \"n1\"\n"
        ),
        1,
    );
    assert!(o.passed(), "{:?}", o.failures());
    assert_halted(&o, "n1", cause, at_s as f64, heal_s as f64, restart_s as f64);
    assert_caught_up(&o, "n1", at_s as f64, restart_s as f64);
}

#[test]
fn an_io_error_stops_the_node_loudly_and_it_resumes_once_healed() {
    // Under load every node writes within milliseconds: the first write fails.
    halts_then_resumes("disk_error = \"n1\"", "injected disk error (EIO)", 4, 5);
}

#[test]
fn a_full_disk_stops_the_node_loudly_and_it_resumes_once_freed() {
    // redb grows its file in steps, seconds apart: the window covers one.
    halts_then_resumes("disk_full = { node = \"n1\", free = \"64KiB\" }", "disk full", 2, 9);
}

#[test]
fn the_shipped_disk_scenario_passes() {
    let s = Scenario::from_file("scenarios/disk-faults.toml").unwrap();
    let o = world::run(&s, s.seed, Arc::new(Kraken::new(&s).unwrap()));
    assert!(o.passed(), "{:?}", o.failures());
    assert_halted(&o, "n3", "disk full", 2.0, 7.0, 8.0);
    assert!(notes(&o, "n2", "disk crash").next().is_some(), "n2's power cut lost nothing");
    assert_halted(&o, "n1", "injected disk error (EIO)", 15.0, 18.0, 19.0);
    for (node, down_s, up_s) in [("n3", 2.0, 8.0), ("n2", 10.0, 13.0), ("n1", 15.0, 19.0)] {
        assert_caught_up(&o, node, down_s, up_s);
    }
}
