//! `kraken shrink REPORT`: the failing run a report directory describes, shrunk to a
//! smaller scenario that fails the same checker under the same seed.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kraken::testbed::Kraken;
use kraken_sim::scenario::Scenario;
use kraken_sim::shrink::{shrink as shrink_run, with_drawn_faults, with_picked_rounds, Budget};
use kraken_sim::world::SimSystem;

pub fn shrink(report: &Path, out: Option<&Path>, max_runs: usize, time_budget: Duration) -> anyhow::Result<i32> {
    anyhow::ensure!(max_runs >= 2, "--max-runs {max_runs}: at least 2 (the failing run, then one smaller)");
    let read = |name: &str| std::fs::read_to_string(report.join(name)).map_err(|e| anyhow::anyhow!("{}: {e}", report.join(name).display()));
    let summary: serde_json::Value = serde_json::from_str(&read("summary.json")?).map_err(|e| anyhow::anyhow!("{}/summary.json: {e}", report.display()))?;
    let (Some(seed), Some(name)) = (summary["seed"].as_u64(), summary["scenario"].as_str()) else {
        anyhow::bail!("{}/summary.json: no seed or scenario name; is this a report directory?", report.display());
    };
    let mut text = read(&format!("{name}.toml"))?;
    if report.join("faults.toml").exists() {
        text = with_drawn_faults(&text, &read("faults.toml")?).map_err(|e| anyhow::anyhow!("{}: {e}", report.display()))?;
        eprintln!("shrink: the [nemesis] faults this run drew (faults.toml) replace [nemesis]");
    }
    if report.join("rounds.toml").exists() {
        text = with_picked_rounds(&text, &read("rounds.toml")?).map_err(|e| anyhow::anyhow!("{}: {e}", report.display()))?;
        eprintln!("shrink: the round schedule this run picked (rounds.toml) replaces [twins] generate");
    }
    let origin = report.join(format!("{name}.toml")).display().to_string();
    let system = |s: &Scenario| Kraken::new(s).map(|k| Arc::new(k) as Arc<dyn SimSystem>).map_err(|e| format!("{}: {e}", s.origin));
    let budget = Budget { runs: max_runs, time: time_budget };
    let shrunk = shrink_run(&text, &origin, seed, &system, budget, &mut |line| eprintln!("shrink: {line}")).map_err(|e| anyhow::anyhow!(e))?;
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| report.join("shrunk.toml"));
    let replay = format!("cargo run -- scenario {} --seed {seed}", out.display());
    let mut header = format!(
        "# Shrunk by `kraken shrink {}` in {} runs{}: fails `{}` under seed {seed}.\n# Replay: {replay}\n",
        report.display(),
        shrunk.runs,
        if shrunk.exhausted { " (budget spent; smaller may exist)" } else { "" },
        shrunk.checker
    );
    for step in &shrunk.kept {
        header += &format!("# - {step}\n");
    }
    std::fs::write(&out, format!("{header}\n{}", shrunk.text)).map_err(|e| anyhow::anyhow!("--out {}: {e}", out.display()))?;
    println!("shrunk {} step(s) in {} run(s); `{}` still fails under seed {seed}\nwrote {}\nreplay: {replay}", shrunk.kept.len(), shrunk.runs, shrunk.checker, out.display());
    Ok(0)
}
