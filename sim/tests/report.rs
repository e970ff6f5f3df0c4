//! Report files and the terminal summary of a toy run.
#![cfg(madsim)]

mod toy;

use kraken_sim::report::write_report;
use kraken_sim::scenario::Scenario;
use kraken_sim::summary::render;
use kraken_sim::world::run;
use std::sync::Arc;

const SCENARIO: &str = r#"
[scenario]
name = "toy-report"
duration = "20s"
[network]
latency = { min = "2ms", max = "30ms" }
[load]
phases = [ { at = "0s", rate = 100 }, { at = "8s", rate = 300 } ]
[[faults]]
at = "4s"
partition = [["n0", "n1"], ["n2", "n3"]]
[[faults]]
at = "7s"
heal = true
[[faults]]
at = "9s"
crash = "n3"
[[faults]]
at = "12s"
restart = "n3"
[[faults]]
at = "13s"
network = { latency = { min = "150ms", max = "250ms" } }
[checks]
liveness_within = "3s"
"#;

#[test]
fn writes_every_report_file() {
    let scenario = Scenario::from_str(SCENARIO, "tests/toy-report.toml").unwrap();
    let outcome = run(&scenario, 11, Arc::new(toy::Toy::default()));
    assert!(outcome.passed(), "{:#?}", outcome.verdicts);
    let out = tempfile::tempdir().unwrap();
    let dir = write_report(out.path(), &scenario, &outcome, "abc123").unwrap();
    assert_eq!(dir, out.path().join("toy-report").join("11"));
    for file in [
        "toy-report.toml",
        "summary.json",
        "events.jsonl",
        "throughput.csv",
        "latency.csv",
        "blocks.csv",
        "throughput.png",
        "latency.png",
    ] {
        assert!(
            dir.join(file)
                .metadata()
                .map(|m| m.len() > 0)
                .unwrap_or(false),
            "{file} missing or empty"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"], 11);
    assert_eq!(summary["committee_size"], 4);
    let copy = Scenario::from_file(dir.join("toy-report.toml")).unwrap();
    assert_eq!(copy.faults, scenario.faults);
    assert_eq!(summary["git_revision"], "abc123");
    assert_eq!(summary["passed"], true);
    assert_eq!(summary["history_hash"], outcome.history_hash.as_str());
    assert_eq!(
        summary["replay"],
        "cargo run -- scenario tests/toy-report.toml --seed 11"
    );
    assert_eq!(summary["fault_windows"].as_array().unwrap().len(), 3);
    let events = std::fs::read(dir.join("events.jsonl")).unwrap();
    assert_eq!(
        kraken_sim::events::history_hash(
            &kraken_sim::events::from_jsonl(std::str::from_utf8(&events).unwrap()).unwrap()
        ),
        outcome.history_hash
    );
    let throughput = std::fs::read_to_string(dir.join("throughput.csv")).unwrap();
    assert!(
        throughput.starts_with("second,offered,committed\n0,100,"),
        "{throughput}"
    );
    assert_eq!(throughput.lines().count(), 21);
    assert!(std::fs::read_to_string(dir.join("latency.csv"))
        .unwrap()
        .starts_with("tx,submitted_us,committed_us,latency_ms\n"));
    assert!(std::fs::read_to_string(dir.join("blocks.csv"))
        .unwrap()
        .starts_with("height,round,first_commit_us,txs\n1,1,"));
    if let Ok(keep) = std::env::var("KRAKEN_SIM_KEEP_REPORT") {
        for file in ["throughput.png", "latency.png"] {
            std::fs::copy(dir.join(file), std::path::Path::new(&keep).join(file)).unwrap();
        }
    }

    let text = render(&scenario, &outcome, Some(&dir));
    assert!(
        text.starts_with("PASS  toy-report (tests/toy-report.toml) seed 11\n"),
        "{text}"
    );
    assert!(
        text.contains("  PASS safety ")
            && text.contains("  latency: p50 ")
            && text.contains("  report: "),
        "{text}"
    );
    assert!(
        text.contains(" tx/s after the last heal at 13.0s\n"),
        "{text}"
    );
    assert!(!text.contains("replay:"), "{text}");
}

#[test]
fn failing_summary_names_the_replay_command() {
    let scenario = Scenario::from_str(
        "[scenario]\nduration = \"3s\"\n[twins]\nnodes = [\"n0\"]\n[node]\nfork_twin = true\n",
        "scenarios/fork.toml",
    )
    .unwrap();
    let outcome = run(&scenario, 5, Arc::new(toy::Toy::default()));
    let text = render(&scenario, &outcome, None);
    assert!(
        text.starts_with("FAIL  fork (scenarios/fork.toml) seed 5\n"),
        "{text}"
    );
    assert!(
        text.contains("  FAIL safety ") && text.contains("conflicting commits at height 1"),
        "{text}"
    );
    assert!(
        text.ends_with("  replay: cargo run -- scenario scenarios/fork.toml --seed 5\n"),
        "{text}"
    );
}

const NEMESIS: &str = r#"
[scenario]
name = "toy-nemesis"
duration = "20s"
[network]
latency = { min = "2ms", max = "30ms" }
[load]
rate = 100
[checks]
liveness_within = "3s"
"#;

#[test]
fn a_nemesis_run_reports_its_faults_and_they_replay_the_same_history() {
    let table = "[nemesis]\nstart = \"1s\"\nquiet = \"5s\"\nrates = { isolate = 10, cut = 10, crash = 10, pause = 10, loss = 10, latency = 10 }\n";
    let scenario = Scenario::from_str(&format!("{NEMESIS}{table}"), "tests/toy-nemesis.toml").unwrap();
    let outcome = run(&scenario, 5, Arc::new(toy::Toy::default()));
    assert!(outcome.passed(), "{:#?}", outcome.verdicts);
    assert!(outcome.faults.len() > 5, "{:?}", outcome.faults);
    let out = tempfile::tempdir().unwrap();
    let dir = write_report(out.path(), &scenario, &outcome, "abc123").unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["faults"].as_array().unwrap().len(), outcome.faults.len());
    let text = render(&scenario, &outcome, None);
    assert!(text.contains(&format!("nemesis: {} fault entries drawn from seed 5", outcome.faults.len())), "{text}");
    assert!(text.contains(&outcome.faults[0].action.to_string()), "{text}");

    let faults = std::fs::read_to_string(dir.join("faults.toml")).unwrap();
    let replay = Scenario::from_str(&format!("{NEMESIS}{faults}"), "tests/toy-nemesis.toml").unwrap();
    assert_eq!(replay.faults, outcome.faults);
    let replayed = run(&replay, 5, Arc::new(toy::Toy::default()));
    assert_eq!(replayed.history_hash, outcome.history_hash, "faults.toml replayed another run");
    // Another seed draws other faults, so another history.
    assert_ne!(run(&scenario, 6, Arc::new(toy::Toy::default())).history_hash, outcome.history_hash);
}
