//! `kraken twins`: the base scenario with the flags' committee, Twins identities and
//! `[twins] generate` written in is saved as OUT/<name>.toml (so every failing schedule
//! replays from it with `kraken scenario`), then swept: seeds 0..count visit every
//! schedule once, `--sample K --seed S` plays seeds S..S+K (a pseudo-random sample).
//! Only failing schedules leave a report.

use super::sweep::{run_plan, write, Reports};
use super::TwinsArgs;
use anyhow::Context;
use kraken_sim::scenario::Scenario;
use kraken_sim::sweep::{self as sweeps, Plan};
use kraken_sim::twins::TwinsFlags;

pub fn twins(args: &TwinsArgs) -> anyhow::Result<i32> {
    let base = std::fs::read_to_string(&args.base).with_context(|| format!("--base {}", args.base.display()))?;
    let flags = TwinsFlags {
        nodes: args.nodes.map(|n| n as usize),
        twins: args.twins.clone(),
        rounds: args.rounds.map(|r| r as usize),
        partitions: args.partitions.map(|p| p as usize),
        leaders: args.leaders.clone(),
        apart: args.apart,
    };
    let (name, text) = flags.apply(&base).map_err(|e| anyhow::anyhow!("--base {}: {e}", args.base.display()))?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("--out {}", args.out.display()))?;
    let file = args.out.join(format!("{name}.toml"));
    std::fs::write(&file, &text).with_context(|| format!("--out: writing {}", file.display()))?;
    // Errors name the written file's lines, which is what a user can open.
    let scenario = Scenario::from_file(&file).map_err(|e| anyhow::anyhow!("{e}"))?;
    let schedule = scenario.rounds.as_ref().context("the generated scenario has no round schedule")?;
    let generator = schedule.generator.as_ref().context("the generated scenario has no [twins] generate")?;
    let count = generator.count().context("the enumeration does not fit in a seed")?;
    let seeds = match args.sample {
        Some(k) => args.seed..args.seed.saturating_add(k.min(count)),
        None => 0..count,
    };
    println!(
        "twins: {name} ({}): {count} schedules = ({} leaders x {} partitions)^{} rounds, GST {:?}; playing {} of them",
        file.display(),
        generator.leaders.len(),
        generator.partitions.len(),
        generator.rounds,
        schedule.gst,
        seeds.end - seeds.start,
    );
    let plan = Plan { seeds, shard: None, budget: args.time_budget };
    let outcome = run_plan(&file, &plan, args.jobs, Some(&args.out), Reports::Failing)?;
    println!("{}", outcome.render());
    let ran = outcome.results.len() as u64;
    let seconds = outcome.wall_time.as_secs_f64();
    println!(
        "twins: covered {ran} of {count} schedules ({:.1}%) in {seconds:.1}s wall: {:.2} scenarios/s",
        100.0 * ran as f64 / count as f64,
        ran as f64 / seconds.max(1e-9)
    );
    if let Some(path) = &args.junit {
        write("--junit", path, &sweeps::junit(&outcome))?;
    }
    Ok(if outcome.passed() { 0 } else { 1 })
}
