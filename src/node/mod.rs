//! One sequencer node wired together: network sender and listener, mempool, consensus
//! core, and the client endpoint. The same code runs in the simulator and for real; the
//! caller supplies the listeners, the store and an [`Observer`].

mod client_api;
mod config;
mod dispatch;
#[cfg(test)]
mod tests;

pub use client_api::{ClientAnswer, ClientCall, ClientReply, ClientRequest, CommitInfo, StatusInfo, MAX_RECEIPTS};
pub use config::NodeConfig;

use crate::certify::{self, Attestation};
use crate::halt::Halt;
use crate::chain::{spawn_runner, Chain, StarknetAdmission};
use crate::consensus::{ConsensusMessage, Core};
use crate::cpu::Cpu;
use crate::mempool::{BatchPool, Mempool, MempoolMessage, TxCheck};
use crate::net::{self, codec, LinkKeys, NetStats, Network, Outbox};
use crate::observer::Observer;
use crate::storage::Store;
use crate::types::{Author, Committee, KeyPair};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

/// Everything one node says to another.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum NodeMessage {
    Consensus(ConsensusMessage),
    Mempool(MempoolMessage),
    /// The sender's signature over a block it executed (block certificates).
    Attestation(Attestation),
}

/// [`NodeMessage`] by reference. Serde writes a reference as the value it points to, so
/// this encodes exactly as the owned message (a test checks) and wraps a component's
/// message without copying it.
#[derive(Serialize)]
enum NodeMessageRef<'a> {
    Consensus(&'a ConsensusMessage),
    Mempool(&'a MempoolMessage),
    Attestation(&'a Attestation),
}

fn consensus_wire(m: &ConsensusMessage) -> Vec<u8> {
    codec::encode(&NodeMessageRef::Consensus(m))
}

fn mempool_wire(m: &MempoolMessage) -> Vec<u8> {
    codec::encode(&NodeMessageRef::Mempool(m))
}

fn attestation_wire(m: &Attestation) -> Vec<u8> {
    codec::encode(&NodeMessageRef::Attestation(m))
}

/// Consensus's side of `net`: its messages travel as [`NodeMessage::Consensus`].
pub fn consensus_outbox(net: &Network) -> Outbox<ConsensusMessage> {
    Outbox::new(net.clone(), consensus_wire)
}

/// The mempool's side of `net` (consensus's batch requests go this way too).
pub fn mempool_outbox(net: &Network) -> Outbox<MempoolMessage> {
    Outbox::new(net.clone(), mempool_wire)
}

/// The block-certificate task's side of `net`.
pub fn attestation_outbox(net: &Network) -> Outbox<Attestation> {
    Outbox::new(net.clone(), attestation_wire)
}

pub struct NodeSetup {
    pub committee: Arc<Committee>,
    pub me: Author,
    pub key: KeyPair,
    pub store: Store,
    pub config: NodeConfig,
    pub observer: Arc<dyn Observer>,
    pub peer_listener: TcpListener,
    pub client_listener: TcpListener,
    /// Where the Starknet JSON-RPC is served: over HTTP with metrics and health in the
    /// real build, as framed bodies over the simulated network in the simulator.
    pub rpc_listener: Option<TcpListener>,
    /// What the simulator does to outgoing messages (a Twins schedule's links, a
    /// byzantine strategy); nothing in real nodes.
    pub hooks: net::SendHooks,
    /// What the node's work costs on the host: `Unmetered` in a real node, a cost model
    /// on the simulated clock in the simulator.
    pub cpu: Arc<dyn Cpu>,
}

/// Starts every task of the node and runs until the node is killed, or until a component
/// stops it ([`Halt`]: its disk failed), which returns the reason as an error.
pub async fn run(setup: NodeSetup) -> anyhow::Result<()> {
    let NodeSetup { committee, me, key, store, config, observer, peer_listener, client_listener, rpc_listener, hooks, cpu } = setup;
    anyhow::ensure!(committee.member(me).is_some(), "node index {me} is not in the committee");
    #[cfg(not(madsim))]
    let metrics = Arc::new(crate::metrics::Metrics::new());
    #[cfg(not(madsim))]
    let observer: Arc<dyn Observer> = Arc::new(crate::metrics::MetricsObserver { metrics: metrics.clone(), inner: observer });
    let stats = Arc::new(NetStats::default());
    let links = Arc::new(LinkKeys::derive(&committee, me, &key).map_err(|e| anyhow::anyhow!("committee: {e}"))?);
    let network = Network::start(&committee, links.clone(), stats.clone(), hooks);
    // Consensus hands each commit's height to the execution task, if there is one.
    let (commits, committed) = mpsc::unbounded_channel();
    // ...and the execution task tells consensus how far it has executed.
    let (tx_check, chain, attest, executed) = match &config.execution {
        Some(settings) => {
            let chain = Chain::open(store.clone(), settings)?;
            let check: Arc<dyn TxCheck> = Arc::new(StarknetAdmission { chain: chain.clone() });
            let attest = certify::spawn(committee.clone(), me, key.clone(), store.clone(), chain.clone(), attestation_outbox(&network), observer.clone());
            let (executed_tx, executed) = watch::channel(chain.executed_height()?.unwrap_or(0));
            spawn_runner(chain.clone(), observer.clone(), cpu.clone(), committed, attest.clone(), executed_tx);
            (Some(check), Some(chain), Some(attest), Some(executed))
        }
        None => (None, None, None, None),
    };
    let (halt, mut halted) = Halt::new();
    let pool = Arc::new(BatchPool::default());

    let (consensus_tx, consensus_rx) = mpsc::channel(10_000);
    let (mempool_tx, mempool_rx) = mpsc::channel(10_000);
    let (arrivals_tx, arrivals_rx) = mpsc::unbounded_channel();
    let (inbound_tx, inbound_rx) = mpsc::channel(10_000);

    let mempool = Mempool::spawn(
        config.mempool.clone(),
        store.clone(),
        mempool_outbox(&network),
        pool.clone(),
        observer.clone(),
        halt.clone(),
        tx_check,
        cpu.clone(),
        mempool_rx,
        arrivals_tx,
    )?;
    Core::spawn(
        me,
        key,
        committee.clone(),
        config.consensus.clone(),
        store.clone(),
        consensus_outbox(&network),
        mempool_outbox(&network),
        pool.clone(),
        observer.clone(),
        commits,
        executed,
        halt.clone(),
        consensus_rx,
        arrivals_rx,
    )?;
    tokio::spawn(dispatch::route(inbound_rx, dispatch::Routes { consensus: consensus_tx, mempool: mempool_tx, attest }, observer.clone(), stats.clone()));
    if let Some(listener) = rpc_listener {
        let rpc = chain.clone().map(|chain| crate::rpc::RpcContext { chain, mempool: mempool.clone(), store: store.clone(), received: Default::default() });
        #[cfg(not(madsim))]
        tokio::spawn(crate::http::serve(listener, crate::http::HttpState { rpc, metrics, pool: pool.clone(), net: stats.clone(), store: store.clone() }));
        #[cfg(madsim)]
        tokio::spawn(crate::rpc::framed::serve(listener, rpc));
    }
    tokio::spawn(client_api::serve(client_listener, mempool, store, chain, stats.clone()));
    tokio::select! {
        biased;
        reason = halted.reason() => Err(anyhow::anyhow!(reason)),
        () = net::listen(peer_listener, links, inbound_tx, stats, cpu) => Ok(()),
    }
}
