//! The madsim world: runs one scenario under one seed and judges the history.
//!
//! [`run`] builds a seeded madsim runtime with the scenario's network, creates one
//! madsim node per node copy (and one for the load client), applies the fault timeline
//! from the supervisor at the scheduled simulated times, records the nemesis' events,
//! stops at `scenario.duration`, and returns the history with the checkers' verdicts and
//! the derived metrics. Everything inside is deterministic in the seed.
//!
//! IP plan: identity `i` is `10.0.0.(i+1)`, its Twins copy `10.0.1.(i+1)`, the client
//! `10.0.100.1`, the prover (with a `[prover]` table) `10.0.200.1`.

use crate::checkers::{self, Checker, Verdict};
use crate::cpu::Cores;
use crate::disk::{CrashReport, DiskHandle, SimDisk};
use crate::events::{history_hash, EventKind, EventLog, WORLD};
use crate::history::History;
use crate::metrics;
use crate::objects::SimObjectStore;
use crate::PROVER;
use futures::FutureExt;
pub use crate::outcome::RunOutcome;
use crate::scenario::{ByzantineSpec, FaultAction, LoadSpec, NetworkSpec, NodeCopy, RoundSchedule, Scenario};
use futures::future::LocalBoxFuture;
use madsim::net::NetSim;
use madsim::runtime::{Handle, Runtime};
use madsim::task::NodeId;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The system under test, as the world starts it.
pub trait SimSystem: Send + Sync + 'static {
    /// Body of one node process; called at start and again on every restart, inside
    /// that node's madsim node. When the future returns, the node process exits: the
    /// world kills what it left running and fences its disk (the machine stays up, so
    /// its unsynced writes stay too).
    fn node_main(&self, env: NodeEnv) -> LocalBoxFuture<'static, ()>;
    /// The load generator, run once inside the client's madsim node for the whole run.
    fn client_main(&self, env: ClientEnv) -> LocalBoxFuture<'static, ()>;
    /// System-specific checkers, judged after the built-in ones.
    fn checkers(&self) -> Vec<Box<dyn Checker>> {
        Vec::new()
    }
    /// The prover of a scenario with a `[prover]` table, run inside its own madsim node;
    /// called at start and again on every restart. A system without one records that
    /// it has none (and the `proofs` checker then finds no proof).
    fn prover_main(&self, env: ProverEnv) -> LocalBoxFuture<'static, ()> {
        async move {
            env.events.record(PROVER, EventKind::Note { what: "no prover".into(), detail: "this system has no prover".into() });
        }
        .boxed_local()
    }
}

/// What the prover process is given.
#[derive(Clone, Debug)]
pub struct ProverEnv {
    /// The prover's address.
    pub ip: IpAddr,
    /// Per identity, the addresses of all its copies.
    pub nodes: Vec<Vec<IpAddr>>,
    /// The scenario's `[prover]` table.
    pub config: toml::Table,
    /// The object store it keeps its proofs in: outlives its crashes, goes down and up
    /// with the scenario's `store` faults.
    pub store: SimObjectStore,
    /// 0 at the first start, +1 on every restart.
    pub incarnation: u32,
    /// The run's event log.
    pub events: EventLog,
    /// The run's seed.
    pub seed: u64,
}

/// Address of the prover.
pub const PROVER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 200, 1));

/// What one node process is given.
#[derive(Clone, Debug)]
pub struct NodeEnv {
    /// Committee index (0..N) of the identity this copy runs.
    pub identity: usize,
    /// "n1", or "n1'" for a Twins copy.
    pub name: String,
    /// Whether this is the Twins copy of the identity.
    pub is_twin_copy: bool,
    /// This copy's address.
    pub ip: IpAddr,
    /// Per identity, the addresses of all its copies (two for a twinned identity).
    pub peers: Vec<Vec<IpAddr>>,
    /// This incarnation's access to the node's disk (fenced after a crash).
    pub disk: DiskHandle,
    /// 0 at the first start, +1 on every restart.
    pub incarnation: u32,
    /// The run's event log.
    pub events: EventLog,
    /// The scenario's `[node]` table.
    pub node_config: toml::Table,
    /// The run's seed.
    pub seed: u64,
    /// The first rounds' leaders and partitions (`[twins] rounds`, or the schedule
    /// `generate` picked for this seed) and their GST, for the system to enforce on its
    /// own messages; `None` for most scenarios.
    pub rounds: Option<Arc<RoundSchedule>>,
    /// The `[byzantine]` table when this identity is one of its nodes.
    pub byzantine: Option<Arc<ByzantineSpec>>,
    /// With `[cpu]`: the host's cores (the same across restarts), and the cost scale.
    pub cpu: Option<(Arc<Cores>, f64)>,
}

/// What the load client is given.
#[derive(Clone, Debug)]
pub struct ClientEnv {
    /// The client's address.
    pub ip: IpAddr,
    /// Per identity, the addresses of all its copies.
    pub nodes: Vec<Vec<IpAddr>>,
    /// Per identity, the names of all its copies (same shape as `nodes`).
    pub names: Vec<Vec<String>>,
    /// The offered load.
    pub load: LoadSpec,
    /// The run's event log.
    pub events: EventLog,
    /// The run's seed.
    pub seed: u64,
    /// Length of the run.
    pub duration: Duration,
    /// With a shared `[cpu]`: the machine's cores, and the cost scale.
    pub cpu: Option<(Arc<Cores>, f64)>,
}

/// Address of a node copy.
pub fn ip_of(copy: NodeCopy) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        10,
        0,
        u8::from(copy.twin),
        copy.identity as u8 + 1,
    ))
}

/// Stack of the thread a simulation runs in (deep async state machines in debug builds).
const SIM_STACK: usize = 64 << 20;

/// Address of the load client.
pub const CLIENT_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 100, 1));

fn net_config(spec: &NetworkSpec, config: &mut madsim::net::Config) {
    config.packet_loss_rate = spec.loss;
    // madsim samples latency from a half-open range, which must not be empty.
    let max = spec
        .latency
        .max
        .max(spec.latency.min + Duration::from_micros(1));
    config.send_latency = spec.latency.min..max;
}

/// Runs `scenario` under `seed` with `system` and judges the history.
///
/// The simulation runs in a fresh thread of its own, so the history depends only on
/// the scenario, the seed and the binary. A panic inside it (a node, the client, or an
/// assertion in the system) is reported as a failed `panic` verdict, with the history
/// up to it. A `[nemesis]` draws its faults from `seed` first ([`Scenario::for_seed`]).
pub fn run(scenario: &Scenario, seed: u64, system: Arc<dyn SimSystem>) -> RunOutcome {
    let scenario = &scenario.for_seed(seed);
    let mut config = madsim::Config::default();
    net_config(&scenario.network, &mut config.net);
    let log_slot: Arc<std::sync::Mutex<Option<EventLog>>> = Arc::default();

    // Each simulation gets a fresh OS thread (outside the simulation): madsim can seed
    // std's HashMap `RandomState` only in a thread that has not made one yet, so in a
    // reused thread `HashMap` iteration order would depend on earlier runs.
    let wall_start = std::time::Instant::now();
    let result = {
        let (scenario, system, log_slot) = (scenario.clone(), system.clone(), log_slot.clone());
        std::thread::Builder::new()
            .name(format!("sim-seed-{seed}"))
            .stack_size(SIM_STACK)
            .spawn(move || {
                let rt = Runtime::with_seed_and_config(seed, config);
                rt.block_on(simulate(scenario, seed, system, log_slot));
            })
            .expect("spawn the simulation thread")
            .join()
    };
    let wall_time = wall_start.elapsed();

    let events = log_slot
        .lock()
        .expect("log slot")
        .as_ref()
        .map(EventLog::events)
        .unwrap_or_default();
    let history = History::new(scenario, events);
    let mut checkers = checkers::builtin(scenario);
    checkers.extend(system.checkers());
    let mut verdicts: Vec<Verdict> = checkers.iter().map(|c| c.check(&history)).collect();
    // A panicked run ends at its last event.
    let mut sim_time = scenario.duration;
    if let Err(payload) = result {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "non-string panic payload".to_string());
        sim_time = Duration::from_micros(history.events.last().map_or(0, |e| e.t_us));
        let at = format!("{:.3}s", sim_time.as_secs_f64());
        verdicts.insert(
            0,
            Verdict::fail(
                "panic",
                format!("the simulation panicked after t={at}: {message}"),
            ),
        );
    }
    RunOutcome {
        scenario: scenario.name.clone(),
        seed,
        history_hash: history_hash(&history.events),
        metrics: metrics::compute(&history),
        windows: scenario.fault_windows(),
        faults: scenario.faults.clone(),
        verdicts,
        events: history.events,
        sim_time,
        wall_time,
        sim_per_wall: sim_time.as_secs_f64() / wall_time.as_secs_f64().max(1e-9),
    }
}

/// The supervisor: creates the nodes, applies the timeline, waits out the run.
async fn simulate(
    scenario: Scenario,
    seed: u64,
    system: Arc<dyn SimSystem>,
    log_slot: Arc<std::sync::Mutex<Option<EventLog>>>,
) {
    let events = EventLog::new();
    *log_slot.lock().expect("log slot") = Some(events.clone());
    let start = madsim::time::Instant::now();
    let handle = Handle::current();

    let copies = scenario.copies();
    let peers: Vec<Vec<IpAddr>> = (0..scenario.committee_size)
        .map(|i| {
            copies
                .iter()
                .filter(|c| c.identity == i)
                .map(|c| ip_of(*c))
                .collect()
        })
        .collect();
    let names: Vec<Vec<String>> = (0..scenario.committee_size)
        .map(|i| {
            copies
                .iter()
                .filter(|c| c.identity == i)
                .map(|c| c.to_string())
                .collect()
        })
        .collect();

    // Node processes that ended by themselves, reported to the supervisor.
    let (exit_tx, mut exit_rx) = futures::channel::mpsc::unbounded::<NodeCopy>();
    let mut nodes: BTreeMap<NodeCopy, (NodeId, SimDisk)> = BTreeMap::new();
    let machine = scenario.cpu.filter(|c| c.shared).map(|c| (Arc::new(Cores::new(c.cores)), c.scale));
    for &copy in &copies {
        let cpu = match scenario.cpu {
            Some(spec) if !spec.shared => Some((Arc::new(Cores::new(spec.cores)), spec.scale)),
            _ => machine.clone(),
        };
        let disk = SimDisk::with_spec(scenario.disk, disk_seed(seed, copy));
        let incarnations = Arc::new(AtomicU32::new(0));
        let (system, events, disk_for_node, peers, exits) =
            (system.clone(), events.clone(), disk.clone(), peers.clone(), exit_tx.clone());
        let node_config = scenario.node.clone();
        let rounds = scenario.rounds.clone().map(Arc::new);
        let byzantine = scenario.byzantine.clone().filter(|b| b.nodes.contains(&copy.identity)).map(Arc::new);
        let node = handle
            .create_node()
            .name(copy.to_string())
            .ip(ip_of(copy))
            .init(move || {
                let incarnation = incarnations.fetch_add(1, Ordering::SeqCst);
                let env = NodeEnv {
                    identity: copy.identity,
                    name: copy.to_string(),
                    is_twin_copy: copy.twin,
                    ip: ip_of(copy),
                    peers: peers.clone(),
                    disk: disk_for_node.handle(),
                    incarnation,
                    events: events.clone(),
                    node_config: node_config.clone(),
                    seed,
                    rounds: rounds.clone(),
                    byzantine: byzantine.clone(),
                    cpu: cpu.clone(),
                };
                events.record(&env.name, EventKind::NodeStarted { incarnation });
                let main = system.node_main(env);
                let exits = exits.clone();
                async move {
                    main.await;
                    let _ = exits.unbounded_send(copy);
                }
            })
            .build();
        nodes.insert(copy, (node.id(), disk));
    }
    let exit_watcher = {
        let (handle, events, nodes) = (handle.clone(), events.clone(), nodes.clone());
        madsim::task::spawn(async move {
            use futures::StreamExt;
            while let Some(copy) = exit_rx.next().await {
                let (id, disk) = &nodes[&copy];
                handle.kill(*id);
                disk.fence();
                events.record(&copy.to_string(), EventKind::NodeExited);
            }
        })
    };

    let client_env = ClientEnv {
        ip: CLIENT_IP,
        nodes: peers.clone(),
        names,
        load: scenario.load.clone(),
        events: events.clone(),
        seed,
        duration: scenario.duration,
        cpu: machine,
    };
    let client_system = system.clone();
    let client = handle
        .create_node()
        .name("client")
        .ip(CLIENT_IP)
        .init(move || client_system.client_main(client_env.clone()))
        .build()
        .id();
    let store = SimObjectStore::default();
    let prover = scenario.prover.as_ref().map(|config| {
        let incarnations = Arc::new(AtomicU32::new(0));
        let env = ProverEnv {
            ip: PROVER_IP,
            nodes: peers.clone(),
            config: config.clone(),
            store: store.clone(),
            incarnation: 0,
            events: events.clone(),
            seed,
        };
        let system = system.clone();
        handle
            .create_node()
            .name(PROVER)
            .ip(PROVER_IP)
            .init(move || {
                let incarnation = incarnations.fetch_add(1, Ordering::SeqCst);
                env.events.record(PROVER, EventKind::NodeStarted { incarnation });
                system.prover_main(ProverEnv { incarnation, ..env.clone() })
            })
            .build()
            .id()
    });

    let mut nemesis = Nemesis {
        handle: &handle,
        events: &events,
        nodes: &nodes,
        prover,
        store,
        partition: BTreeSet::new(),
        cuts: BTreeSet::new(),
    };
    let windows = scenario.fault_windows();
    let mut times: Vec<Duration> = scenario.faults.iter().map(|f| f.at).collect();
    times.dedup();
    for at in times {
        madsim::time::sleep_until(start + at).await;
        for fault in scenario.faults.iter().filter(|f| f.at == at) {
            nemesis.apply(&fault.action);
        }
        for w in windows.iter().filter(|w| w.end == Some(at)) {
            events.record(
                WORLD,
                EventKind::FaultHealed {
                    label: w.label.clone(),
                },
            );
        }
        for w in windows.iter().filter(|w| w.start == at) {
            events.record(
                WORLD,
                EventKind::FaultStarted {
                    label: w.label.clone(),
                },
            );
        }
    }
    madsim::time::sleep_until(start + scenario.duration).await;
    events.close();
    // madsim drops a task only when it runs a killed node's task, and `block_on` returns
    // with every other task pending: the nodes' futures (stores, disk images, buffers)
    // would outlive the run, and so would the exit watcher, which holds the runtime's
    // handle (and through it every node's restart closure and disk) while waiting on a
    // channel those closures feed: a cycle. A process that plays many runs grew by about
    // 15 MB a run. So the world stops the watcher, kills every node, and lets the
    // executor drop their tasks before the run ends.
    exit_watcher.abort();
    for (id, _) in nodes.values() {
        handle.kill(*id);
    }
    handle.kill(client);
    if let Some(prover) = prover {
        handle.kill(prover);
    }
    madsim::time::sleep(Duration::from_millis(1)).await;
}

/// The seed of a copy's disk (its torn writes), from the run's seed and the copy.
fn disk_seed(seed: u64, copy: NodeCopy) -> u64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("disk/{seed}/{copy}"));
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// Records that `node` crashed, and what its disk lost.
fn record_crash(events: &EventLog, node: &str, lost: CrashReport) {
    events.record(node, EventKind::NodeCrashed);
    if !lost.is_empty() {
        let detail = serde_json::to_value(lost).expect("crash report serializes");
        events.record(
            node,
            EventKind::Note {
                what: "disk crash".into(),
                detail,
            },
        );
    }
}

/// Applies fault actions to the running world.
struct Nemesis<'a> {
    handle: &'a Handle,
    events: &'a EventLog,
    nodes: &'a BTreeMap<NodeCopy, (NodeId, SimDisk)>,
    /// The prover's madsim node, with a `[prover]`.
    prover: Option<NodeId>,
    store: SimObjectStore,
    /// Directed links clogged by the current partition.
    partition: BTreeSet<(NodeCopy, NodeCopy)>,
    /// Directed links clogged by cuts.
    cuts: BTreeSet<(NodeCopy, NodeCopy)>,
}

impl Nemesis<'_> {
    fn id(&self, copy: NodeCopy) -> NodeId {
        self.nodes[&copy].0
    }

    /// Makes the clogged links exactly the partition's and the cuts'.
    fn set_links(
        &mut self,
        partition: BTreeSet<(NodeCopy, NodeCopy)>,
        cuts: BTreeSet<(NodeCopy, NodeCopy)>,
    ) {
        let net = NetSim::current();
        let before: BTreeSet<_> = self.partition.union(&self.cuts).copied().collect();
        let after: BTreeSet<_> = partition.union(&cuts).copied().collect();
        for (a, b) in before.difference(&after) {
            net.unclog_link(self.id(*a), self.id(*b));
        }
        for (a, b) in after.difference(&before) {
            net.clog_link(self.id(*a), self.id(*b));
        }
        self.partition = partition;
        self.cuts = cuts;
    }

    fn apply(&mut self, action: &FaultAction) {
        match action {
            FaultAction::Partition(groups) => {
                let mut links = BTreeSet::new();
                for (i, g) in groups.iter().enumerate() {
                    for (j, h) in groups.iter().enumerate() {
                        if i != j {
                            links.extend(g.iter().flat_map(|a| h.iter().map(move |b| (*a, *b))));
                        }
                    }
                }
                let cuts = self.cuts.clone();
                self.set_links(links, cuts);
            }
            FaultAction::Heal => self.set_links(BTreeSet::new(), BTreeSet::new()),
            FaultAction::Cut { from, to, both } => {
                let mut cuts = self.cuts.clone();
                cuts.insert((*from, *to));
                if *both {
                    cuts.insert((*to, *from));
                }
                let partition = self.partition.clone();
                self.set_links(partition, cuts);
            }
            FaultAction::Crash(copy) => {
                self.handle.kill(self.id(*copy));
                let lost = self.nodes[copy].1.crash();
                record_crash(self.events, &copy.to_string(), lost);
            }
            FaultAction::PowerCut(copy) => {
                let (handle, events, id, name) = (
                    self.handle.clone(),
                    self.events.clone(),
                    self.id(*copy),
                    copy.to_string(),
                );
                // Runs inside the node's sync: the process dies there, mid-commit.
                self.nodes[copy].1.arm_power_cut(Box::new(move |lost| {
                    handle.kill(id);
                    record_crash(&events, &name, lost);
                }));
            }
            FaultAction::Restart(copy) => {
                let disk = &self.nodes[copy].1;
                // A node that did not sync since its power cut was due goes down now.
                if let Some(on_cut) = disk.disarm_power_cut() {
                    on_cut(disk.crash());
                }
                self.events
                    .record(&copy.to_string(), EventKind::NodeRestarted);
                self.handle.restart(self.id(*copy));
            }
            FaultAction::DiskError(copy) => self.nodes[copy].1.fail(),
            FaultAction::DiskFull { node, free } => self.nodes[node].1.fill(*free),
            FaultAction::DiskOk(copy) => self.nodes[copy].1.heal(),
            FaultAction::Pause(copy) => {
                self.handle.pause(self.id(*copy));
                self.events.record(&copy.to_string(), EventKind::NodePaused);
            }
            FaultAction::Resume(copy) => {
                self.handle.resume(self.id(*copy));
                self.events
                    .record(&copy.to_string(), EventKind::NodeResumed);
            }
            FaultAction::Network(spec) => NetSim::current().update_config(|c| net_config(spec, c)),
            FaultAction::CrashProver => {
                self.handle.kill(self.prover.expect("validated: a [prover] runs"));
                self.events.record(PROVER, EventKind::NodeCrashed);
            }
            FaultAction::RestartProver => {
                self.events.record(PROVER, EventKind::NodeRestarted);
                self.handle.restart(self.prover.expect("validated: a [prover] runs"));
            }
            FaultAction::StoreDown | FaultAction::StoreUp => {
                self.store.set_down(*action == FaultAction::StoreDown);
            }
        }
    }
}
