#![cfg(not(madsim))]
//! The real build end to end: four `kraken node` processes on loopback TCP are fed
//! transactions over their client ports; one is SIGKILLed, the others keep committing,
//! it restarts on its store and catches up, and all four must then hold the same chain
//! with every admitted transaction committed exactly once.
//!
//! The simulator build skips this file (it needs real processes and sockets). Run it with
//! `CARGO_ENCODED_RUSTFLAGS= cargo test --target-dir target/real --test real_cluster`.

use kraken::net::{codec, frame};
use kraken::node::{ClientAnswer, ClientCall, ClientReply, ClientRequest, CommitInfo};
use kraken::types::{Committee, Height, Tx, TxId};
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::OpenOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

const NODES: usize = 4;
/// The node that is killed and restarted.
const VICTIM: usize = 3;
/// Longest any single wait may take; the whole test normally needs ~15 s.
const WAIT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);
/// Per request on the client protocol, so a wedged node fails the test instead of hanging it.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Four node processes and their files. Dropping it kills every process, also when the
/// test panics; the tempdir with their stores and logs is removed after a pass and kept
/// after a failure (its path is printed).
struct Cluster {
    dir: Option<tempfile::TempDir>,
    committee: Committee,
    children: Vec<Option<Child>>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for child in self.children.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            if let Some(dir) = self.dir.take() {
                eprintln!("keeping the cluster's stores and logs in {}", dir.keep().display());
            }
        }
    }
}

impl Cluster {
    /// Writes a committee with free loopback ports (via `kraken committee`) and starts every node.
    fn start() -> Cluster {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = free_base_port();
        let out = Command::new(env!("CARGO_BIN_EXE_kraken"))
            .args(["committee", "--nodes", &NODES.to_string(), "--base-port", &base.to_string(), "--out"])
            .arg(dir.path())
            .output()
            .expect("run kraken committee");
        assert!(out.status.success(), "kraken committee failed: {}", String::from_utf8_lossy(&out.stderr));
        let committee = Committee::load(&dir.path().join("committee.json")).expect("load committee.json");
        let mut cluster = Cluster { dir: Some(dir), committee, children: (0..NODES).map(|_| None).collect() };
        for i in 0..NODES {
            cluster.spawn(i);
        }
        cluster
    }

    fn client_addr(&self, i: usize) -> SocketAddr {
        self.committee.members[i].client[0]
    }

    fn path(&self) -> &std::path::Path {
        self.dir.as_ref().expect("cluster dir").path()
    }

    fn log_path(&self, i: usize) -> PathBuf {
        self.path().join(format!("node-{i}.log"))
    }

    /// Starts node `i` on its (possibly already populated) store; its log is appended to.
    fn spawn(&mut self, i: usize) {
        let log = OpenOptions::new().create(true).append(true).open(self.log_path(i)).expect("open node log");
        let d = self.path();
        let child = Command::new(env!("CARGO_BIN_EXE_kraken"))
            .arg("node")
            .arg("--committee")
            .arg(d.join("committee.json"))
            .arg("--key")
            .arg(d.join(format!("node-{i}.key")))
            .arg("--store")
            .arg(d.join(format!("store-{i}")))
            .env("NO_COLOR", "1") // plain log files
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log)
            .spawn()
            .expect("spawn kraken node");
        self.children[i] = Some(child);
    }

    /// SIGKILL: no shutdown path runs, the store is left as a crash leaves it.
    fn kill(&mut self, i: usize) {
        let mut child = self.children[i].take().expect("node is running");
        child.kill().expect("kill node");
        child.wait().expect("reap node");
    }

    fn running(&self) -> Vec<usize> {
        (0..NODES).filter(|i| self.children[*i].is_some()).collect()
    }

    /// Panics (with the logs) if a node that should be running has exited on its own.
    fn assert_alive(&mut self) {
        for i in 0..NODES {
            if let Some(child) = self.children[i].as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    self.children[i] = None;
                    self.fail(&format!("node {i} exited unexpectedly ({status})"));
                }
            }
        }
    }

    fn fail(&self, msg: &str) -> ! {
        panic!("{msg}\n{}", self.log_tails(30));
    }

    /// The last `lines` lines of every node's log, for failure messages.
    fn log_tails(&self, lines: usize) -> String {
        let mut out = String::new();
        for i in 0..NODES {
            let text = std::fs::read_to_string(self.log_path(i)).unwrap_or_default();
            let all: Vec<&str> = text.lines().collect();
            out += &format!("---- node {i} log ({}), last {lines} lines ----\n", self.log_path(i).display());
            for l in &all[all.len().saturating_sub(lines)..] {
                out += l;
                out.push('\n');
            }
        }
        out
    }

    /// Polls until `done` (checked every POLL) or WAIT passes; `what` names the wait in the failure.
    async fn wait_for<F, Fut>(&mut self, what: &str, mut done: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<bool, String>>,
    {
        let start = Instant::now();
        loop {
            self.assert_alive();
            let last = match done().await {
                Ok(true) => return,
                Ok(false) => "condition not met yet".to_string(),
                Err(e) => e,
            };
            if start.elapsed() > WAIT {
                self.fail(&format!("timed out after {WAIT:?} waiting for {what} (last: {last})"));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn height(&self, i: usize) -> Result<Height, String> {
        match call(self.client_addr(i), ClientCall::Status).await {
            Ok(ClientAnswer::Status(s)) => Ok(s.height),
            Ok(other) => Err(format!("node {i}: unexpected answer {other:?}")),
            Err(e) => Err(format!("node {i}: {e}")),
        }
    }

    /// Waits until the given nodes answer status calls.
    async fn wait_up(&mut self, nodes: &[usize]) {
        let addrs: Vec<(usize, SocketAddr)> = nodes.iter().map(|i| (*i, self.client_addr(*i))).collect();
        self.wait_for(&format!("nodes {nodes:?} to answer status"), || {
            let addrs = addrs.clone();
            async move {
                for (i, a) in addrs {
                    match call(a, ClientCall::Status).await {
                        Ok(ClientAnswer::Status(_)) => {}
                        other => return Err(format!("node {i}: {other:?}")),
                    }
                }
                Ok(true)
            }
        })
        .await
    }

    /// Waits until `nodes` have committed at least `height` blocks.
    async fn wait_height(&mut self, nodes: &[usize], height: Height) {
        let addrs: Vec<(usize, SocketAddr)> = nodes.iter().map(|i| (*i, self.client_addr(*i))).collect();
        self.wait_for(&format!("nodes {nodes:?} to reach height {height}"), || {
            let addrs = addrs.clone();
            async move {
                for (i, a) in addrs {
                    match call(a, ClientCall::Status).await {
                        Ok(ClientAnswer::Status(s)) if s.height >= height => {}
                        Ok(ClientAnswer::Status(s)) => return Err(format!("node {i} at height {}", s.height)),
                        other => return Err(format!("node {i}: {other:?}")),
                    }
                }
                Ok(true)
            }
        })
        .await
    }

    /// Waits until node `i`'s chain holds every tx in `txs`; returns its height then.
    async fn wait_committed(&mut self, i: usize, txs: &BTreeSet<TxId>) -> Height {
        let addr = self.client_addr(i);
        let reached = std::cell::Cell::new(0);
        self.wait_for(&format!("node {i} to commit {} admitted txs", txs.len()), || {
            let txs = txs.clone();
            let reached = &reached;
            async move {
                let chain = read_chain(addr).await.map_err(|e| format!("node {i}: {e}"))?;
                let seen: BTreeSet<TxId> = chain.iter().flat_map(|b| b.txs.iter().copied()).collect();
                let missing = txs.difference(&seen).count();
                reached.set(chain.len() as Height);
                if missing > 0 {
                    return Err(format!("{missing} not committed yet at height {}", chain.len()));
                }
                Ok(true)
            }
        })
        .await;
        reached.get()
    }

    /// Submits `count` fresh txs spread over `nodes`; returns the admitted ids.
    async fn feed(&self, tag: &str, count: usize, nodes: &[usize]) -> BTreeSet<TxId> {
        let mut per_node: BTreeMap<usize, Vec<Tx>> = BTreeMap::new();
        for k in 0..count {
            let tx = Tx(format!("real-cluster {tag} tx {k}").into_bytes());
            per_node.entry(nodes[k % nodes.len()]).or_default().push(tx);
        }
        let mut admitted = BTreeSet::new();
        for (i, txs) in per_node {
            let n = txs.len();
            match submit(self.client_addr(i), txs).await {
                Ok((ids, rejected)) if rejected.is_empty() => admitted.extend(ids),
                Ok((_, rejected)) => self.fail(&format!("node {i} rejected {} of {n} fresh txs: {rejected:?}", rejected.len())),
                Err(e) => self.fail(&format!("submitting {n} txs to node {i}: {e}")),
            }
        }
        admitted
    }
}

/// A base port P such that P..P+N (peers) and P+100..P+100+N (clients), the layout
/// `kraken committee` uses, can all be bound right now. Drawn below Linux's ephemeral
/// range (32768+), so outgoing connections do not grab them before the nodes bind them.
fn free_base_port() -> u16 {
    let mut rng = rand::thread_rng();
    for _ in 0..200 {
        let base: u16 = rng.gen_range(20_000..32_000);
        let mut ports = (0..NODES as u16).flat_map(|i| [base + i, base + 100 + i]);
        if ports.all(|p| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok()) {
            return base;
        }
    }
    panic!("found no free block of loopback ports in 20000..32100");
}

/// One request on its own connection.
async fn call(addr: SocketAddr, call: ClientCall) -> anyhow::Result<ClientAnswer> {
    tokio::time::timeout(CALL_TIMEOUT, async {
        let mut s = TcpStream::connect(addr).await?;
        frame::write_frame(&mut s, &codec::encode(&ClientRequest { id: 1, call })).await?;
        let bytes = frame::read_frame(&mut s).await?.ok_or_else(|| anyhow::anyhow!("{addr} closed the connection"))?;
        Ok(codec::decode::<ClientReply>(&bytes)?.answer)
    })
    .await
    .map_err(|_| anyhow::anyhow!("{addr} did not answer within {CALL_TIMEOUT:?}"))?
}

/// The whole committed chain of one node, from height 1, in pages.
async fn read_chain(addr: SocketAddr) -> anyhow::Result<Vec<CommitInfo>> {
    let mut chain: Vec<CommitInfo> = Vec::new();
    loop {
        let from = chain.len() as Height + 1;
        match call(addr, ClientCall::Commits { from, max: 1000 }).await? {
            ClientAnswer::Commits(page) if page.is_empty() => return Ok(chain),
            ClientAnswer::Commits(page) => chain.extend(page),
            other => anyhow::bail!("unexpected answer to Commits: {other:?}"),
        }
    }
}

/// Pipelines `txs` over one connection (the node answers each when its batch is durable);
/// returns (admitted ids, rejection reasons).
async fn submit(addr: SocketAddr, txs: Vec<Tx>) -> anyhow::Result<(Vec<TxId>, Vec<String>)> {
    let n = txs.len();
    let stream = TcpStream::connect(addr).await?;
    let (mut reader, mut writer) = tokio::io::split(stream);
    // Write from a task while reading replies here, so neither side's buffers can fill up.
    let sending = tokio::spawn(async move {
        for (k, tx) in txs.into_iter().enumerate() {
            frame::write_frame(&mut writer, &codec::encode(&ClientRequest { id: k as u64, call: ClientCall::Submit(tx) }))
                .await?;
        }
        Ok::<_, std::io::Error>(writer) // keep the write half open until all replies are in
    });
    let (mut admitted, mut rejected) = (Vec::new(), Vec::new());
    let replies = tokio::time::timeout(CALL_TIMEOUT * 2, async {
        while admitted.len() + rejected.len() < n {
            let bytes = frame::read_frame(&mut reader).await?.ok_or_else(|| anyhow::anyhow!("connection closed"))?;
            match codec::decode::<ClientReply>(&bytes)?.answer {
                ClientAnswer::Admitted(id) => admitted.push(id),
                ClientAnswer::Rejected { reason, .. } => rejected.push(reason),
                other => anyhow::bail!("unexpected answer to Submit: {other:?}"),
            }
        }
        Ok(())
    })
    .await;
    match replies {
        Err(_) => anyhow::bail!("only {} of {n} submissions answered within {:?}", admitted.len() + rejected.len(), CALL_TIMEOUT * 2),
        Ok(r) => r?,
    }
    sending.await??;
    Ok((admitted, rejected))
}

/// The cross-node checks: chains are well linked and prefixes of the longest one, and
/// every admitted tx appears exactly once in it. Returns a description of the first
/// violation.
fn check_chains(chains: &[Vec<CommitInfo>], admitted: &BTreeSet<TxId>) -> Result<(), String> {
    for (i, chain) in chains.iter().enumerate() {
        for (k, b) in chain.iter().enumerate() {
            if b.height != k as Height + 1 {
                return Err(format!("node {i}: entry {k} has height {}", b.height));
            }
            if k > 0 && b.parent != chain[k - 1].digest {
                return Err(format!("node {i}: block at height {} does not extend height {}", b.height, k));
            }
        }
    }
    let longest = chains.iter().max_by_key(|c| c.len()).expect("some chain");
    for (i, chain) in chains.iter().enumerate() {
        if let Some((a, b)) = chain.iter().zip(longest).find(|(a, b)| a.digest != b.digest) {
            return Err(format!(
                "node {i} forks at height {}: {} vs {} on the longest chain",
                a.height,
                a.digest.to_hex(),
                b.digest.to_hex()
            ));
        }
    }
    let mut count: BTreeMap<TxId, usize> = BTreeMap::new();
    for tx in longest.iter().flat_map(|b| &b.txs) {
        *count.entry(*tx).or_default() += 1;
    }
    if let Some((tx, n)) = count.iter().find(|(_, n)| **n > 1) {
        return Err(format!("tx {} committed {n} times", tx.to_hex()));
    }
    let lost = admitted.iter().filter(|id| !count.contains_key(id)).count();
    if lost > 0 {
        return Err(format!("{lost} of {} admitted txs are not on the chain", admitted.len()));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_nodes_survive_a_kill_and_agree() {
    let started = Instant::now();
    // Progress on stderr (shown with --nocapture), to see where the time goes.
    let step = |what: &str| eprintln!("[{:5.1}s] {what}", started.elapsed().as_secs_f64());
    let mut cluster = Cluster::start();
    let all: Vec<usize> = (0..NODES).collect();
    cluster.wait_up(&all).await;
    cluster.wait_height(&all, 1).await;
    step("all four nodes up and committing");

    // Phase 1: everyone up. The victim admits its share, so some of what it acknowledged
    // may still be uncommitted when it dies (admitted means durable, not committed).
    let mut admitted = cluster.feed("phase1", 200, &all).await;
    step("phase 1: 200 txs admitted by all four");

    // Phase 2: the victim is down; f = 1 of 4, so the rest must keep committing.
    cluster.kill(VICTIM);
    let victim_died_at = cluster.height(0).await.unwrap_or_else(|e| cluster.fail(&e));
    step(&format!("killed node {VICTIM} near height {victim_died_at}"));
    let live = cluster.running();
    let phase2 = cluster.feed("phase2", 200, &live).await;
    admitted.extend(phase2.iter().copied());
    cluster.wait_committed(0, &phase2).await;
    step("phase 2: 200 txs admitted and committed by the other three");
    // Let the chain move on well past the victim, so catching up needs sync.
    cluster.wait_height(&live, victim_died_at + 10).await;
    step("chain moved 10 blocks past the victim");

    // Phase 3: the victim restarts on its store and takes transactions again.
    cluster.spawn(VICTIM);
    cluster.wait_up(&[VICTIM]).await;
    step(&format!("restarted node {VICTIM}"));
    let phase3 = cluster.feed("phase3", 100, &all).await;
    admitted.extend(phase3);
    step("phase 3: 100 txs admitted by all four");

    // Everything admitted gets committed, and every node, the victim too, reaches that height.
    let target = cluster.wait_committed(0, &admitted).await;
    step(&format!("all {} admitted txs committed by height {target}", admitted.len()));
    cluster.wait_height(&all, target).await;
    step(&format!("all four at height {target} or above"));

    let mut chains = Vec::new();
    for i in 0..NODES {
        match read_chain(cluster.client_addr(i)).await {
            Ok(c) => chains.push(c),
            Err(e) => cluster.fail(&format!("reading node {i}'s chain: {e}")),
        }
    }
    if let Err(e) = check_chains(&chains, &admitted) {
        cluster.fail(&e);
    }
    assert!(chains[VICTIM].len() as Height >= target, "restarted node below the common height {target}");
    eprintln!(
        "real cluster: {} txs admitted and committed once; heights {:?} (victim died near {victim_died_at}); {:.1?}",
        admitted.len(),
        chains.iter().map(Vec::len).collect::<Vec<_>>(),
        started.elapsed()
    );
}
