//! The worker side of a parallel sweep ([`super::pool`]): say [`READY`] once set up, then
//! read seeds, one per line, run each, and answer with its [`SeedResult`] as one JSON
//! line, until the input ends. The parent decides which seed runs where and when to stop.

use super::results::SeedResult;
use crate::outcome::RunOutcome;
use crate::scenario::Scenario;
use crate::world::{run, SimSystem};
use std::io::{self, BufRead, Write};
use std::sync::Arc;

/// A worker's first line: it is set up (a worker that exits before saying so could not
/// start, and the parent stops the sweep rather than start the next one).
pub const READY: &str = "ready";

/// Serves seeds from `input` until it ends; `on_run` sees each full outcome first (to
/// write its report, say), and an error there stops the worker.
pub fn serve(
    scenario: &Scenario,
    mut system: impl FnMut(u64) -> Arc<dyn SimSystem>,
    mut on_run: impl FnMut(&RunOutcome) -> io::Result<()>,
    input: impl BufRead,
    mut output: impl Write,
) -> io::Result<()> {
    writeln!(output, "{READY}")?;
    output.flush()?;
    for line in input.lines() {
        let line = line?;
        let seed: u64 = line.trim().parse().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("expected a seed, got {line:?}"),
            )
        })?;
        let outcome = run(scenario, seed, system(seed));
        on_run(&outcome)?;
        serde_json::to_writer(&mut output, &SeedResult::from_run(&outcome))?;
        output.write_all(b"\n")?;
        // The parent hands out the next seed only once it reads this line.
        output.flush()?;
    }
    Ok(())
}
