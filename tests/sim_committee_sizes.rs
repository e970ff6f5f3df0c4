//! Safety and liveness for committees of every shape, not only N = 3f + 1: for N = 4, 5,
//! 6, 7 and 10, a partition that leaves exactly a quorum (N - f) on one side, and f
//! crashed nodes. Plus the 6-node 3 | 3 split that once committed conflicting blocks.
#![cfg(madsim)]

use kraken::testbed::Kraken;
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{self, RunOutcome};
use std::sync::Arc;

const SIZES: [usize; 5] = [4, 5, 6, 7, 10];

fn play(text: &str, name: &str) -> RunOutcome {
    let s = Scenario::from_str(text, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    world::run(&s, s.seed, Arc::new(Kraken::new(&s).unwrap()))
}

fn names(range: std::ops::Range<usize>) -> String {
    range.map(|i| format!("\"n{i}\"")).collect::<Vec<_>>().join(", ")
}

fn header(n: usize, duration: &str) -> String {
    format!(
        "[scenario]\nseed = 3\nduration = \"{duration}\"\n[committee]\nsize = {n}\n\
         [network]\nlatency = {{ min = \"5ms\", max = \"30ms\" }}\n[load]\nrate = 100\n\
         [checks]\nliveness_within = \"8s\"\n"
    )
}

fn f(n: usize) -> usize {
    (n - 1) / 3
}

/// The first N - f nodes on one side, the other f on the other, for 12 s; the quorum side
/// must keep committing during the split, and everyone after the heal. (Long enough for
/// N = 10: its rounds led by the three cut-off nodes time out back to back, 1 + 2 + 4 s,
/// before a live leader makes progress again.)
#[test]
fn a_split_leaving_exactly_a_quorum_on_one_side() {
    for n in SIZES {
        let q = n - f(n);
        let text = format!(
            "{}[[faults]]\nat = \"3s\"\npartition = [[{}], [{}]]\n[[faults]]\nat = \"15s\"\nheal = true\n",
            header(n, "24s"),
            names(0..q),
            names(q..n)
        );
        let o = play(&text, &format!("split-{n}"));
        assert!(o.passed(), "N = {n}, split {q} | {}: {:?}", n - q, o.failures());
        let during = o.events.iter().filter(|e| (3_500_000..15_000_000).contains(&e.t_us));
        let committed_during = during.filter(|e| matches!(e.kind, kraken_sim::events::EventKind::BlockCommitted { .. })).count();
        assert!(committed_during > 0, "N = {n}: the quorum side of {q} committed nothing during the split");
    }
}

/// f nodes crash and stay down: the other N - f form exactly a quorum and must go on.
#[test]
fn f_crashed_nodes() {
    for n in SIZES {
        let crashes: String = (n - f(n)..n).map(|i| format!("[[faults]]\nat = \"3s\"\ncrash = \"n{i}\"\n")).collect();
        let o = play(&format!("{}{crashes}", header(n, "14s")), &format!("crash-{n}"));
        assert!(o.passed(), "N = {n} with {} crashed: {:?}", f(n), o.failures());
    }
}

/// The report that opened the committee-size issue: with a quorum of 2f + 1 = 3, each
/// half of a 3 | 3 split committed its own block at the same height.
#[test]
fn six_nodes_split_three_three_stay_safe() {
    let s = Scenario::from_file("scenarios/split-6.toml").unwrap();
    let o = world::run(&s, s.seed, Arc::new(Kraken::new(&s).unwrap()));
    assert!(o.passed(), "{:?}", o.failures());
}
