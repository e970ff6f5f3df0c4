//! Simulator subcommands: `scenario`, `bench`, `bench-flood` (sweeps are in `sweep.rs`).

use kraken::testbed::{Flood, FloodKind, Kraken, FLOODER};
use kraken_sim::scenario::{format_duration, ByzantineSpec, Scenario};
use kraken_sim::world;
use kraken_sim::{report, summary};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

pub(super) fn load(file: &Path) -> anyhow::Result<(Scenario, Arc<Kraken>)> {
    let scenario = Scenario::from_file(file).map_err(|e| anyhow::anyhow!("{e}"))?;
    let system = system_for(&scenario)?;
    Ok((scenario, system))
}

fn system_for(scenario: &Scenario) -> anyhow::Result<Arc<Kraken>> {
    Kraken::new(&scenario).map(Arc::new).map_err(|e| anyhow::anyhow!("{}: {e}", scenario.origin))
}

/// The revision reports name: `KRAKEN_REVISION` (set in the container image, which has no
/// checkout), else the checkout's.
pub(super) fn git_revision() -> String {
    if let Ok(revision) = std::env::var("KRAKEN_REVISION") {
        return revision;
    }
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
    eprintln!("playing {} with seed {seed} ({} simulated)...", scenario.origin, format_duration(scenario.duration));
    let outcome = world::run(&scenario, seed, system);
    let dir = report::write_report(out, &scenario, &outcome, &git_revision())?;
    println!("{}", summary::render(&scenario, &outcome, Some(&dir)));
    Ok(if outcome.passed() { 0 } else { 1 })
}

/// One load point: a healthy 4-node network at a constant offered rate.
fn load_point(rate: u64, seconds: u64) -> anyhow::Result<Scenario> {
    let text = format!(
        "[scenario]\nname = \"bench-{rate}\"\nseed = 1\nduration = \"{seconds}s\"\n\
         [network]\nlatency = {{ min = \"5ms\", max = \"40ms\" }}\n\
         [load]\nrate = {rate}\ntx_size = 512\n[checks]\nliveness_within = \"5s\"\n"
    );
    Scenario::from_str(&text, "bench").map_err(|e| anyhow::anyhow!("{e}"))
}

pub fn bench(out: &Path, rates: &[u64], seconds: u64) -> anyhow::Result<i32> {
    anyhow::ensure!(!rates.is_empty(), "--rates: give at least one offered load");
    anyhow::ensure!(seconds >= 5, "--seconds {seconds}: need at least 5 simulated seconds per point");
    let mut csv = String::from("point,offered_tps,committed_tps,p50_ms,p99_ms,blocks,sim_s,wall_s,sim_s_per_wall_s\n");
    let mut table = String::new();
    let mut points: Vec<(String, Scenario)> = Vec::new();
    for &rate in rates {
        points.push((format!("load {rate}"), load_point(rate, seconds)?));
    }
    // The simulator's own speed: the healthy committee, and the same with 16 members.
    let healthy = Scenario::from_file("scenarios/healthy.toml").map_err(|e| anyhow::anyhow!("{e}"))?;
    points.push(("healthy.toml".into(), healthy.clone()));
    points.push(("healthy.toml n=16".into(), Scenario { committee_size: 16, ..healthy }));
    for (label, scenario) in points {
        eprintln!("bench: {label} ({} simulated)...", format_duration(scenario.duration));
        let system = system_for(&scenario)?;
        let o = world::run(&scenario, scenario.seed, system);
        anyhow::ensure!(o.passed(), "bench point {label} failed its checks: {:?}", o.failures());
        let s = &o.metrics.summary;
        let offered = s.submitted as f64 / o.sim_time.as_secs_f64();
        let (p50, p99) = (s.p50_ms.unwrap_or(f64::NAN), s.p99_ms.unwrap_or(f64::NAN));
        writeln!(
            csv,
            "{label},{offered:.0},{:.1},{p50:.0},{p99:.0},{},{:.1},{:.2},{:.2}",
            s.mean_tps,
            s.blocks,
            o.sim_time.as_secs_f64(),
            o.wall_time.as_secs_f64(),
            o.sim_per_wall
        )?;
        writeln!(
            table,
            "| {label:>17} | {offered:>8.0} | {:>9.1} | {p50:>7.0} | {p99:>7.0} | {:>6.2}x |",
            s.mean_tps, o.sim_per_wall
        )?;
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, csv)?;
    println!("| point             | offered  | committed | p50 ms  | p99 ms  | sim/wall |");
    println!("|-------------------|----------|-----------|---------|---------|----------|");
    print!("{table}");
    println!("wrote {}", out.display());
    Ok(0)
}

/// The flood benchmark's run: a healthy 4-node committee at a steady load. The flooder's
/// member is byzantine (its node runs honest code, with no strategy), so the checkers
/// let the target blame it for what it refuses.
fn flood_scenario(seconds: u64) -> anyhow::Result<Scenario> {
    let text = format!(
        "[scenario]\nname = \"bench-flood\"\nseed = 1\nduration = \"{}s\"\n\
         [network]\nlatency = {{ min = \"5ms\", max = \"40ms\" }}\n\
         [load]\nrate = 200\ntx_size = 512\n[checks]\nliveness_within = \"5s\"\n",
        seconds + 3
    );
    let scenario = Scenario::from_str(&text, "bench-flood").map_err(|e| anyhow::anyhow!("{e}"))?;
    let flooder = ByzantineSpec { nodes: vec![FLOODER as usize], strategies: Vec::new(), rate: 1.0 };
    Ok(Scenario { byzantine: Some(flooder), ..scenario })
}

pub fn bench_flood(out: &Path, kinds: &[String], rate: u64, seconds: u64) -> anyhow::Result<i32> {
    use clap::ValueEnum;
    let kinds: Vec<FloodKind> = kinds
        .iter()
        .map(|k| FloodKind::from_str(k, true).map_err(|_| anyhow::anyhow!("--kinds: unknown kind {k:?} (garbage, replay, stale-timeouts, forged-votes, oversized-certificates)")))
        .collect::<anyhow::Result<_>>()?;
    anyhow::ensure!(!kinds.is_empty(), "--kinds: give at least one kind of flood");
    anyhow::ensure!((100..=100_000).contains(&rate), "--rate {rate}: between 100 and 100000 messages per second");
    anyhow::ensure!((2..=120).contains(&seconds), "--seconds {seconds}: between 2 and 120");
    let scenario = flood_scenario(seconds)?;
    eprintln!("bench-flood: baseline without a flood ({} simulated)...", format_duration(scenario.duration));
    let base = world::run(&scenario, scenario.seed, system_for(&scenario)?);
    anyhow::ensure!(base.passed(), "the baseline run failed its checks: {:?}", base.failures());
    let base_wall = base.wall_time.as_secs_f64();
    let mut csv = String::from("kind,flood_per_s,messages,wall_s,base_wall_s,extra_us_per_msg,absorbed_per_s,committed_tps,base_committed_tps,passed\n");
    let mut table = String::new();
    for kind in kinds {
        let name = kind.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
        eprintln!("bench-flood: {name} at {rate}/s for {seconds} s (making the frames first)...");
        let flood = Flood::new(Kraken::new(&scenario)?, kind, rate, seconds, scenario.seed);
        let messages = flood.messages(rate);
        let o = world::run(&scenario, scenario.seed, Arc::new(flood));
        let wall = o.wall_time.as_secs_f64();
        // The simulation runs on one thread: its extra wall-clock time is extra CPU.
        let extra_us = ((wall - base_wall).max(0.0) * 1e6) / messages as f64;
        // Below the run-to-run noise, the cost cannot be told from zero.
        let absorbed = (extra_us > 0.0).then(|| 1e6 / extra_us);
        let absorbed_csv = absorbed.map_or_else(String::new, |a| format!("{a:.0}"));
        let absorbed_shown = absorbed.map_or_else(|| "below noise".to_string(), |a| format!("{a:.0}"));
        let (tps, base_tps) = (o.metrics.summary.mean_tps, base.metrics.summary.mean_tps);
        writeln!(csv, "{name},{rate},{messages},{wall:.2},{base_wall:.2},{extra_us:.1},{absorbed_csv},{tps:.1},{base_tps:.1},{}", o.passed())?;
        writeln!(table, "| {name:<22} | {extra_us:>10.1} | {absorbed_shown:>12} | {tps:>8.1} | {:>6} |", if o.passed() { "yes" } else { "NO" })?;
        for failure in o.failures() {
            eprintln!("bench-flood: {name}: FAILED {failure:?}");
        }
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, csv)?;
    println!("flood of {rate} msg/s at n0 for {seconds} s; baseline {base_wall:.2} s wall, {:.1} tx/s committed", base.metrics.summary.mean_tps);
    println!("| kind                   | us per msg | msgs/s/core | tx/s     | checks |");
    println!("|------------------------|------------|--------------|----------|--------|");
    print!("{table}");
    println!("wrote {}", out.display());
    Ok(0)
}
