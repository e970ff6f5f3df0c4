//! Seed sweeps: run one scenario under many seeds, in this process one after another
//! ([`sweep_each`]) or in worker processes ([`sweep_pool`], each serving seeds through
//! [`serve`]), all of a range or one shard of it ([`Plan`]), under an optional wall-clock
//! budget. One progress bar either way (hidden when stderr is not a terminal), then a
//! table of the failing seeds, each with its failed checkers and the command that replays
//! it, optionally as JUnit XML ([`junit()`]); the JSON outcomes of a sharded sweep's
//! shards merge into one ([`merge()`]). The caller exits non-zero when
//! [`SweepOutcome::passed`] is false.

mod junit;
mod merge;
mod plan;
mod pool;
mod progress;
mod results;
mod worker;

pub use junit::junit;
pub use merge::{merge, read_dir, Merged};
pub use plan::{parse_seeds, Plan, Shard};
pub use pool::{sweep_pool, RETIRE_AFTER};
pub use results::{replay_command, SeedResult, SweepOutcome};
pub use worker::serve;

use crate::outcome::RunOutcome;
use crate::scenario::Scenario;
use crate::world::{run, SimSystem};
use progress::Progress;
use std::ops::Range;
use std::sync::Arc;

/// Runs `scenario` for every seed in `seeds`, in this process; `system` builds a fresh
/// system per seed.
pub fn sweep(
    scenario: &Scenario,
    seeds: Range<u64>,
    system: impl FnMut(u64) -> Arc<dyn SimSystem>,
) -> SweepOutcome {
    sweep_each(scenario, &Plan::all(seeds), system, |_| {})
}

/// Runs `plan` in this process and hands each run's full outcome to `on_run` (to write
/// the report of a failing seed, say) before dropping it.
pub fn sweep_each(
    scenario: &Scenario,
    plan: &Plan,
    mut system: impl FnMut(u64) -> Arc<dyn SimSystem>,
    mut on_run: impl FnMut(&RunOutcome),
) -> SweepOutcome {
    let mut progress = Progress::new(scenario, plan);
    let mut seeds = plan.seeds();
    while progress.may_start() {
        let Some(seed) = seeds.next() else { break };
        let outcome = run(scenario, seed, system(seed));
        on_run(&outcome);
        progress.record(SeedResult::from_run(&outcome));
    }
    progress.finish(scenario, plan, seeds.collect())
}
