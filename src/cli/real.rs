//! Real-build subcommands: `node`, `client`, `status`, `prover`, over the OS's TCP.

use kraken::net::{codec, frame};
use kraken::cpu::Unmetered;
use kraken::load::{Latency, Mix};
use kraken::node::{self, ClientAnswer, ClientCall, ClientReply, ClientRequest, NodeSetup};
use kraken::observer::LogObserver;
use kraken::storage::Store;
use kraken::types::{Committee, KeyPair, Tx, TxId};
use rand::RngCore;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

fn load_committee(path: &Path) -> anyhow::Result<Committee> {
    Ok(Committee::load(path)?)
}

pub fn node(committee: &Path, key: &Path, store: &Path, config: Option<&Path>, rpc: Option<SocketAddr>) -> anyhow::Result<i32> {
    let committee = load_committee(committee)?;
    let key_text = std::fs::read_to_string(key).map_err(|e| anyhow::anyhow!("--key {}: {e}", key.display()))?;
    let key_pair = KeyPair::from_secret_hex(&key_text).map_err(|e| anyhow::anyhow!("--key {}: {e}", key.display()))?;
    let me = committee
        .author_of(&key_pair.public())
        .ok_or_else(|| anyhow::anyhow!("--key {}: this key is not a member of the committee", key.display()))?;
    let config = super::node_config(config)?;
    std::fs::create_dir_all(store).map_err(|e| anyhow::anyhow!("--store {}: {e}", store.display()))?;
    let db = Store::open_file(&store.join("kraken.redb")).map_err(|e| anyhow::anyhow!("--store {}: {e}", store.display()))?;
    let member = committee.member(me).expect("author from committee").clone();
    runtime()?.block_on(async move {
        let peer_listener = tokio::net::TcpListener::bind(member.consensus[0])
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen for peers on {}: {e}", member.consensus[0]))?;
        let client_listener = tokio::net::TcpListener::bind(member.client[0])
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen for clients on {}: {e}", member.client[0]))?;
        let rpc_listener = match rpc {
            Some(addr) => Some(
                tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("--rpc {addr}: cannot listen: {e}"))?,
            ),
            None => None,
        };
        tracing::info!(node = %member.name, peers = %member.consensus[0], clients = %member.client[0], rpc = ?rpc, "node listening");
        node::run(NodeSetup {
            committee: Arc::new(committee),
            me,
            key: key_pair,
            store: db,
            config,
            observer: Arc::new(LogObserver),
            peer_listener,
            client_listener,
            rpc_listener,
            hooks: Default::default(),
            cpu: Arc::new(Unmetered),
        })
        .await
        .map_err(|e| e.context("the node stopped"))
    })?;
    Ok(0)
}

/// `kraken client --rpc`: Starknet load over the JSON-RPC (see `rpc_client`).
#[allow(clippy::too_many_arguments)]
pub fn rpc_client(
    endpoints: Vec<String>,
    rate: u64,
    duration: Duration,
    config: Option<&Path>,
    mix: &str,
    accounts: Option<usize>,
    drain: Duration,
    csv: Option<PathBuf>,
    label: String,
    seed: u64,
) -> anyhow::Result<i32> {
    let mix = Mix::parse(mix).map_err(|e| anyhow::anyhow!("--mix {mix}: {e}"))?;
    let genesis = kraken_execution::Genesis::build(&super::genesis::genesis_config(config)?);
    let accounts = accounts.unwrap_or(genesis.accounts.len().saturating_sub(1).max(1));
    let plan = super::rpc_client::LoadPlan { endpoints, genesis, mix, rate, duration, accounts, drain, csv, label, seed };
    runtime()?.block_on(super::rpc_client::run(plan))
}

/// One request, one answer, on its own connection.
async fn call(addr: std::net::SocketAddr, call: ClientCall) -> anyhow::Result<ClientAnswer> {
    let mut s = TcpStream::connect(addr).await?;
    frame::write_frame(&mut s, &codec::encode(&ClientRequest { id: 1, call })).await?;
    let bytes = frame::read_frame(&mut s).await?.ok_or_else(|| anyhow::anyhow!("{addr} closed the connection"))?;
    Ok(codec::decode::<ClientReply>(&bytes)?.answer)
}

pub fn status(committee: &Path) -> anyhow::Result<i32> {
    let committee = load_committee(committee)?;
    runtime()?.block_on(async {
        let mut out = std::io::stdout().lock();
        for m in &committee.members {
            let line = match call(m.client[0], ClientCall::Status).await {
                Ok(ClientAnswer::Status(s)) => format!(
                    "{:>4}  height {:>7}  tip {}  received {}  dropped {}",
                    m.name,
                    s.height,
                    &s.tip.to_hex()[..16],
                    s.received_messages,
                    s.dropped_messages
                ),
                Ok(other) => format!("{:>4}  unexpected answer {other:?}", m.name),
                Err(e) => format!("{:>4}  down ({e})", m.name),
            };
            // A closed pipe (`kraken status | head -1`) ends the listing, not the process.
            if writeln!(out, "{line}").is_err() {
                break;
            }
        }
    });
    Ok(0)
}

/// Records when each tx first shows up on the chain of the node at `addr`, from height `from` on.
async fn poll_commits(addr: std::net::SocketAddr, mut from: u64, committed: Arc<Mutex<BTreeMap<TxId, Instant>>>) {
    loop {
        if let Ok(ClientAnswer::Commits(blocks)) = call(addr, ClientCall::Commits { from, max: 1000 }).await {
            let now = Instant::now();
            let mut c = committed.lock().unwrap();
            for b in &blocks {
                for tx in &b.txs {
                    c.entry(*tx).or_insert(now);
                }
                from = b.height + 1;
            }
            if blocks.len() == 1000 {
                continue; // more pages waiting
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The client's connection to one node.
struct Conn {
    name: String,
    addr: std::net::SocketAddr,
    writer: tokio::io::WriteHalf<TcpStream>,
    sent: u64,
    answered: Arc<AtomicU64>,
    open: Arc<AtomicBool>,
}

#[derive(Default)]
struct Tally {
    admitted: BTreeMap<TxId, Instant>,
    rejected: u64,
    reasons: BTreeMap<String, u64>,
}

pub fn client(committee: &Path, rate: u64, duration: Duration, tx_size: usize) -> anyhow::Result<i32> {
    anyhow::ensure!(rate > 0, "--rate must be positive");
    anyhow::ensure!(tx_size >= 8, "--tx-size must be at least 8 bytes");
    let committee = load_committee(committee)?;
    runtime()?.block_on(async move {
        let tally = Arc::new(Mutex::new(Tally::default()));
        // One connection per reachable node; a node that is down (or dies while we send)
        // is skipped, so load can be kept on a cluster while one member is crashed.
        let mut conns = Vec::new();
        for m in &committee.members {
            let stream = match TcpStream::connect(m.client[0]).await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("skipping {} at {}: {e}", m.name, m.client[0]);
                    continue;
                }
            };
            let (mut reader, writer) = tokio::io::split(stream);
            let conn = Conn { name: m.name.clone(), addr: m.client[0], writer, sent: 0, answered: Arc::default(), open: Arc::new(true.into()) };
            let (tally, answered, open) = (tally.clone(), conn.answered.clone(), conn.open.clone());
            tokio::spawn(async move {
                while let Ok(Some(bytes)) = frame::read_frame(&mut reader).await {
                    let Ok(reply) = codec::decode::<ClientReply>(&bytes) else { continue };
                    answered.fetch_add(1, Ordering::Relaxed);
                    let mut t = tally.lock().unwrap();
                    match reply.answer {
                        ClientAnswer::Admitted(id) => {
                            t.admitted.insert(id, Instant::now());
                        }
                        ClientAnswer::Rejected { reason, .. } => {
                            t.rejected += 1;
                            *t.reasons.entry(reason).or_default() += 1;
                        }
                        _ => {}
                    }
                }
                open.store(false, Ordering::Relaxed);
            });
            conns.push(conn);
        }
        anyhow::ensure!(!conns.is_empty(), "no node of the committee is reachable");
        // Watch one node's chain while sending, so commit times are taken when the commit
        // happens (to within the poll period), not after the last send.
        let (watched, watched_addr) = (conns[0].name.clone(), conns[0].addr);
        let committed: Arc<Mutex<BTreeMap<TxId, Instant>>> = Arc::default();
        let from = match call(watched_addr, ClientCall::Status).await {
            Ok(ClientAnswer::Status(s)) => s.height + 1,
            _ => 1,
        };
        let poller = tokio::spawn(poll_commits(watched_addr, from, committed.clone()));
        let start = Instant::now();
        let total = (rate as f64 * duration.as_secs_f64()) as u64;
        let mut sent_at: BTreeMap<TxId, Instant> = BTreeMap::new();
        let mut rng = rand::thread_rng();
        let mut last_report = Instant::now();
        let mut live: Vec<usize> = (0..conns.len()).collect();
        for seq in 0..total {
            let due = start + Duration::from_secs_f64(seq as f64 / rate as f64);
            tokio::time::sleep_until(due.into()).await;
            anyhow::ensure!(!live.is_empty(), "lost the connections to every node");
            let mut body = vec![0u8; tx_size];
            rng.fill_bytes(&mut body);
            let tx = Tx(body);
            sent_at.insert(tx.id(), Instant::now());
            let k = live[seq as usize % live.len()];
            let c = &mut conns[k];
            let req = ClientRequest { id: seq, call: ClientCall::Submit(tx) };
            match frame::write_frame(&mut c.writer, &codec::encode(&req)).await {
                Ok(()) => c.sent += 1,
                Err(e) => {
                    eprintln!("\nlost the connection to {}: {e}", c.name);
                    live.retain(|i| *i != k);
                }
            }
            if last_report.elapsed() >= Duration::from_secs(1) {
                let t = tally.lock().unwrap();
                eprint!("\rsent {:>7}/{total}  admitted {:>7}  rejected {:>5}", seq + 1, t.admitted.len(), t.rejected);
                last_report = Instant::now();
            }
        }
        eprintln!();
        // Wait until every submission is answered and every admitted tx is committed.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let pending = {
                let (t, c) = (tally.lock().unwrap(), committed.lock().unwrap());
                // Requests on a closed connection will never be answered.
                let unanswered: u64 = conns
                    .iter()
                    .filter(|c| c.open.load(Ordering::Relaxed))
                    .map(|c| c.sent.saturating_sub(c.answered.load(Ordering::Relaxed)))
                    .sum();
                unanswered as usize + t.admitted.keys().filter(|id| !c.contains_key(id)).count()
            };
            if pending == 0 || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        poller.abort();
        let committed_at = committed.lock().unwrap().clone();
        let t = tally.lock().unwrap();
        let lat: Vec<f64> = t
            .admitted
            .keys()
            .filter_map(|id| Some(committed_at.get(id)?.duration_since(*sent_at.get(id)?).as_secs_f64() * 1e3))
            .collect();
        let latency = Latency::of(&lat);
        println!("sent       {total} txs of {tx_size} B at {rate} tx/s for {:?}", duration);
        println!("admitted   {}", t.admitted.len());
        println!("rejected   {}{}", t.rejected, if t.reasons.is_empty() { String::new() } else { format!(" {:?}", t.reasons) });
        let unanswered: u64 = conns.iter().map(|c| c.sent.saturating_sub(c.answered.load(Ordering::Relaxed))).sum();
        if unanswered > 0 {
            println!("unanswered {unanswered} (connection lost or node too slow)");
        }
        println!("committed  {} (seen on {})", lat.len(), watched);
        println!("latency    submit->commit p50 {:.0} ms  p99 {:.0} ms  (commit polled every 50 ms)", latency.p50, latency.p99);
        Ok(if lat.len() == t.admitted.len() { 0 } else { 1 })
    })
}

/// Which blocks `kraken prover` proves.
pub struct ProverRanges {
    pub blocks_per_proof: u64,
    pub from: u64,
    pub until: Option<u64>,
}

pub fn prover(
    rpc: &[String],
    committee: &Path,
    (dir, storage): (&Path, Option<&str>),
    workers: usize,
    ProverRanges { blocks_per_proof, from, until }: ProverRanges,
    security: u32,
    listen: Option<SocketAddr>,
) -> anyhow::Result<i32> {
    use kraken::watcher::metrics::{router, ProverMetrics};
    use kraken::watcher::{failover::Failover, plan::Ranges, prove::OnThreads, run, storage::open_store, Settings};
    anyhow::ensure!((1..=64).contains(&workers), "--workers {workers}: between 1 and 64");
    anyhow::ensure!((1..=10_000).contains(&blocks_per_proof), "--blocks-per-proof {blocks_per_proof}: between 1 and 10000");
    anyhow::ensure!(until.is_none_or(|u| u >= from), "--until {}: before --from {from}", until.unwrap_or(0));
    let committee = kraken::types::Committee::load(committee).map_err(|e| anyhow::anyhow!("--committee: {e}"))?;
    let settings = Settings {
        ranges: Ranges { first: from, k: blocks_per_proof },
        workers,
        until,
        poll: Duration::from_millis(500),
        committee: Some(std::sync::Arc::new(committee)),
    };
    let prover = std::sync::Arc::new(OnThreads { options: super::prove::options(security)? });
    let runtime = runtime()?;
    let store = runtime.block_on(open_store(storage, dir))?;
    let nodes = Failover::new(rpc.iter().map(|url| kraken::endpoint::Endpoint::new(url)).collect());
    eprintln!("kraken prover: following {} node(s), proofs to {} ({} block(s) per proof, {workers} worker(s))", rpc.len(), store.place, blocks_per_proof);
    let metrics = ProverMetrics::new();
    runtime.block_on(async {
        if let Some(addr) = listen {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("--listen {addr}: cannot listen: {e}"))?;
            let app = router(metrics.clone());
            tokio::spawn(async move { axum::serve(listener, app).await });
            eprintln!("kraken prover: metrics at http://{addr}/metrics, health at http://{addr}/health");
        }
        run(&nodes, &store, prover, metrics.as_ref(), &settings).await
    })?;
    Ok(0)
}
