//! The result of one run: history, verdicts, figures and timing. Produced by
//! `world::run`, consumed by [`report`](crate::report),
//! [`summary`](crate::summary) and `sweep`.

use crate::checkers::Verdict;
use crate::events::Event;
use crate::metrics::Metrics;
use crate::scenario::{Fault, FaultWindow};
use std::time::Duration;

/// Everything one run produced.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    /// `scenario.name`.
    pub scenario: String,
    /// The seed it ran with.
    pub seed: u64,
    /// The recorded history.
    pub events: Vec<Event>,
    /// SHA-256 of `events.jsonl`.
    pub history_hash: String,
    /// Built-in then system verdicts (plus a failed `panic` verdict if the simulation
    /// panicked).
    pub verdicts: Vec<Verdict>,
    /// Derived figures.
    pub metrics: Metrics,
    /// The scenario's fault windows.
    pub windows: Vec<FaultWindow>,
    /// The fault timeline played: the scenario's, or the one its `[nemesis]` drew.
    pub faults: Vec<Fault>,
    /// Simulated length of the run.
    pub sim_time: Duration,
    /// Wall-clock time the run took.
    pub wall_time: Duration,
    /// Simulated seconds per wall-clock second.
    pub sim_per_wall: f64,
}

impl RunOutcome {
    /// Whether every verdict passed.
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(|v| v.passed)
    }

    /// The failed verdicts.
    pub fn failures(&self) -> Vec<&Verdict> {
        self.verdicts.iter().filter(|v| !v.passed).collect()
    }
}
