//! `kraken sweep`, the hidden `kraken sweep-worker` that `sweep --jobs N` starts N of (this
//! binary again: seeds in on stdin, results out as JSON lines on stdout), and
//! `kraken sweep-merge`, which joins the `--json` files of a sharded sweep's shards.
//! `sweep --shrink` hands the first failing seed's report to `shrink.rs`; `twins.rs`
//! sweeps its generated scenario through [`run_plan`].

use super::sim::{git_revision, load};
use super::SweepArgs;
use anyhow::Context;
use kraken_sim::scenario::Scenario;
use kraken_sim::sweep::{self as sweeps, Plan, Shard, SweepOutcome};
use kraken_sim::world::SimSystem;
use kraken_sim::{outcome::RunOutcome, report};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

pub fn sweep(args: &SweepArgs) -> anyhow::Result<i32> {
    let plan = Plan {
        seeds: sweeps::parse_seeds(&args.seeds).map_err(|e| anyhow::anyhow!("--seeds {e}"))?,
        shard: args.shard.as_deref().map(Shard::parse).transpose().map_err(|e| anyhow::anyhow!("--shard {e}"))?,
        budget: args.time_budget,
    };
    if let Some(out) = &args.out {
        // Found unwritable now rather than by every seed.
        std::fs::create_dir_all(out).with_context(|| format!("--out {}", out.display()))?;
    }
    let outcome = run_plan(&args.file, &plan, args.jobs, args.out.as_deref(), Reports::All)?;
    println!("{}", outcome.render());
    if let Some(path) = &args.json {
        write("--json", path, &serde_json::to_string_pretty(&outcome)?)?;
    }
    if let Some(path) = &args.junit {
        write("--junit", path, &sweeps::junit(&outcome))?;
    }
    if let (true, Some(out)) = (args.shrink, &args.out) {
        // A seed whose worker died left no report to shrink.
        let dirs = outcome.failed().into_iter().map(|r| out.join(&outcome.scenario).join(r.seed.to_string()));
        match dirs.into_iter().find(|dir| dir.join("summary.json").exists()) {
            Some(dir) => {
                eprintln!("sweep: shrinking the first failing seed's run ({})", dir.display());
                let time = super::parse_duration(super::SHRINK_TIME).map_err(|e| anyhow::anyhow!(e))?;
                super::shrink::shrink(&dir, None, super::SHRINK_RUNS, time)?;
            }
            None if !outcome.passed() => eprintln!("sweep: --shrink: no failing seed left a report to shrink"),
            None => {}
        }
    }
    Ok(if outcome.passed() { 0 } else { 1 })
}

/// Which runs leave a report under `--out`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reports {
    All,
    /// A twins enumeration runs thousands of schedules: only the failing ones are kept.
    Failing,
}

/// Plays `plan` of the scenario `file` in `jobs` worker processes, writing reports under
/// `out`. With `jobs` = 1, a plan of up to [`sweeps::RETIRE_AFTER`] seeds runs in this
/// process; a longer one in one worker at a time, each retired after that many seeds (a
/// bound on any memory a run might leave behind; see `kraken_sim::sweep`'s pool).
pub fn run_plan(file: &Path, plan: &Plan, jobs: u16, out: Option<&Path>, reports: Reports) -> anyhow::Result<SweepOutcome> {
    if jobs == 1 && plan.seeds().nth(sweeps::RETIRE_AFTER).is_none() {
        return in_process(file, plan, out, reports);
    }
    // Workers build their own system: the parent only needs the scenario's name.
    let scenario = Scenario::from_file(file).map_err(|e| anyhow::anyhow!("{e}"))?;
    let exe = std::env::current_exe().context("finding this binary to start sweep workers")?;
    let worker = || {
        let mut command = Command::new(&exe);
        command.arg("sweep-worker").arg(file);
        if let Some(out) = out {
            command.arg("--out").arg(out);
        }
        if reports == Reports::Failing {
            command.arg("--failing-only");
        }
        command
    };
    Ok(sweeps::sweep_pool(&scenario, plan, jobs.into(), sweeps::RETIRE_AFTER, worker)?)
}

fn in_process(file: &Path, plan: &Plan, out: Option<&Path>, reports: Reports) -> anyhow::Result<SweepOutcome> {
    let (scenario, system) = load(file)?;
    let revision = git_revision();
    let mut write_error = None;
    let outcome = sweeps::sweep_each(
        &scenario,
        plan,
        |_| system.clone() as Arc<dyn SimSystem>,
        |run| {
            if let Err(e) = write_report(out, reports, &scenario, run, &revision) {
                write_error.get_or_insert(e);
            }
        },
    );
    if let Some(e) = write_error {
        // The table first: the runs happened, only a report is missing.
        println!("{}", outcome.render());
        anyhow::bail!("{e}");
    }
    Ok(outcome)
}

pub fn worker(file: &Path, out: Option<&Path>, reports: Reports) -> anyhow::Result<i32> {
    let (scenario, system) = load(file)?;
    let revision = git_revision();
    sweeps::serve(
        &scenario,
        |_| system.clone() as Arc<dyn SimSystem>,
        |run| write_report(out, reports, &scenario, run, &revision),
        std::io::stdin().lock(),
        std::io::stdout().lock(),
    )?;
    Ok(0)
}

pub fn merge(dir: &Path, junit: Option<&Path>) -> anyhow::Result<i32> {
    let merged = sweeps::read_dir(dir).and_then(sweeps::merge).map_err(|e| anyhow::anyhow!("sweep-merge: {e}"))?;
    println!("{}", merged.render());
    if let Some(path) = junit {
        write("--junit", path, &sweeps::junit(&merged.outcome))?;
    }
    Ok(if merged.passed() { 0 } else { 1 })
}

/// Writes the run's report under `out`, if there is one (and the run is one to keep).
fn write_report(out: Option<&Path>, reports: Reports, scenario: &Scenario, run: &RunOutcome, revision: &str) -> std::io::Result<()> {
    let Some(out) = out else { return Ok(()) };
    if reports == Reports::Failing && run.passed() {
        return Ok(());
    }
    report::write_report(out, scenario, run, revision).map(drop).map_err(|e| {
        std::io::Error::other(format!("--out {}: could not write the report of seed {}: {e}", out.display(), run.seed))
    })
}

/// Writes `text` to the file a flag names, making its directory.
pub(super) fn write(flag: &str, path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    dir.map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(path, text))
        .with_context(|| format!("{flag} {}", path.display()))
}
