//! kraken-sim: a deterministic simulation testbed that knows nothing of Starknet.
//!
//! A [`scenario::Scenario`] (TOML) says what happens in one run; the madsim world runs
//! a [`world::SimSystem`] under it for one seed and records an [`events::EventLog`];
//! [`checkers`] judge the recorded history only; [`metrics`] and [`report`] turn it into
//! figures, CSVs and charts; [`sweep`] runs many seeds.

pub mod charts;
pub mod checkers;
pub mod disk;
pub mod events;
pub mod history;
pub mod metrics;
pub mod outcome;
pub mod report;
pub mod scenario;
pub mod summary;
#[cfg(madsim)]
pub mod sweep;
#[cfg(madsim)]
pub mod world;
