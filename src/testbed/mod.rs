//! How the Kraken stack plugs into the simulator: node start-up inside a madsim node, the
//! load client, the prover, and the disk adapter. The only part of `src/` that knows
//! `kraken-sim`.

mod auditor;
mod blameless;
mod byzantine;
mod cpu;
mod disk;
mod flood;
mod observer;
mod prover;
mod round_links;
mod workload;

use crate::cpu::Unmetered;
use crate::net::{Links, SendHooks, Tamper};
use crate::node::{self, NodeConfig, NodeSetup};
use crate::storage::Store;
use crate::types::{Author, Committee, KeyPair};
use futures_util::future::LocalBoxFuture;
use futures_util::FutureExt;
use kraken_execution::{Engine, Genesis};
use kraken_sim::checkers::{Checker, StateAgreement};
use kraken_sim::events::EventKind;
use kraken_sim::scenario::{NodeCopy, Scenario};
use kraken_sim::world::{ClientEnv, NodeEnv, ProverEnv, SimSystem};
use crate::load::Mix;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

pub use byzantine::Strategy;
pub use disk::SimBackend;
use auditor::Auditor;
use cpu::{CostModel, SimCpu};
use byzantine::{Byzantine, Refusals};
pub use flood::{Flood, FloodKind, FLOODER};
pub use prover::RPC_PORT;
use prover::ProverConfig;
use round_links::RoundLinks;

/// Node-to-node port on every simulated node.
pub const PEER_PORT: u16 = 7000;
/// Client port on every simulated node.
pub const CLIENT_PORT: u16 = 7100;

/// The Kraken sequencer as a simulated system.
pub struct Kraken {
    config: NodeConfig,
    /// With execution: the genesis every node builds, and the client's transaction mix.
    starknet: Option<(Genesis, Mix)>,
    /// The `[prover]` table, checked.
    prover: Option<ProverConfig>,
    /// The `[byzantine]` strategies, checked.
    strategies: Vec<Strategy>,
    /// What work costs the hosts' CPU, with a `[cpu]` table.
    costs: CostModel,
}

impl Kraken {
    /// Validates the scenario's `[node]` table, `[load] mix` and `[prover]` up front, so a
    /// typo is reported before the run rather than as a node that never starts.
    pub fn new(scenario: &Scenario) -> anyhow::Result<Self> {
        let load = &scenario.load;
        let config: NodeConfig = scenario.node
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| anyhow::anyhow!("[node]: {}", e.message()))?;
        config.check().map_err(|e| anyhow::anyhow!("[node]: {e}"))?;
        let starknet = match &config.execution {
            Some(settings) => {
                let genesis = Genesis::build(&settings.genesis);
                if settings.engine == Engine::Native {
                    // Compile the genesis classes now, outside the simulation: LLVM may
                    // start threads, which madsim forbids inside it. Nodes then find
                    // the code in the process-wide cache.
                    for class in &genesis.diff.new_classes {
                        Engine::Native.runnable(class)?;
                    }
                }
                Some((genesis, Mix::from_table(&load.mix).map_err(|e| anyhow::anyhow!("[load] mix: {e}"))?))
            }
            None if !load.mix.is_empty() => anyhow::bail!("[load] mix needs [node.execution] (the nodes must execute transactions)"),
            None => None,
        };
        let prover = match &scenario.prover {
            Some(_) if starknet.is_none() => anyhow::bail!("[prover] needs [node.execution]: it proves executed Starknet blocks"),
            Some(table) => Some(ProverConfig::parse(table)?),
            None => None,
        };
        let strategies = match &scenario.byzantine {
            Some(spec) => spec
                .strategies
                .iter()
                .map(|name| Strategy::parse(name))
                .collect::<Result<_, _>>()
                .map_err(|e| anyhow::anyhow!("[byzantine] strategies: {e}"))?,
            None => Vec::new(),
        };
        Ok(Kraken { config, starknet, prover, strategies, costs: CostModel::calibrated() })
    }
}

/// The committee of a simulated run: every copy of an identity shares its key, and
/// messages to the identity go to all copies (that is what makes Twins byzantine).
pub fn sim_committee(peers: &[Vec<IpAddr>], seed: u64) -> (Committee, Vec<KeyPair>) {
    Committee::generate(peers.len(), seed, |i| {
        let at = |port| peers[i].iter().map(|ip| SocketAddr::new(*ip, port)).collect();
        (at(PEER_PORT), at(CLIENT_PORT))
    })
}

/// One node process: its store on the simulated disk, its listeners, then the node until
/// it stops.
async fn run_node(env: &NodeEnv, config: NodeConfig, strategies: Vec<Strategy>, costs: CostModel) -> anyhow::Result<()> {
    let (mut committee, keys) = sim_committee(&env.peers, env.seed);
    let mut links = None;
    if let Some(schedule) = &env.rounds {
        committee.leaders = schedule.plans.iter().map(|plan| plan.leader as Author).collect();
        let me = NodeCopy { identity: env.identity, twin: env.is_twin_copy };
        let gst = tokio::time::Instant::now() + schedule.gst.saturating_sub(Duration::from_micros(env.events.now_us()));
        links = Some(Arc::new(RoundLinks::new(me, schedule.plans.clone().into(), gst)) as Arc<dyn Links>);
    }
    let committee = Arc::new(committee);
    let me = env.identity as Author;
    let tamper = env.byzantine.as_ref().map(|spec| {
        Arc::new(Byzantine::new(env, keys[env.identity].clone(), committee.clone(), strategies, spec.rate)) as Arc<dyn Tamper>
    });
    let store = Store::open_backend(SimBackend::with_params(env.disk.clone(), &config.storage)).map_err(|e| anyhow::anyhow!("cannot open store: {e}"))?;
    let bind = |port| tokio::net::TcpListener::bind(SocketAddr::new(env.ip, port));
    let peer_listener = bind(PEER_PORT).await?;
    let client_listener = bind(CLIENT_PORT).await?;
    let rpc_listener = Some(bind(RPC_PORT).await?);
    let setup = NodeSetup {
        committee,
        me,
        key: keys[env.identity].clone(),
        store,
        config,
        observer: Arc::new(observer::SimObserver::new(env.name.clone(), env.events.clone())),
        peer_listener,
        client_listener,
        rpc_listener,
        hooks: SendHooks { links, tamper },
        cpu: match &env.cpu {
            Some((cores, scale)) => Arc::new(SimCpu { cores: cores.clone(), scale: *scale, model: costs }),
            None => Arc::new(Unmetered),
        },
    };
    node::run(setup).await
}

impl SimSystem for Kraken {
    fn node_main(&self, env: NodeEnv) -> LocalBoxFuture<'static, ()> {
        let config = self.config.clone();
        let (strategies, costs) = (self.strategies.clone(), self.costs);
        async move {
            if let Err(e) = run_node(&env, config, strategies, costs).await {
                tracing::error!(node = %env.name, "node stopped: {e:#}");
                let detail = serde_json::Value::String(format!("{e:#}"));
                env.events.record(&env.name, EventKind::Note { what: "node halted".into(), detail });
            }
        }
        .boxed_local()
    }

    fn client_main(&self, env: ClientEnv) -> LocalBoxFuture<'static, ()> {
        match &self.starknet {
            Some((genesis, mix)) => workload::run_starknet(env, genesis.clone(), mix.clone(), self.costs).boxed_local(),
            None => workload::run_opaque(env).boxed_local(),
        }
    }

    fn prover_main(&self, env: ProverEnv) -> LocalBoxFuture<'static, ()> {
        let config = self.prover.clone().expect("the world starts a prover only with a [prover] table, which Kraken::new checked");
        prover::run_prover(env, config).boxed_local()
    }

    fn checkers(&self) -> Vec<Box<dyn Checker>> {
        let mut checkers: Vec<Box<dyn Checker>> = vec![Box::new(blameless::Blameless)];
        if let Some((genesis, _)) = &self.starknet {
            checkers.push(Box::new(StateAgreement));
            checkers.push(Box::new(Auditor::new(genesis.clone())));
        }
        if self.strategies.iter().any(|s| s.refusal().is_some()) {
            checkers.push(Box::new(Refusals));
        }
        checkers
    }
}
