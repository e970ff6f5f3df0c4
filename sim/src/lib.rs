//! kraken-sim: a deterministic simulation testbed that knows nothing of Starknet.
//!
//! A [`scenario::Scenario`] (TOML) says what happens in one run; the madsim world
//! (`world`, simulated build only) runs a `SimSystem` under it for one seed and records
//! an [`events::EventLog`] of [`events::Event`]s; [`checkers`] judge the recorded
//! [`history::History`] only; [`metrics`], [`report`], [`charts`] and [`summary`] turn it
//! into figures, CSVs, charts and a terminal summary; `sweep` (simulated build only)
//! runs many seeds. Node copies keep a [`disk::SimDisk`] across crash and restart.
//!
//! See `sim/README.md` for the scenario schema, the fault actions, the checkers and the
//! report files.

pub mod charts;
pub mod checkers;
#[cfg(madsim)]
pub mod cpu;
pub mod disk;
pub mod events;
pub mod history;
pub mod metrics;
pub mod objects;
pub mod outcome;
pub mod report;
pub mod scenario;
#[cfg(madsim)]
pub mod shrink;
pub mod summary;
#[cfg(madsim)]
pub mod sweep;
pub mod twins;
#[cfg(madsim)]
pub mod world;

/// The prover's name in the history (it records its events under it).
pub const PROVER: &str = "prover";
