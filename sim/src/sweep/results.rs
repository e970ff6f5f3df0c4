//! A sweep's results: one [`SeedResult`] per seed that ran, the seeds that did not, and
//! the closing table of the failing seeds, each with its failed checkers and the command
//! that replays it. Both serialize: worker processes send seed results as JSON lines, and
//! `--json` writes the outcome that `sweep-merge` reads.

use super::plan::Plan;
use crate::checkers::Verdict;
use crate::outcome::RunOutcome;
use crate::scenario::format_duration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::time::Duration;

/// One seed's result, without its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedResult {
    /// The seed.
    pub seed: u64,
    /// The failed verdicts (empty when the run passed).
    pub failures: Vec<Verdict>,
    /// The run's history hash (empty when the run left no history: its worker died).
    pub history_hash: String,
    /// Transactions committed.
    pub committed: u64,
    /// Wall-clock time of the run.
    pub wall_time: Duration,
}

impl SeedResult {
    /// What a sweep keeps of a run.
    pub fn from_run(outcome: &RunOutcome) -> SeedResult {
        SeedResult {
            seed: outcome.seed,
            failures: outcome.failures().into_iter().cloned().collect(),
            history_hash: outcome.history_hash.clone(),
            committed: outcome.metrics.summary.committed,
            wall_time: outcome.wall_time,
        }
    }

    /// A seed that produced no result: one failed verdict of `checker`.
    pub fn lost(seed: u64, checker: &str, detail: String) -> SeedResult {
        SeedResult {
            seed,
            failures: vec![Verdict::fail(checker, detail)],
            history_hash: String::new(),
            committed: 0,
            wall_time: Duration::ZERO,
        }
    }
}

/// Every seed's result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepOutcome {
    /// `scenario.name`.
    pub scenario: String,
    /// The scenario file.
    pub origin: String,
    /// What was asked for.
    pub plan: Plan,
    /// Results in seed order.
    pub results: Vec<SeedResult>,
    /// The planned seeds that never started (the time budget was spent), in seed order.
    pub not_run: Vec<u64>,
    /// Wall-clock time of the sweep.
    pub wall_time: Duration,
}

/// The command that replays one seed of the scenario file `origin`.
pub fn replay_command(origin: &str, seed: u64) -> String {
    format!("cargo run -- scenario {origin} --seed {seed}")
}

impl SweepOutcome {
    /// Whether every seed that ran passed.
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

    /// The closing table: counts, the seeds not run, then one block per failing seed
    /// with its replay command.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let distinct: BTreeSet<&str> = self
            .results
            .iter()
            .map(|r| r.history_hash.as_str())
            .filter(|h| !h.is_empty())
            .collect();
        let failed = self.failed();
        let shard = match self.plan.shard {
            Some(shard) => format!(" shard {shard}"),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "{}  sweep {} ({}){shard}: {} seeds, {} passed, {} failed, {} distinct histories, {:.1}s wall",
            if failed.is_empty() { "PASS" } else { "FAIL" },
            self.scenario,
            self.origin,
            self.results.len(),
            self.results.len() - failed.len(),
            failed.len(),
            distinct.len(),
            self.wall_time.as_secs_f64()
        );
        if !self.not_run.is_empty() {
            let why = match self.plan.budget {
                Some(budget) => format!("time budget {} spent", format_duration(budget)),
                None => "never started".into(),
            };
            let _ = writeln!(
                out,
                "  {} seeds not run ({why}): {}",
                self.not_run.len(),
                seed_list(&self.not_run)
            );
        }
        for r in failed {
            let checkers: Vec<&str> = r.failures.iter().map(|v| v.checker.as_str()).collect();
            let _ = writeln!(
                out,
                "  seed {:<6} {}: {}",
                r.seed,
                checkers.join(", "),
                r.failures[0].detail
            );
            let _ = writeln!(out, "    replay: {}", replay_command(&self.origin, r.seed));
        }
        out
    }
}

/// Sorted seeds written briefly: runs of consecutive seeds as `A..B` (B exclusive, as
/// `--seeds` takes them), the others one by one.
pub fn seed_list(seeds: &[u64]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < seeds.len() {
        let mut j = i + 1;
        while j < seeds.len() && seeds[j] == seeds[j - 1] + 1 {
            j += 1;
        }
        parts.push(match j - i {
            1 => seeds[i].to_string(),
            2 => format!("{}, {}", seeds[i], seeds[i + 1]),
            _ => format!("{}..{}", seeds[i], seeds[j - 1] + 1),
        });
        i = j;
    }
    parts.join(", ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn result(seed: u64, failures: Vec<Verdict>, hash: &str) -> SeedResult {
        SeedResult {
            seed,
            failures,
            history_hash: hash.into(),
            committed: 5,
            wall_time: Duration::from_millis(1500),
        }
    }

    pub(crate) fn outcome(results: Vec<SeedResult>, not_run: Vec<u64>) -> SweepOutcome {
        SweepOutcome {
            scenario: "p".into(),
            origin: "scenarios/p.toml".into(),
            plan: Plan::all(0..10),
            results,
            not_run,
            wall_time: Duration::ZERO,
        }
    }

    #[test]
    fn renders_failures_with_replay_commands() {
        let bad = vec![Verdict::fail("liveness", "no commit by n3")];
        let sweep = outcome(vec![result(1, vec![], "a"), result(2, bad, "b")], vec![]);
        assert!(!sweep.passed());
        assert_eq!(
            sweep.render(),
            "FAIL  sweep p (scenarios/p.toml): 2 seeds, 1 passed, 1 failed, 2 distinct histories, 0.0s wall\n  seed 2      liveness: no commit by n3\n    replay: cargo run -- scenario scenarios/p.toml --seed 2\n"
        );
    }

    #[test]
    fn renders_the_seeds_not_run_and_the_shard() {
        let mut sweep = outcome(vec![result(1, vec![], "a")], vec![3, 5, 6, 7, 8, 10, 11]);
        sweep.plan.budget = Some(Duration::from_secs(600));
        sweep.plan.shard = Some(super::super::plan::Shard { index: 1, count: 2 });
        assert!(sweep.passed(), "seeds not run are no failure");
        assert_eq!(
            sweep.render(),
            "PASS  sweep p (scenarios/p.toml) shard 1/2: 1 seeds, 1 passed, 0 failed, 1 distinct histories, 0.0s wall\n  7 seeds not run (time budget 600s spent): 3, 5..9, 10, 11\n"
        );
    }

    #[test]
    fn a_lost_seed_has_no_history() {
        let lost = SeedResult::lost(4, "worker", "killed".into());
        let sweep = outcome(vec![result(1, vec![], "a"), lost], vec![]);
        assert!(
            sweep.render().contains("1 failed, 1 distinct histories"),
            "{}",
            sweep.render()
        );
        assert!(
            sweep.render().contains("seed 4      worker: killed"),
            "{}",
            sweep.render()
        );
    }
}
