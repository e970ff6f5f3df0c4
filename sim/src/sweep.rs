//! Seed sweeps: run one scenario under many seeds, one after another in this thread,
//! with a progress bar (hidden when stderr is not a terminal), then a table of the
//! failing seeds, each with its failed checkers and the command that replays it.
//! The caller exits non-zero when [`SweepOutcome::passed`] is false.

use crate::checkers::Verdict;
use crate::outcome::RunOutcome;
use crate::scenario::Scenario;
use crate::world::{run, SimSystem};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One seed's result, without its history.
#[derive(Clone, Debug)]
pub struct SeedResult {
    /// The seed.
    pub seed: u64,
    /// The failed verdicts (empty when the run passed).
    pub failures: Vec<Verdict>,
    /// The run's history hash.
    pub history_hash: String,
    /// Transactions committed.
    pub committed: u64,
    /// Wall-clock time of the run.
    pub wall_time: Duration,
}

/// Every seed's result.
#[derive(Clone, Debug)]
pub struct SweepOutcome {
    /// `scenario.name`.
    pub scenario: String,
    /// The scenario file.
    pub origin: String,
    /// Results in seed order.
    pub results: Vec<SeedResult>,
    /// Wall-clock time of the sweep.
    pub wall_time: Duration,
}

impl SweepOutcome {
    /// Whether every seed passed.
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.failures.is_empty())
    }

    /// The seeds that failed.
    pub fn failed(&self) -> Vec<&SeedResult> {
        self.results
            .iter()
            .filter(|r| !r.failures.is_empty())
            .collect()
    }

    /// The closing table: counts, then one block per failing seed with its replay command.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let distinct: BTreeSet<&str> = self
            .results
            .iter()
            .map(|r| r.history_hash.as_str())
            .collect();
        let failed = self.failed();
        let _ = writeln!(
            out,
            "{}  sweep {} ({}): {} seeds, {} passed, {} failed, {} distinct histories, {:.1}s wall",
            if failed.is_empty() { "PASS" } else { "FAIL" },
            self.scenario,
            self.origin,
            self.results.len(),
            self.results.len() - failed.len(),
            failed.len(),
            distinct.len(),
            self.wall_time.as_secs_f64()
        );
        for r in failed {
            let checkers: Vec<&str> = r.failures.iter().map(|v| v.checker.as_str()).collect();
            let _ = writeln!(
                out,
                "  seed {:<6} {}: {}",
                r.seed,
                checkers.join(", "),
                r.failures[0].detail
            );
            let _ = writeln!(
                out,
                "    replay: cargo run -- scenario {} --seed {}",
                self.origin, r.seed
            );
        }
        out
    }
}

/// Parses a seed range written `A..B` (B exclusive) or a single seed `A`.
pub fn parse_seeds(text: &str) -> Result<Range<u64>, String> {
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("seed range {text:?}: {s:?} is not a seed"))
    };
    let range = match text.split_once("..") {
        Some((a, b)) => number(a)?..number(b)?,
        None => {
            let a = number(text)?;
            a..a + 1
        }
    };
    if range.is_empty() {
        return Err(format!(
            "seed range {text:?} is empty (write A..B with A < B)"
        ));
    }
    Ok(range)
}

/// Runs `scenario` for every seed in `seeds`; `system` builds a fresh system per seed.
pub fn sweep(
    scenario: &Scenario,
    seeds: Range<u64>,
    system: impl FnMut(u64) -> Arc<dyn SimSystem>,
) -> SweepOutcome {
    sweep_each(scenario, seeds, system, |_| {})
}

/// Like [`sweep`], and hands each run's full outcome to `on_run` (to write the report of
/// a failing seed, say) before dropping it.
pub fn sweep_each(
    scenario: &Scenario,
    seeds: Range<u64>,
    mut system: impl FnMut(u64) -> Arc<dyn SimSystem>,
    mut on_run: impl FnMut(&RunOutcome),
) -> SweepOutcome {
    let start = Instant::now();
    let bar =
        ProgressBar::with_draw_target(Some(seeds.end - seeds.start), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} seeds, {msg} ({elapsed})")
            .expect("progress template")
            .progress_chars("=> "),
    );
    bar.set_prefix(format!("sweep {}", scenario.name));
    let mut results = Vec::new();
    let mut failed = 0;
    for seed in seeds {
        let outcome = run(scenario, seed, system(seed));
        on_run(&outcome);
        if !outcome.passed() {
            failed += 1;
        }
        bar.set_message(format!("{failed} failed"));
        bar.inc(1);
        results.push(SeedResult {
            seed,
            failures: outcome.failures().into_iter().cloned().collect(),
            history_hash: outcome.history_hash,
            committed: outcome.metrics.summary.committed,
            wall_time: outcome.wall_time,
        });
    }
    bar.finish_and_clear();
    SweepOutcome {
        scenario: scenario.name.clone(),
        origin: scenario.origin.clone(),
        results,
        wall_time: start.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seed_ranges() {
        assert_eq!(parse_seeds("0..100"), Ok(0..100));
        assert_eq!(parse_seeds("7"), Ok(7..8));
        assert!(parse_seeds("5..5").unwrap_err().contains("empty"));
        assert!(parse_seeds("a..3").unwrap_err().contains("not a seed"));
    }

    #[test]
    fn renders_failures_with_replay_commands() {
        let ok = SeedResult {
            seed: 1,
            failures: vec![],
            history_hash: "a".into(),
            committed: 5,
            wall_time: Duration::ZERO,
        };
        let bad = SeedResult {
            seed: 2,
            failures: vec![Verdict::fail("liveness", "no commit by n3")],
            history_hash: "b".into(),
            committed: 3,
            wall_time: Duration::ZERO,
        };
        let sweep = SweepOutcome {
            scenario: "p".into(),
            origin: "scenarios/p.toml".into(),
            results: vec![ok, bad],
            wall_time: Duration::ZERO,
        };
        assert!(!sweep.passed());
        assert_eq!(
            sweep.render(),
            "FAIL  sweep p (scenarios/p.toml): 2 seeds, 1 passed, 1 failed, 2 distinct histories, 0.0s wall\n  seed 2      liveness: no commit by n3\n    replay: cargo run -- scenario scenarios/p.toml --seed 2\n"
        );
    }
}
