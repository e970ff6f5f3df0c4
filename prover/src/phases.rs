//! Wall time of each proving phase, for reports and benchmarks. Plain `Instant` laps: one
//! clock read per phase, so measuring costs nothing next to the phases themselves.

use std::time::{Duration, Instant};

/// Where a proof's time went. The engine fills every phase but `vm` and `trace`, which the
/// Cairo front end measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PhaseTimes {
    /// cairo-vm's run of the program.
    pub vm: Duration,
    /// Building the main trace from the run.
    pub trace: Duration,
    /// Interpolating the main columns and extending them to the LDE coset.
    pub lde: Duration,
    pub main_commit: Duration,
    /// Building, extending and committing the aux columns.
    pub aux: Duration,
    /// Evaluating the constraints (over their zerofiers) on the LDE coset.
    pub composition: Duration,
    /// Interpolating the composition, splitting it into parts, extending and committing them.
    pub comp_commit: Duration,
    /// Evaluating every column and part out of domain.
    pub ood: Duration,
    pub deep: Duration,
    /// FRI folding, layer commitments and the final layer.
    pub fri: Duration,
    /// Grinding and the query openings.
    pub queries: Duration,
}

impl PhaseTimes {
    /// Every phase with its name, in protocol order.
    pub fn entries(&self) -> [(&'static str, Duration); 11] {
        [
            ("vm", self.vm),
            ("trace", self.trace),
            ("lde", self.lde),
            ("main_commit", self.main_commit),
            ("aux", self.aux),
            ("composition", self.composition),
            ("comp_commit", self.comp_commit),
            ("ood", self.ood),
            ("deep", self.deep),
            ("fri", self.fri),
            ("queries", self.queries),
        ]
    }
}

impl std::fmt::Display for PhaseTimes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (name, d)) in self.entries().iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{name} {:.1} ms", d.as_secs_f64() * 1e3)?;
        }
        Ok(())
    }
}

/// Consecutive phases: each `lap` is the time since the previous one (or the start).
pub(crate) struct Laps(Instant);

impl Laps {
    pub(crate) fn start() -> Self {
        Laps(Instant::now())
    }

    pub(crate) fn lap(&mut self) -> Duration {
        let now = Instant::now();
        let d = now - self.0;
        self.0 = now;
        d
    }
}
