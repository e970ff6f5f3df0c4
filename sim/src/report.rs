//! The report directory of one run, `<out>/<scenario>/<seed>/`:
//!
//! - `summary.json`: scenario, seed, git revision, duration, verdicts, headline figures,
//!   fault timeline and windows, event-log hash, simulator speed and the replay command;
//! - `events.jsonl`: the recorded history (its SHA-256 is the history hash);
//! - `<scenario>.toml`: a copy of the scenario file, so the directory replays on its own;
//! - `faults.toml` (with `[nemesis]`): the drawn faults as `[[faults]]` entries, which
//!   replay the run in the scenario's place of `[nemesis]`;
//! - `rounds.toml` (with `[twins] generate`): the picked round schedule as a `rounds`
//!   entry, which replays the run in the place of `generate`;
//! - `throughput.csv` (second,offered,committed), `latency.csv`
//!   (tx,submitted_us,committed_us,latency_ms), `blocks.csv`
//!   (height,round,first_commit_us,txs);
//! - `throughput.png` and `latency.png`, fault windows shaded;
//! - with a prover: `proofs.csv` (first_block,last_block,txs,rows,committed_us,
//!   started_us,proved_us,latency_ms,bytes) and `proof_latency.png` (latency per proof,
//!   and the committed and proved heights over time).

use crate::charts;
use crate::checkers::Verdict;
use crate::events::to_jsonl;
use crate::metrics::Summary;
use crate::outcome::RunOutcome;
use crate::scenario::{faults_toml, format_duration, rounds_toml, Fault, FaultWindow, Scenario};
use serde::Serialize;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The default output root.
pub const DEFAULT_OUT: &str = "reports";

/// `summary.json`.
#[derive(Serialize)]
struct SummaryJson<'a> {
    scenario: &'a str,
    scenario_file: &'a str,
    description: &'a str,
    seed: u64,
    git_revision: &'a str,
    duration_s: f64,
    committee_size: usize,
    twins: Vec<String>,
    passed: bool,
    verdicts: &'a [Verdict],
    figures: &'a Summary,
    faults: Vec<FaultJson>,
    fault_windows: Vec<WindowJson<'a>>,
    events: usize,
    history_hash: &'a str,
    wall_time_s: f64,
    sim_seconds_per_wall_second: f64,
    replay: String,
}

#[derive(Serialize)]
struct WindowJson<'a> {
    label: &'a str,
    start_s: f64,
    end_s: Option<f64>,
}

#[derive(Serialize)]
struct FaultJson {
    at_s: f64,
    fault: String,
}

fn fault_json(f: &Fault) -> FaultJson {
    FaultJson {
        at_s: f.at.as_secs_f64(),
        fault: f.action.to_string(),
    }
}

fn window_json(w: &FaultWindow) -> WindowJson<'_> {
    WindowJson {
        label: &w.label,
        start_s: w.start.as_secs_f64(),
        end_s: w.end.map(|e| e.as_secs_f64()),
    }
}

/// The report directory of `scenario` run with `seed` under `out`.
pub fn report_dir(out: &Path, scenario: &Scenario, seed: u64) -> PathBuf {
    out.join(&scenario.name).join(seed.to_string())
}

/// Writes every report file of `outcome`; returns the directory.
pub fn write_report(
    out: &Path,
    scenario: &Scenario,
    outcome: &RunOutcome,
    git_revision: &str,
) -> io::Result<PathBuf> {
    let dir = report_dir(out, scenario, outcome.seed);
    fs::create_dir_all(&dir)?;
    let summary = SummaryJson {
        scenario: &scenario.name,
        scenario_file: &scenario.origin,
        description: &scenario.description,
        seed: outcome.seed,
        git_revision,
        duration_s: outcome.sim_time.as_secs_f64(),
        committee_size: scenario.committee_size,
        twins: scenario.twins.iter().map(|i| format!("n{i}")).collect(),
        passed: outcome.passed(),
        verdicts: &outcome.verdicts,
        figures: &outcome.metrics.summary,
        faults: outcome.faults.iter().map(fault_json).collect(),
        fault_windows: outcome.windows.iter().map(window_json).collect(),
        events: outcome.events.len(),
        history_hash: &outcome.history_hash,
        wall_time_s: outcome.wall_time.as_secs_f64(),
        sim_seconds_per_wall_second: outcome.sim_per_wall,
        replay: scenario.replay_command(outcome.seed),
    };
    let mut json = serde_json::to_vec_pretty(&summary).map_err(io::Error::other)?;
    json.push(b'\n');
    fs::write(dir.join("summary.json"), json)?;
    fs::write(dir.join("events.jsonl"), to_jsonl(&outcome.events))?;
    fs::write(
        dir.join(format!("{}.toml", scenario.name)),
        &scenario.source,
    )?;
    if scenario.nemesis.is_some() {
        let header = format!(
            "# The faults [nemesis] drew for {} with seed {} (a {} run). Put these entries\n# in place of [nemesis] and the scenario replays this run under the same seed.\n\n",
            scenario.origin,
            outcome.seed,
            format_duration(scenario.duration)
        );
        fs::write(dir.join("faults.toml"), header + &faults_toml(&outcome.faults))?;
    }
    if scenario.rounds.as_ref().is_some_and(|r| r.generator.is_some()) {
        let header = format!(
            "# The round schedule [twins] generate picked for {} with seed {}. Put this entry\n# in [twins] in place of generate and the scenario replays this run under the same seed.\n\n",
            scenario.origin, outcome.seed
        );
        let plans = scenario.for_seed(outcome.seed).rounds.map(|r| r.plans).unwrap_or_default();
        fs::write(dir.join("rounds.toml"), header + &rounds_toml(&plans))?;
    }
    write_csvs(&dir, outcome)?;

    let title = format!("{} (seed {})", scenario.name, outcome.seed);
    let end_s = outcome.sim_time.as_secs_f64();
    charts::throughput_png(
        &dir.join("throughput.png"),
        &format!("{title}: throughput"),
        &outcome.metrics,
        &outcome.windows,
        end_s,
    )?;
    charts::latency_png(
        &dir.join("latency.png"),
        &format!("{title}: commit latency"),
        &outcome.metrics,
        &outcome.windows,
        end_s,
    )?;
    if outcome.metrics.summary.proving.is_some() {
        write_proofs_csv(&dir, outcome)?;
        charts::proof_latency_png(
            &dir.join("proof_latency.png"),
            &format!("{title}: proof latency"),
            &outcome.metrics,
            &outcome.windows,
            end_s,
        )?;
    }
    Ok(dir)
}

fn write_proofs_csv(dir: &Path, outcome: &RunOutcome) -> io::Result<()> {
    let mut w = csv::Writer::from_path(dir.join("proofs.csv"))?;
    w.write_record(["first_block", "last_block", "txs", "rows", "committed_us", "started_us", "proved_us", "latency_ms", "bytes"])?;
    for p in &outcome.metrics.proofs {
        w.write_record([
            p.first.to_string(),
            p.last.to_string(),
            p.txs.to_string(),
            p.rows.to_string(),
            p.committed_us.map(|c| c.to_string()).unwrap_or_default(),
            p.started_us.to_string(),
            p.proved_us.to_string(),
            p.latency_ms().map(|l| format!("{l:.3}")).unwrap_or_default(),
            p.bytes.to_string(),
        ])?;
    }
    w.flush()
}

fn write_csvs(dir: &Path, outcome: &RunOutcome) -> io::Result<()> {
    let m = &outcome.metrics;
    let mut w = csv::Writer::from_path(dir.join("throughput.csv"))?;
    w.write_record(["second", "offered", "committed"])?;
    for s in &m.seconds {
        w.write_record([
            s.second.to_string(),
            s.offered.to_string(),
            s.committed.to_string(),
        ])?;
    }
    w.flush()?;

    let mut w = csv::Writer::from_path(dir.join("latency.csv"))?;
    w.write_record(["tx", "submitted_us", "committed_us", "latency_ms"])?;
    for t in &m.txs {
        let opt = |v: Option<String>| v.unwrap_or_default();
        w.write_record([
            t.tx.clone(),
            t.submitted_us.to_string(),
            opt(t.committed_us.map(|c| c.to_string())),
            opt(t.latency_ms().map(|l| format!("{l:.3}"))),
        ])?;
    }
    w.flush()?;

    let mut w = csv::Writer::from_path(dir.join("blocks.csv"))?;
    w.write_record(["height", "round", "first_commit_us", "txs"])?;
    for b in &m.blocks {
        w.write_record([
            b.height.to_string(),
            b.round.to_string(),
            b.first_commit_us.to_string(),
            b.txs.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
