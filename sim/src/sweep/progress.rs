//! A sweep in progress: the progress bar (hidden when stderr is not a terminal), the
//! results so far, and whether the time budget lets another seed start. Fed the same way
//! whether seeds run in this process or in worker processes.

use super::plan::Plan;
use super::results::{SeedResult, SweepOutcome};
use crate::scenario::Scenario;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::{Duration, Instant};

/// Results collected while seeds run.
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    budget: Option<Duration>,
    results: Vec<SeedResult>,
    failed: usize,
}

impl Progress {
    /// Starts the clock and the bar for `plan`'s seeds.
    pub fn new(scenario: &Scenario, plan: &Plan) -> Progress {
        let total = plan.seeds().count() as u64;
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} seeds, {msg} ({elapsed})",
            )
            .expect("progress template")
            .progress_chars("=> "),
        );
        bar.set_prefix(format!("sweep {}", scenario.name));
        Progress {
            bar,
            start: Instant::now(),
            budget: plan.budget,
            results: Vec::with_capacity(total as usize),
            failed: 0,
        }
    }

    /// Whether another seed may start: the budget, if any, is not spent yet.
    pub fn may_start(&self) -> bool {
        self.budget.is_none_or(|b| self.start.elapsed() < b)
    }

    /// Records a finished seed.
    pub fn record(&mut self, result: SeedResult) {
        if !result.failures.is_empty() {
            self.failed += 1;
        }
        self.bar.set_message(format!("{} failed", self.failed));
        self.bar.inc(1);
        self.results.push(result);
    }

    /// The outcome; `not_run` are the planned seeds that never started.
    pub fn finish(mut self, scenario: &Scenario, plan: &Plan, not_run: Vec<u64>) -> SweepOutcome {
        self.bar.finish_and_clear();
        // Workers finish in any order.
        self.results.sort_by_key(|r| r.seed);
        SweepOutcome {
            scenario: scenario.name.clone(),
            origin: scenario.origin.clone(),
            plan: plan.clone(),
            results: self.results,
            not_run,
            wall_time: self.start.elapsed(),
        }
    }
}

/// Records each of `results` (a seed lost with its worker, if any).
impl Extend<SeedResult> for Progress {
    fn extend<I: IntoIterator<Item = SeedResult>>(&mut self, results: I) {
        for result in results {
            self.record(result);
        }
    }
}
