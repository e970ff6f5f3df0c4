//! The scenario file exactly as written: serde structs that reject unknown keys.
//! `validate` turns them into a checked [`Scenario`](super::Scenario).

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub scenario: RawMeta,
    #[serde(default)]
    pub committee: RawCommittee,
    #[serde(default)]
    pub network: RawNetwork,
    pub load: Option<RawLoad>,
    #[serde(default)]
    pub disk: RawDisk,
    #[serde(default)]
    pub twins: RawTwins,
    #[serde(default)]
    pub faults: Vec<RawFault>,
    pub nemesis: Option<RawNemesis>,
    pub byzantine: Option<RawByzantine>,
    #[serde(default)]
    pub checks: RawChecks,
    #[serde(default)]
    pub node: toml::Table,
    pub prover: Option<toml::Table>,
    pub cpu: Option<RawCpu>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub seed: u64,
    pub duration: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommittee {
    #[serde(default = "default_size")]
    pub size: i64,
}

impl Default for RawCommittee {
    fn default() -> Self {
        RawCommittee {
            size: default_size(),
        }
    }
}

fn default_size() -> i64 {
    4
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    pub latency: Option<RawRange>,
    pub loss: Option<f64>,
}

/// `{ min = "..", max = ".." }`: a latency, or how long a nemesis fault lasts.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRange {
    pub min: String,
    pub max: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLoad {
    pub rate: Option<f64>,
    pub phases: Option<Vec<RawPhase>>,
    pub tx_size: Option<i64>,
    #[serde(default)]
    pub mix: BTreeMap<String, u64>,
    pub resubmit: Option<f64>,
    pub resubmit_after: Option<String>,
    pub duplicate: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhase {
    pub at: String,
    pub rate: f64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDisk {
    pub lose_unsynced: Option<bool>,
    pub torn_writes: Option<bool>,
}

/// `[cpu]`: the hosts' cores, on which the system charges its work.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCpu {
    pub cores: i64,
    pub shared: Option<bool>,
    pub scale: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawTwins {
    #[serde(default)]
    pub nodes: Vec<String>,
    #[serde(default)]
    pub rounds: Vec<RawRound>,
    pub generate: Option<RawGenerate>,
    pub gst: Option<String>,
}

/// `[byzantine]`: identities that run the system's byzantine strategies.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawByzantine {
    pub nodes: Vec<String>,
    pub strategies: Vec<String>,
    pub rate: Option<f64>,
}

/// `{ leader = "n1", partition = [[..], [..]] }`; no partition: a connected round.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRound {
    pub leader: String,
    pub partition: Option<Vec<Vec<String>>>,
}

/// `{ rounds = 2, partitions = 2, leaders = ["n0", "n1"], apart = true }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGenerate {
    pub rounds: i64,
    pub partitions: Option<i64>,
    pub leaders: Option<Vec<String>>,
    #[serde(default)]
    pub apart: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFault {
    pub at: String,
    pub partition: Option<Vec<Vec<String>>>,
    pub heal: Option<bool>,
    pub cut: Option<RawCut>,
    pub crash: Option<String>,
    pub restart: Option<String>,
    pub pause: Option<String>,
    pub resume: Option<String>,
    pub network: Option<RawNetwork>,
    pub power_cut: Option<String>,
    pub disk_error: Option<String>,
    pub disk_full: Option<RawDiskFull>,
    pub disk_ok: Option<String>,
    pub store: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiskFull {
    pub node: String,
    pub free: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCut {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub both: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawChecks {
    pub liveness_within: Option<String>,
    pub max_tx_latency: Option<String>,
    #[serde(default)]
    pub safety_only: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNemesis {
    pub start: Option<String>,
    pub quiet: Option<String>,
    pub faulty: Option<i64>,
    pub length: Option<RawRange>,
    pub rates: BTreeMap<String, f64>,
    pub loss: Option<f64>,
    pub latency: Option<RawRange>,
}
