//! Scenario files: the TOML schema, its parser and its semantic rules.
//!
//! A scenario says what happens in one simulated run: how long it lasts, the committee,
//! the network, the offered load, which identities get a Twins copy, a timeline of
//! faults and the bounds the checkers hold the run to. Every error names the file, the
//! line and the key (`scenarios/x.toml:12: faults[2].crash: unknown node "n7" ...`).
//! See `sim/README.md` for the full schema with its defaults.

mod duration;
mod faults_toml;
mod load;
mod locate;
mod nemesis;
mod quantity;
mod raw;
mod rounds;
mod size;
mod validate;
mod validate_nemesis;
mod validate_rounds;
mod windows;

pub use duration::{format_duration, parse_duration};
pub use faults_toml::faults_toml;
pub use rounds::{permute, rounds_toml, RoundPlan, RoundSchedule, RoundsGenerator};
pub use nemesis::{NemesisKind, NemesisSpec, DISK_FULL_FREE};
pub use size::{format_size, parse_size};
pub use load::{LoadPhase, LoadSpec, DEFAULT_RESUBMIT_AFTER};
pub use validate::{MAX_DURATION, MAX_OFFERED, MAX_TX_SIZE};
pub use validate_nemesis::MAX_NEMESIS_FAULTS;
pub use windows::FaultWindow;

use std::fmt;
use std::path::Path;
use std::time::Duration;

/// One node process: identity `i` ("n{i}") or its Twins copy ("n{i}'").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeCopy {
    /// Index of the identity in the committee (0..N).
    pub identity: usize,
    /// Whether this is the second, Twins copy of the identity.
    pub twin: bool,
}

impl fmt::Display for NodeCopy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}{}", self.identity, if self.twin { "'" } else { "" })
    }
}

/// The node processes of a committee of `size` with Twins copies of `twins`: n0..n{N-1},
/// then the copies.
fn copies_of(size: usize, twins: &[usize]) -> Vec<NodeCopy> {
    let honest = (0..size).map(|identity| NodeCopy { identity, twin: false });
    honest.chain(twins.iter().map(|&identity| NodeCopy { identity, twin: true })).collect()
}

/// Uniform one-way latency range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    /// Shortest one-way delay.
    pub min: Duration,
    /// Longest one-way delay (inclusive of `min`; equal means fixed latency).
    pub max: Duration,
}

/// Link quality: the `[network]` table, or a `network` fault.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetworkSpec {
    /// One-way latency range.
    pub latency: Latency,
    /// Packet loss probability in [0, 1).
    pub loss: f64,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        NetworkSpec {
            latency: Latency {
                min: Duration::from_millis(1),
                max: Duration::from_millis(10),
            },
            loss: 0.0,
        }
    }
}

/// The `[disk]` table: what a crash does to the writes a node has not synced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiskSpec {
    /// A crash loses every write since the node's last sync (a real disk's cache does).
    pub lose_unsynced: bool,
    /// A crash keeps a prefix of the last unsynced write (needs `lose_unsynced`).
    pub torn_writes: bool,
}

impl Default for DiskSpec {
    fn default() -> Self {
        DiskSpec {
            lose_unsynced: true,
            torn_writes: false,
        }
    }
}

/// The `[cpu]` table: each host's cores. The system charges its work to them (see
/// `cpu::Cores`); without the table work costs no simulated time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CpuSpec {
    /// Cores of each host, or of the one machine when `shared`.
    pub cores: usize,
    /// Every node copy and the load client run on one machine of `cores` cores (as a
    /// cluster benchmarked on one machine does); otherwise each copy is its own host and
    /// the client's work is not charged.
    pub shared: bool,
    /// Multiplies every cost: another machine's speed against the calibration's.
    pub scale: f64,
}

/// What a fault does when its time comes.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultAction {
    /// Clog every link between copies in different groups, both ways (replaces any
    /// earlier partition).
    Partition(Vec<Vec<NodeCopy>>),
    /// Lift every partition and cut.
    Heal,
    /// Clog the link `from -> to` (and back when `both`).
    Cut {
        /// Sending side.
        from: NodeCopy,
        /// Receiving side.
        to: NodeCopy,
        /// Also clog `to -> from`.
        both: bool,
    },
    /// Kill the node process; its disk survives (what it did not sync as `[disk]` says).
    Crash(NodeCopy),
    /// Start a crashed node again from its disk.
    Restart(NodeCopy),
    /// Stop scheduling the node's tasks.
    Pause(NodeCopy),
    /// Schedule a paused node's tasks again.
    Resume(NodeCopy),
    /// Change link quality from here on (the new full spec).
    Network(NetworkSpec),
    /// Crash the node inside its next disk sync: the writes of that commit are lost as
    /// at a crash (`[disk]`), the last one maybe torn.
    PowerCut(NodeCopy),
    /// Every write and sync on the node's disk fails (EIO).
    DiskError(NodeCopy),
    /// The node's disk fills up: only `free` more bytes fit.
    DiskFull {
        /// Whose disk.
        node: NodeCopy,
        /// Bytes that still fit.
        free: u64,
    },
    /// Lift `DiskError` and `DiskFull` on the node's disk.
    DiskOk(NodeCopy),
    /// Kill the prover (`crash = "prover"`); what it stored stays in the store.
    CrashProver,
    /// Start the crashed prover again (`restart = "prover"`).
    RestartProver,
    /// The prover's object store becomes unreachable (`store = "down"`).
    StoreDown,
    /// The object store answers again (`store = "up"`).
    StoreUp,
}

/// One entry of the fault timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// When it happens, from the start of the run.
    pub at: Duration,
    /// What happens.
    pub action: FaultAction,
}

impl fmt::Display for FaultAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultAction::Partition(groups) => {
                let groups: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        g.iter()
                            .map(|c| c.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect();
                write!(f, "partition {}", groups.join(" | "))
            }
            FaultAction::Heal => write!(f, "heal"),
            FaultAction::Cut { from, to, both } => {
                write!(f, "cut {from}{}{to}", if *both { "<->" } else { "->" })
            }
            FaultAction::Crash(c) => write!(f, "crash {c}"),
            FaultAction::Restart(c) => write!(f, "restart {c}"),
            FaultAction::Pause(c) => write!(f, "pause {c}"),
            FaultAction::Resume(c) => write!(f, "resume {c}"),
            FaultAction::Network(n) => write!(
                f,
                "network loss={} latency={}..{}",
                n.loss,
                format_duration(n.latency.min),
                format_duration(n.latency.max)
            ),
            FaultAction::PowerCut(c) => write!(f, "power_cut {c}"),
            FaultAction::DiskError(c) => write!(f, "disk_error {c}"),
            FaultAction::DiskFull { node, free } => {
                write!(f, "disk_full {node} free={}", format_size(*free))
            }
            FaultAction::DiskOk(c) => write!(f, "disk_ok {c}"),
            FaultAction::CrashProver => write!(f, "crash prover"),
            FaultAction::RestartProver => write!(f, "restart prover"),
            FaultAction::StoreDown => write!(f, "store down"),
            FaultAction::StoreUp => write!(f, "store up"),
        }
    }
}

/// The `[byzantine]` table: members whose every copy runs the system's byzantine
/// strategies on its outgoing messages. The simulator knows only their names; the
/// system checks them before the run ([`SimSystem`](crate::world::SimSystem)).
#[derive(Clone, Debug, PartialEq)]
pub struct ByzantineSpec {
    /// Identities, ascending; with the twins, at most f of them.
    pub nodes: Vec<usize>,
    /// Strategy names, as written, none twice.
    pub strategies: Vec<String>,
    /// Share of the messages a strategy applies to that it tampers with, in (0, 1].
    pub rate: f64,
}

/// `[byzantine] rate` when the file gives none.
pub const DEFAULT_BYZANTINE_RATE: f64 = 0.5;

/// The `[checks]` table: the bounds the checkers hold the run to.
#[derive(Clone, Debug, PartialEq)]
pub struct Checks {
    /// After the last fault heals, every live honest node commits within this.
    pub liveness_within: Duration,
    /// Optional bound on every committed transaction's submit-to-commit latency.
    pub max_tx_latency: Option<Duration>,
    /// Judge safety only: no liveness, no owed transactions, no latency bound (faults
    /// may then exceed f).
    pub safety_only: bool,
}

/// A parsed, validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Where it came from (a path, or a name given to [`Scenario::from_str`]).
    pub origin: String,
    /// `scenario.name`, by default the file stem.
    pub name: String,
    /// `scenario.description`.
    pub description: String,
    /// Default seed (`--seed` overrides).
    pub seed: u64,
    /// Simulated run length.
    pub duration: Duration,
    /// Committee size N (>= 4; tolerates f = (N-1)/3, quorum N - f).
    pub committee_size: usize,
    /// Link quality at the start.
    pub network: NetworkSpec,
    /// Offered load.
    pub load: LoadSpec,
    /// What a crash does to each node's unsynced writes.
    pub disk: DiskSpec,
    /// Identities that get a Twins copy, ascending.
    pub twins: Vec<usize>,
    /// `[twins] rounds` or `generate`: the first rounds' leaders and partitions.
    pub rounds: Option<RoundSchedule>,
    /// The fault timeline, sorted by time (stable for equal times); with `nemesis`,
    /// empty until [`Scenario::for_seed`] draws it.
    pub faults: Vec<Fault>,
    /// The `[nemesis]` table: faults drawn from the run's seed.
    pub nemesis: Option<NemesisSpec>,
    /// The `[byzantine]` table: members that tamper with their own messages.
    pub byzantine: Option<ByzantineSpec>,
    /// Checker bounds.
    pub checks: Checks,
    /// The `[node]` table, handed to the system unchanged.
    pub node: toml::Table,
    /// The `[prover]` table, handed to the system unchanged: when present, a prover
    /// follows the chain beside the nodes, with an object store for its proofs.
    pub prover: Option<toml::Table>,
    /// The `[cpu]` table, if the hosts' CPU is charged.
    pub cpu: Option<CpuSpec>,
    /// The scenario file's text, as read (reports keep a copy).
    pub source: String,
}

/// Why a scenario was rejected.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{origin}: {source}")]
    Io {
        /// The path.
        origin: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A syntax, schema or semantic error at a line of the file.
    #[error("{origin}:{line}: {}{message}", if key.is_empty() { String::new() } else { format!("{key}: ") })]
    Invalid {
        /// The path or name of the scenario.
        origin: String,
        /// 1-based line.
        line: usize,
        /// Dotted key path, e.g. `faults[2].crash` (empty for syntax errors).
        key: String,
        /// What is wrong.
        message: String,
    },
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            origin: origin.clone(),
            source,
        })?;
        Scenario::from_str(&text, &origin)
    }

    /// Parses and validates scenario text; `origin` names it in errors and its file stem
    /// is the default name.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        validate::parse(text, origin)
    }

    /// The number of byzantine identities tolerated, f = (N-1)/3.
    pub fn f(&self) -> usize {
        (self.committee_size - 1) / 3
    }

    /// Every node process: n0..n{N-1}, then the Twins copies.
    pub fn copies(&self) -> Vec<NodeCopy> {
        copies_of(self.committee_size, &self.twins)
    }

    /// This scenario as `seed` plays it: with `[nemesis]`, its faults are the ones the
    /// nemesis draws from `seed` (the same seed draws the same faults).
    pub fn for_seed(&self, seed: u64) -> Scenario {
        let mut scenario = self.clone();
        if let Some(spec) = &self.nemesis {
            scenario.faults =
                nemesis::generate(spec, seed, &self.copies(), self.duration, self.network);
        }
        if let Some(schedule) = &mut scenario.rounds {
            if let Some(generator) = &schedule.generator {
                schedule.plans = generator.for_seed(seed);
            }
        }
        scenario
    }

    /// The intervals during which faults were in force (for charts and liveness).
    pub fn fault_windows(&self) -> Vec<FaultWindow> {
        windows::fault_windows(self)
    }

    /// When the fault configuration last changed: the latest end of a closed window or
    /// start of an open one, or a round schedule's GST (0 without either). Liveness is
    /// judged from here.
    pub fn last_heal(&self) -> Duration {
        self.fault_windows()
            .iter()
            .filter(|w| !w.beside_nodes)
            .map(|w| w.end.unwrap_or(w.start))
            .chain(self.rounds.as_ref().map(|r| r.gst))
            .max()
            .unwrap_or(Duration::ZERO)
    }

    /// The command that replays this scenario with `seed`.
    pub fn replay_command(&self, seed: u64) -> String {
        format!("cargo run -- scenario {} --seed {seed}", self.origin)
    }
}

#[cfg(test)]
mod hostile;
#[cfg(test)]
mod nemesis_tests;
#[cfg(test)]
mod tests;
