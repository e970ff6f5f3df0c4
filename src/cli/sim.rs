//! Simulator subcommands: `scenario`, `sweep`, `bench`.

use kraken::testbed::Kraken;
use kraken_sim::scenario::Scenario;
use kraken_sim::{report, summary, world};
use std::path::Path;
use std::sync::Arc;

fn load(file: &Path) -> anyhow::Result<(Scenario, Arc<Kraken>)> {
    let scenario = Scenario::from_file(file).map_err(|e| anyhow::anyhow!("{e}"))?;
    let system = Kraken::new(&scenario.node)
        .map_err(|e| anyhow::anyhow!("{}: [node]: {}", file.display(), e.message()))?;
    Ok((scenario, Arc::new(system)))
}

fn git_revision() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub fn scenario(file: &Path, seed: Option<u64>, out: &Path) -> anyhow::Result<i32> {
    let (scenario, system) = load(file)?;
    let seed = seed.unwrap_or(scenario.seed);
    eprintln!("playing {} with seed {seed} ({} simulated)...", scenario.origin, kraken_sim::scenario::format_duration(scenario.duration));
    let outcome = {
        let scenario = scenario.clone();
        std::thread::spawn(move || world::run(&scenario, seed, system)).join().expect("simulation thread")
    };
    let dir = report::write_report(out, &scenario, &outcome, &git_revision())?;
    println!("{}", summary::render(&scenario, &outcome, Some(&dir)));
    Ok(if outcome.passed() { 0 } else { 1 })
}

pub fn sweep(file: &Path, seeds: &str, out: Option<&Path>) -> anyhow::Result<i32> {
    let (scenario, system) = load(file)?;
    let range = parse_seeds(seeds)?;
    let _ = (scenario, system, range, out);
    anyhow::bail!("sweep: not wired yet")
}

fn parse_seeds(s: &str) -> anyhow::Result<std::ops::Range<u64>> {
    let (a, b) = s.split_once("..").ok_or_else(|| anyhow::anyhow!("--seeds {s}: expected A..B, e.g. 1..100"))?;
    let a: u64 = a.trim().parse().map_err(|_| anyhow::anyhow!("--seeds {s}: {a:?} is not a number"))?;
    let b: u64 = b.trim().parse().map_err(|_| anyhow::anyhow!("--seeds {s}: {b:?} is not a number"))?;
    anyhow::ensure!(a < b, "--seeds {s}: the range is empty (end is exclusive)");
    Ok(a..b)
}

pub fn bench(out: &Path, rates: &[u64], seconds: u64) -> anyhow::Result<i32> {
    let _ = (out, rates, seconds);
    anyhow::bail!("bench: not wired yet")
}
