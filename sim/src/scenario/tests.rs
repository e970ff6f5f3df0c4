use super::*;

const FULL: &str = r#"
[scenario]
description = "every key"
seed = 7
duration = "60s"

[committee]
size = 4

[network]
latency = { min = "5ms", max = "40ms" }
loss = 0.01

[load]
phases = [ { at = "0s", rate = 100 }, { at = "20s", rate = 400 } ]
tx_size = 256
mix = { fib = 1, erc20 = 2 }

[twins]
nodes = ["n0"]

[disk]
lose_unsynced = true
torn_writes = true

[[faults]]
at = "30s"
heal = true

[[faults]]
at = "10s"
partition = [["n0", "n1"], ["n2", "n3", "n0'"]]

[[faults]]
at = "12s"
crash = "n2"

[[faults]]
at = "20s"
restart = "n2"

[[faults]]
at = "21s"
pause = "n1"

[[faults]]
at = "22s"
resume = "n1"

[[faults]]
at = "23s"
cut = { from = "n0", to = "n3", both = true }

[[faults]]
at = "25s"
network = { loss = 0.2 }

[[faults]]
at = "35s"
network = { loss = 0.01 }

[[faults]]
at = "36s"
power_cut = "n3"

[[faults]]
at = "44s"
restart = "n3"

[[faults]]
at = "37s"
disk_error = "n1"

[[faults]]
at = "38s"
disk_full = { node = "n2", free = "64KiB" }

[[faults]]
at = "40s"
disk_ok = "n1"

[checks]
liveness_within = "15s"
max_tx_latency = "5s"

[node]
view_timeout = "1s"
"#;

/// The error `text` is refused with, as printed (origin `scenarios/x.toml`).
pub(super) fn err(text: &str) -> String {
    Scenario::from_str(text, "scenarios/x.toml")
        .unwrap_err()
        .to_string()
}

fn with_faults(faults: &str) -> String {
    format!("[scenario]\nduration = \"60s\"\n{faults}")
}

#[test]
fn parses_every_key() {
    let s = Scenario::from_str(FULL, "scenarios/full.toml").unwrap();
    assert_eq!(s.name, "full");
    assert_eq!(s.seed, 7);
    assert_eq!(s.duration, Duration::from_secs(60));
    assert_eq!(s.committee_size, 4);
    assert_eq!(s.f(), 1);
    assert_eq!(
        s.network.latency,
        Latency {
            min: Duration::from_millis(5),
            max: Duration::from_millis(40)
        }
    );
    assert_eq!(s.load.phases.len(), 2);
    assert_eq!(s.load.tx_size, 256);
    assert_eq!(s.load.mix["erc20"], 2);
    assert_eq!(s.twins, vec![0]);
    assert_eq!(
        s.disk,
        DiskSpec {
            lose_unsynced: true,
            torn_writes: true
        }
    );
    assert_eq!(s.copies().len(), 5);
    assert_eq!(s.copies()[4].to_string(), "n0'");
    // Sorted by time.
    assert!(s.faults.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(matches!(s.faults[0].action, FaultAction::Partition(_)));
    // Network faults are resolved against the link quality in force.
    let FaultAction::Network(net) = &s.faults[6].action else {
        panic!("{:?}", s.faults[6])
    };
    assert_eq!(net.loss, 0.2);
    assert_eq!(net.latency.max, Duration::from_millis(40));
    assert_eq!(s.checks.liveness_within, Duration::from_secs(15));
    assert_eq!(s.checks.max_tx_latency, Some(Duration::from_secs(5)));
    assert_eq!(s.node["view_timeout"].as_str(), Some("1s"));
    assert_eq!(
        s.replay_command(9),
        "cargo run -- scenario scenarios/full.toml --seed 9"
    );
}

#[test]
fn derives_fault_windows_and_last_heal() {
    let s = Scenario::from_str(FULL, "full.toml").unwrap();
    let windows = s.fault_windows();
    let w: Vec<(u64, Option<u64>, &str)> = windows
        .iter()
        .map(|w| {
            (
                w.start.as_secs(),
                w.end.map(|e| e.as_secs()),
                w.label.as_str(),
            )
        })
        .collect();
    assert_eq!(
        w,
        vec![
            (10, Some(30), "partition n0,n1 | n2,n3,n0'"),
            (12, Some(20), "crash n2"),
            (21, Some(22), "pause n1"),
            (23, Some(30), "cut n0<->n3"),
            (25, Some(35), "network loss=0.2 latency=5ms..40ms"),
            (36, Some(44), "power_cut n3"),
            (37, Some(40), "disk_error n1"),
            (38, None, "disk_full n2 free=64KiB"),
        ]
    );
    assert_eq!(s.last_heal(), Duration::from_secs(44));
    let full = &s
        .faults
        .iter()
        .find(|f| f.at == Duration::from_secs(38))
        .unwrap()
        .action;
    assert_eq!(
        *full,
        FaultAction::DiskFull {
            node: NodeCopy {
                identity: 2,
                twin: false
            },
            free: 65536
        }
    );
}

#[test]
fn defaults() {
    let s = Scenario::from_str("[scenario]\nduration = \"10s\"\n", "dir/quiet.toml").unwrap();
    assert_eq!(s.name, "quiet");
    assert_eq!(s.seed, 0);
    assert_eq!(s.committee_size, 4);
    assert_eq!(s.network, NetworkSpec::default());
    assert_eq!(s.load.rate_at(Duration::ZERO), 0.0);
    assert_eq!(s.load.tx_size, 512);
    assert!(s.twins.is_empty() && s.faults.is_empty() && s.node.is_empty());
    assert_eq!(s.checks.liveness_within, Duration::from_secs(10));
    assert_eq!(s.last_heal(), Duration::ZERO);
    // A real disk loses what was not synced; tearing is opt-in.
    assert_eq!(
        s.disk,
        DiskSpec {
            lose_unsynced: true,
            torn_writes: false
        }
    );
}

#[test]
fn open_windows_count_from_their_start() {
    let s = Scenario::from_str(
        &with_faults("[[faults]]\nat = \"5s\"\ncrash = \"n3\"\n"),
        "x.toml",
    )
    .unwrap();
    assert_eq!(s.fault_windows()[0].end, None);
    assert_eq!(s.last_heal(), Duration::from_secs(5));
}

#[test]
fn unknown_key_names_line_and_key() {
    let e = err("[scenario]\nduration = \"10s\"\n\n[network]\nlos = 0.1\n");
    assert!(e.starts_with("scenarios/x.toml:5: "), "{e}");
    assert!(e.contains("unknown field `los`"), "{e}");
    let e = err("[scenario]\nduration = \"10s\"\n[[faults]]\nat = \"1s\"\nexplode = \"n1\"\n");
    assert!(e.starts_with("scenarios/x.toml:5: "), "{e}");
    assert!(e.contains("explode"), "{e}");
}

#[test]
fn syntax_error_names_line() {
    let e = err("[scenario]\nduration = \"10s\"\nseed = = 3\n");
    assert!(e.starts_with("scenarios/x.toml:3: "), "{e}");
}

#[test]
fn missing_duration() {
    let e = err("[scenario]\nname = \"x\"\n");
    assert!(e.contains("duration"), "{e}");
}

#[test]
fn unknown_node_names_key_line_and_committee() {
    let e = err(&with_faults(
        "[[faults]]\nat = \"1s\"\nheal = true\n[[faults]]\nat = \"2s\"\ncrash = \"n7\"\n",
    ));
    assert_eq!(
        e,
        "scenarios/x.toml:8: faults[1].crash: unknown node \"n7\" (committee has n0..n3)"
    );
    let e = err(&with_faults("[[faults]]\nat = \"2s\"\ncrash = \"n1'\"\n"));
    assert!(
        e.contains("faults[0].crash: unknown node \"n1'\" (n1 has no twin"),
        "{e}"
    );
}

#[test]
fn bad_values_are_rejected() {
    let cases = [
        ("[scenario]\nduration = \"10 s\"\n", "scenario.duration"),
        ("[scenario]\nname = \"../x\"\nduration = \"10s\"\n", "scenario.name"),
        ("[scenario]\nduration = \"0s\"\n", "scenario.duration"),
        ("[scenario]\nduration = \"10s\"\n[committee]\nsize = 3\n", "committee.size"),
        ("[scenario]\nduration = \"10s\"\n[committee]\nsize = 101\n", "committee.size"),
        ("[scenario]\nduration = \"10s\"\n[network]\nloss = 1.0\n", "network.loss"),
        ("[scenario]\nduration = \"10s\"\n[network]\nlatency = { min = \"9ms\", max = \"1ms\" }\n", "network.latency.min"),
        ("[scenario]\nduration = \"10s\"\n[load]\nrate = 1\nphases = [{ at = \"0s\", rate = 1 }]\n", "load"),
        ("[scenario]\nduration = \"10s\"\n[load]\nphases = [{ at = \"1s\", rate = 1 }]\n", "load.phases[0].at"),
        ("[scenario]\nduration = \"10s\"\n[load]\nphases = [{ at = \"0s\", rate = 1 }, { at = \"0s\", rate = 2 }]\n", "load.phases[1].at"),
        ("[scenario]\nduration = \"10s\"\n[load]\nrate = -5\n", "load.rate"),
        ("[scenario]\nduration = \"10s\"\n[load]\nrate = 5\nduplicate = 1.5\n", "load.duplicate"),
        ("[scenario]\nduration = \"10s\"\n[load]\nrate = 5\nresubmit = -0.1\n", "load.resubmit"),
        ("[scenario]\nduration = \"10s\"\n[load]\nrate = 5\nresubmit_after = \"0s\"\n", "load.resubmit_after"),
        ("[scenario]\nduration = \"10s\"\n[twins]\nnodes = [\"n0\", \"n1\"]\n", "twins.nodes"),
        ("[scenario]\nduration = \"10s\"\n[twins]\nnodes = [\"n0\", \"n0\"]\n", "twins.nodes[1]"),
        ("[scenario]\nduration = \"10s\"\n[disk]\nlose_unsynced = false\ntorn_writes = true\n", "disk.torn_writes"),
        ("[scenario]\nduration = \"10s\"\n[byzantine]\nnodes = [\"n3\", \"n2\"]\nstrategies = [\"replays\"]\n", "byzantine.nodes"),
        ("[scenario]\nduration = \"10s\"\n[byzantine]\nnodes = []\nstrategies = [\"replays\"]\n", "byzantine.nodes"),
        ("[scenario]\nduration = \"10s\"\n[byzantine]\nnodes = [\"n9\"]\nstrategies = [\"replays\"]\n", "byzantine.nodes[0]"),
        ("[scenario]\nduration = \"10s\"\n[twins]\nnodes = [\"n1\"]\n[byzantine]\nnodes = [\"n1\"]\nstrategies = [\"replays\"]\n", "byzantine.nodes"),
        ("[scenario]\nduration = \"10s\"\n[byzantine]\nnodes = [\"n3\"]\nstrategies = []\n", "byzantine.strategies"),
        ("[scenario]\nduration = \"10s\"\n[byzantine]\nnodes = [\"n3\"]\nstrategies = [\"replays\", \"replays\"]\n", "byzantine.strategies[1]"),
        ("[scenario]\nduration = \"10s\"\n[byzantine]\nnodes = [\"n3\"]\nstrategies = [\"replays\"]\nrate = 0.0\n", "byzantine.rate"),
    ];
    for (text, key) in cases {
        let e = err(text);
        assert!(
            e.contains(&format!(": {key}: ")),
            "expected key {key} in: {e}"
        );
    }
}

#[test]
fn fault_rules() {
    let cases = [
        (
            "[[faults]]\nat = \"61s\"\nheal = true\n",
            "faults[0].at",
            "after the end",
        ),
        ("[[faults]]\nat = \"1s\"\n", "faults[0]", "found none"),
        (
            "[[faults]]\nat = \"1s\"\ncrash = \"n1\"\npause = \"n1\"\n",
            "faults[0]",
            "found crash, pause",
        ),
        (
            "[[faults]]\nat = \"1s\"\nrestart = \"n1\"\n",
            "faults[0].restart",
            "restart only after crash",
        ),
        (
            "[[faults]]\nat = \"1s\"\nresume = \"n1\"\n",
            "faults[0].resume",
            "resume only after pause",
        ),
        (
            "[[faults]]\nat = \"2s\"\ncrash = \"n1\"\n[[faults]]\nat = \"1s\"\ncrash = \"n1\"\n",
            "faults[0].crash",
            "already crashed",
        ),
        (
            "[[faults]]\nat = \"1s\"\npartition = [[\"n0\", \"n1\"], [\"n2\"]]\n",
            "faults[0].partition",
            "n3 is in no group",
        ),
        (
            "[[faults]]\nat = \"1s\"\npartition = [[\"n0\", \"n1\"], [\"n2\", \"n3\", \"n1\"]]\n",
            "faults[0].partition[1][2]",
            "in two groups",
        ),
        (
            "[[faults]]\nat = \"1s\"\npartition = [[\"n0\", \"n1\", \"n2\", \"n3\"]]\n",
            "faults[0].partition",
            "two groups",
        ),
        (
            "[[faults]]\nat = \"1s\"\ncut = { from = \"n1\", to = \"n1\" }\n",
            "faults[0].cut.to",
            "two different",
        ),
        (
            "[[faults]]\nat = \"1s\"\nheal = false\n",
            "faults[0].heal",
            "heal = true",
        ),
        (
            "[[faults]]\nat = \"1s\"\nnetwork = { loss = 2.0 }\n",
            "faults[0].network.loss",
            "not in [0, 1)",
        ),
        (
            "[[faults]]\nat = \"1s\"\ncrash = \"n1\"\n[[faults]]\nat = \"2s\"\npower_cut = \"n1\"\n",
            "faults[1].power_cut",
            "it is not running",
        ),
        (
            "[[faults]]\nat = \"1s\"\ndisk_error = \"n1\"\n[[faults]]\nat = \"2s\"\ndisk_error = \"n1\"\n",
            "faults[1].disk_error",
            "it already fails (disk_ok first)",
        ),
        (
            "[[faults]]\nat = \"1s\"\ndisk_full = { node = \"n1\", free = \"1MiB\" }\n[[faults]]\nat = \"2s\"\ndisk_full = { node = \"n1\", free = \"0B\" }\n",
            "faults[1].disk_full",
            "already full",
        ),
        (
            "[[faults]]\nat = \"1s\"\ndisk_error = \"n1\"\n[[faults]]\nat = \"2s\"\ndisk_ok = \"n2\"\n",
            "faults[1].disk_ok",
            "disk_ok only after disk_error or disk_full",
        ),
        (
            "[[faults]]\nat = \"1s\"\ndisk_full = { node = \"n1\", free = \"64KB\" }\n",
            "faults[0].disk_full.free",
            "unknown unit \"KB\"",
        ),
        (
            "[[faults]]\nat = \"1s\"\ndisk_full = { node = \"n9\", free = \"1B\" }\n",
            "faults[0].disk_full.node",
            "unknown node \"n9\"",
        ),
    ];
    for (faults, key, what) in cases {
        let e = err(&with_faults(faults));
        assert!(
            e.contains(&format!(": {key}: ")) && e.contains(what),
            "expected {key} / {what} in: {e}"
        );
    }
    // A power cut is a crash: restart follows it; disk_ok lifts every disk fault, after
    // which each may come again.
    let ok = with_faults(
        "[[faults]]\nat = \"1s\"\npower_cut = \"n1\"\n[[faults]]\nat = \"2s\"\nrestart = \"n1\"\n[[faults]]\nat = \"3s\"\ndisk_error = \"n2\"\n[[faults]]\nat = \"3s\"\ndisk_full = { node = \"n2\", free = \"0B\" }\n[[faults]]\nat = \"4s\"\ndisk_ok = \"n2\"\n[[faults]]\nat = \"5s\"\ndisk_error = \"n2\"\n",
    );
    Scenario::from_str(&ok, "x.toml").unwrap();
    // Restart after a crash listed later in the file but earlier in time is fine.
    let ok = with_faults(
        "[[faults]]\nat = \"5s\"\nrestart = \"n1\"\n[[faults]]\nat = \"1s\"\ncrash = \"n1\"\n",
    );
    Scenario::from_str(&ok, "x.toml").unwrap();
}

#[test]
fn run_must_outlast_last_heal_plus_liveness_bound() {
    let text = "[scenario]\nduration = \"60s\"\n[[faults]]\nat = \"55s\"\ncrash = \"n1\"\n[checks]\nliveness_within = \"10s\"\n";
    let e = err(text);
    assert!(
        e.starts_with("scenarios/x.toml:7: checks.liveness_within: the run lasts 60s"),
        "{e}"
    );
    let e = err("[scenario]\nduration = \"60s\"\n[[faults]]\nat = \"55s\"\ncrash = \"n1\"\n");
    assert!(
        e.contains(": scenario.duration: ") && e.contains("at least 65s"),
        "{e}"
    );
}

#[test]
fn reads_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.toml");
    std::fs::write(&path, "[scenario]\nduration = \"1s\"\n").unwrap();
    assert_eq!(Scenario::from_file(&path).unwrap().name, "f");
    let e = Scenario::from_file(dir.path().join("none.toml")).unwrap_err();
    assert!(matches!(e, ScenarioError::Io { .. }));
}

#[test]
fn prover_faults_need_a_prover_and_keep_their_order() {
    let with_prover = |faults: &str| format!("[scenario]\nduration = \"60s\"\n[prover]\nworkers = 2\n{faults}");
    let cases = [
        (with_faults("[[faults]]\nat = \"1s\"\ncrash = \"prover\"\n"), "faults[0].crash", "no prover to fault"),
        (with_faults("[[faults]]\nat = \"1s\"\nstore = \"down\"\n"), "faults[0].store", "comes with the [prover] table"),
        (with_prover("[[faults]]\nat = \"1s\"\nrestart = \"prover\"\n"), "faults[0].restart", "restart only after crash"),
        (with_prover("[[faults]]\nat = \"1s\"\nstore = \"up\"\n"), "faults[0].store", "it is not down"),
        (with_prover("[[faults]]\nat = \"1s\"\nstore = \"sideways\"\n"), "faults[0].store", "write \"down\" or \"up\""),
    ];
    for (text, key, message) in cases {
        let e = err(&text);
        assert!(e.contains(key) && e.contains(message), "{text}\n=> {e}");
    }
    let s = Scenario::from_str(
        &with_prover("[[faults]]\nat = \"5s\"\ncrash = \"prover\"\n[[faults]]\nat = \"9s\"\nrestart = \"prover\"\n[[faults]]\nat = \"10s\"\nstore = \"down\"\n[[faults]]\nat = \"12s\"\nstore = \"up\"\n"),
        "x",
    )
    .unwrap();
    assert_eq!(s.prover.as_ref().unwrap()["workers"].as_integer(), Some(2));
    let labels: Vec<_> = s.fault_windows().iter().map(|w| (w.label.clone(), w.beside_nodes)).collect();
    assert_eq!(labels, [("crash prover".to_string(), true), ("store down".to_string(), true)]);
    assert_eq!(s.last_heal(), Duration::ZERO, "the nodes' liveness is not judged from a prover fault");
    assert!(faults_toml(&s.faults).contains("crash = \"prover\"") && faults_toml(&s.faults).contains("store = \"up\""));
}

#[test]
fn round_schedules_parse_and_name_their_errors() {
    let base = "[scenario]\nduration = \"20s\"\n[twins]\nnodes = [\"n1\"]\n";
    let s = Scenario::from_str(
        &format!("{base}rounds = [\n  {{ leader = \"n1\", partition = [[\"n0\", \"n1\", \"n2\"], [\"n1'\", \"n3\"]] }},\n  {{ leader = \"n2\" }},\n]\n"),
        "scenarios/x.toml",
    )
    .unwrap();
    let schedule = s.rounds.as_ref().unwrap();
    assert_eq!(schedule.rounds(), 2);
    assert_eq!(schedule.plans[0].to_string(), "n1 leads; n0 n1 n2 | n1' n3");
    assert_eq!(schedule.plans[1].partition, vec![s.copies()], "no partition: one group of every copy");
    assert_eq!(schedule.gst, Duration::from_secs(10), "by default liveness_within (10s) before the end");
    assert_eq!(s.for_seed(9).rounds, s.rounds, "a fixed schedule is every seed's");
    assert_eq!(s.last_heal(), schedule.gst, "liveness is judged from the GST");
    // The written schedule parses back to itself.
    let again = Scenario::from_str(&format!("{base}{}", rounds_toml(&schedule.plans)), "scenarios/x.toml").unwrap();
    assert_eq!(again.rounds, s.rounds);

    let g = Scenario::from_str(&format!("{base}generate = {{ rounds = 2, leaders = [\"n0\", \"n1\"], apart = true }}\ngst = \"3s\"\n[checks]\nliveness_within = \"5s\"\n"), "scenarios/x.toml").unwrap();
    let generated = g.rounds.as_ref().unwrap();
    assert!(generated.plans.is_empty());
    assert_eq!((generated.rounds(), generated.gst), (2, Duration::from_secs(3)));
    assert_eq!(generated.generator.as_ref().unwrap().count(), Some(256));
    let picked = |seed| g.for_seed(seed).rounds.unwrap().plans;
    assert_eq!(picked(3).len(), 2);
    assert_ne!(picked(3), picked(4));

    let cases = [
        ("rounds = [{ leader = \"n1'\" }]\n", "twins.rounds[0].leader", "name the identity"),
        ("rounds = [{ leader = \"n7\" }]\n", "twins.rounds[0].leader", "unknown node"),
        ("rounds = [{ leader = \"n0\", partition = [[\"n0\", \"n1\"], [\"n2\", \"n3\"]] }]\n", "twins.rounds[0].partition", "n1' is in no group"),
        ("rounds = [{ leader = \"n0\", partition = [[\"n0\", \"n1\", \"n1'\"], [\"n2\", \"n3\", \"n0\"]] }]\n", "twins.rounds[0].partition[1][2]", "in two groups"),
        ("rounds = [{ leader = \"n0\", partition = [] }]\n", "twins.rounds[0].partition", "at least one group"),
        ("rounds = [{ leader = \"n0\" }]\ngenerate = { rounds = 1 }\n", "twins.generate", "not both"),
        ("generate = { rounds = 0 }\n", "twins.generate.rounds", "1 to 8"),
        ("generate = { rounds = 1, partitions = 6 }\n", "twins.generate.partitions", "1 to 5"),
        ("generate = { rounds = 1, leaders = [] }\n", "twins.generate.leaders", "at least one leader"),
        ("generate = { rounds = 1, leaders = [\"n0\", \"n0\"] }\n", "twins.generate.leaders[1]", "listed twice"),
        ("generate = { rounds = 1, partitions = 1, apart = true }\n", "twins.generate", "no partition fits"),
        ("generate = { rounds = 1 }\ngst = \"20s\"\n", "twins.gst", "within the run"),
        ("generate = { rounds = 1 }\ngst = \"15s\"\n", "scenario.duration", "GST falls) at 15s"),
        ("gst = \"5s\"\n", "twins.gst", "needs a round schedule"),
    ];
    for (rest, key, says) in cases {
        let e = err(&format!("{base}{rest}"));
        assert!(e.contains(&format!(": {key}: ")) && e.contains(says), "expected {key} ({says}) in: {e}");
    }
    let big = err("[scenario]\nduration = \"20s\"\n[committee]\nsize = 7\n[twins]\nnodes = [\"n0\", \"n1\"]\ngenerate = { rounds = 1 }\n");
    assert!(big.contains(": twins.generate: 9 node copies"), "{big}");
}

#[test]
fn the_cpu_table_parses_and_names_its_errors() {
    let base = "[scenario]\nduration = \"10s\"\n";
    let s = Scenario::from_str(&format!("{base}[cpu]\ncores = 2\nshared = true\n"), "x.toml").unwrap();
    assert_eq!(s.cpu, Some(CpuSpec { cores: 2, shared: true, scale: 1.0 }));
    let s = Scenario::from_str(&format!("{base}[cpu]\ncores = 8\nscale = 0.5\n"), "x.toml").unwrap();
    assert_eq!(s.cpu, Some(CpuSpec { cores: 8, shared: false, scale: 0.5 }));
    assert_eq!(Scenario::from_str(base, "x.toml").unwrap().cpu, None);
    for (rest, key, what) in [
        ("[cpu]\ncores = 0\n", "cpu.cores", "0 cores: between 1 and 1024"),
        ("[cpu]\ncores = 2\nscale = 0.0\n", "cpu.scale", "above 0"),
        ("[cpu]\nshared = true\n", "cpu", "missing field `cores`"),
        ("[cpu]\ncores = 2\nthreads = 4\n", "cpu", "unknown field `threads`"),
    ] {
        let e = err(&format!("{base}{rest}"));
        assert!(e.contains(key) && e.contains(what), "{rest}: {e}");
        assert!(e.contains("scenarios/x.toml:"), "{rest}: names the file and line: {e}");
    }
}
