//! One consensus core on a simulated network, driven message by message. The test plays
//! the other members: it holds their keys, feeds the core's inbox with any sender it
//! likes, and reads what the core sends each of them. The core's disk outlives a restart
//! and can be told to fail, so crash and disk-fault orderings can be staged exactly.

mod byzantine;
mod commit;
mod disk;
mod election;
mod pacemaker;
mod restart;

use super::messages::{Block, ConsensusMessage, QuorumCert, Timeout, TimeoutCert, Vote};
use super::{ConsensusParams, Core, LeaderElection};
use crate::mempool::BatchPool;
use crate::net::envelope::Envelope;
use crate::net::{codec, frame, LinkKeys, NetStats, Network};
use crate::halt::{Halt, Halted};
use crate::node::{consensus_outbox, mempool_outbox, NodeMessage};
use crate::observer::Observer;
use crate::storage::Store;
use crate::testbed::SimBackend;
use crate::types::{Author, Batch, Committee, Digest, KeyPair, Round, Tx};
use futures_util::FutureExt;
use kraken_sim::disk::SimDisk;
use madsim::runtime::{Handle, NodeHandle, Runtime};
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

const PORT: u16 = 7000;

fn ip(author: Author) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 0, 0, author as u8 + 1))
}

pub fn committee(n: usize) -> (Committee, Vec<KeyPair>) {
    Committee::generate(n, 1, |i| (vec![SocketAddr::new(ip(i as Author), PORT)], vec![SocketAddr::new(ip(i as Author), PORT + 1)]))
}

/// Runs `test` as the supervisor of a seeded simulation.
pub fn simulate<F: Future<Output = ()>>(test: impl FnOnce() -> F) {
    Runtime::with_seed_and_config(1, madsim::Config::default()).block_on(test());
}

/// A redb backend over a simulated disk whose reads or writes can be made to fail.
#[derive(Debug)]
struct FlakyBackend {
    inner: SimBackend,
    faults: Arc<DiskFaults>,
}

#[derive(Debug, Default)]
pub struct DiskFaults {
    pub fail_reads: AtomicBool,
    pub fail_writes: AtomicBool,
    /// Switch the fault on once the store is open and the batches are written, right
    /// before the core starts (one start only).
    pub fail_reads_once_started: AtomicBool,
    pub fail_writes_once_started: AtomicBool,
}

impl DiskFaults {
    fn arm(&self) {
        if self.fail_reads_once_started.swap(false, Ordering::SeqCst) {
            self.fail_reads.store(true, Ordering::SeqCst);
        }
        if self.fail_writes_once_started.swap(false, Ordering::SeqCst) {
            self.fail_writes.store(true, Ordering::SeqCst);
        }
    }
}

impl FlakyBackend {
    fn check(&self, flag: &AtomicBool, what: &str) -> io::Result<()> {
        match flag.load(Ordering::SeqCst) {
            true => Err(io::Error::other(format!("injected {what} error"))),
            false => Ok(()),
        }
    }
}

impl redb::StorageBackend for FlakyBackend {
    fn len(&self) -> io::Result<u64> {
        self.inner.len()
    }
    fn read(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        self.check(&self.faults.fail_reads, "read")?;
        self.inner.read(offset, len)
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.check(&self.faults.fail_writes, "write")?;
        self.inner.set_len(len)
    }
    fn sync_data(&self, eventual: bool) -> io::Result<()> {
        self.check(&self.faults.fail_writes, "sync")?;
        self.inner.sync_data(eventual)
    }
    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.check(&self.faults.fail_writes, "write")?;
        self.inner.write(offset, data)
    }
}

/// What the core reported through its observer.
#[derive(Default)]
pub struct Reports {
    pub dropped: Mutex<Vec<(Author, String)>>,
    pub committed: Mutex<Vec<u64>>,
}

struct TestObserver(Arc<Reports>);

impl Observer for TestObserver {
    fn message_dropped(&self, from: Author, reason: &str) {
        self.0.dropped.lock().unwrap().push((from, reason.to_string()));
    }
    fn block_committed(&self, block: &crate::consensus::CommittedBlock) {
        self.0.committed.lock().unwrap().push(block.record.height);
    }
}

/// Every consensus message the core sent, as `(to, message)`, in arrival order.
pub type Sent = Arc<Mutex<Vec<(Author, ConsensusMessage)>>>;

/// The core under test and the members the test plays.
pub struct Stage {
    pub committee: Committee,
    pub keys: Vec<KeyPair>,
    pub sent: Sent,
    pub reports: Arc<Reports>,
    pub faults: Arc<DiskFaults>,
    /// Batches the core's mempool holds when it (re)starts.
    pub batches: Arc<Mutex<Vec<Batch>>>,
    /// How the core elects leaders: round-robin unless `setup` says otherwise (the tests
    /// script who leads each round).
    pub election: Arc<Mutex<LeaderElection>>,
    inbox: Arc<Mutex<Option<mpsc::Sender<(Author, ConsensusMessage)>>>>,
    halted: Arc<Mutex<Option<Halted>>>,
    disk: SimDisk,
    node: Option<NodeHandle>,
}

impl Stage {
    /// Starts the core as member `me` of an `n`-member committee, and listeners for the
    /// others. Call inside [`simulate`].
    pub async fn start(me: Author, n: usize) -> Stage {
        Self::start_with(me, n, |_| {}).await
    }

    /// [`Stage::start`], with `setup` run on the stage before the core first starts.
    pub async fn start_with(me: Author, n: usize, setup: impl FnOnce(&Stage)) -> Stage {
        let (committee, keys) = committee(n);
        let handle = Handle::current();
        let sent: Sent = Arc::default();
        for peer in committee.authors().filter(|a| *a != me) {
            let sent = sent.clone();
            handle.create_node().name(format!("peer{peer}")).ip(ip(peer)).build().spawn(listen_as(peer, sent));
        }
        let (reports, faults, batches) = (Arc::new(Reports::default()), Arc::new(DiskFaults::default()), Arc::default());
        let (inbox, halted) = (Arc::default(), Arc::default());
        let disk = SimDisk::new();
        let election = Arc::new(Mutex::new(LeaderElection::RoundRobin));
        let mut stage = Stage { committee, keys, sent, reports, faults, batches, election, inbox, halted, disk, node: None };
        setup(&stage);
        let node = {
            let (committee, key) = (Arc::new(stage.committee.clone()), stage.keys[me as usize].clone());
            let election = *stage.election.lock().unwrap();
            let (reports, faults, batches, inbox, halted, disk) = (
                stage.reports.clone(),
                stage.faults.clone(),
                stage.batches.clone(),
                stage.inbox.clone(),
                stage.halted.clone(),
                stage.disk.clone(),
            );
            handle
                .create_node()
                .name("core")
                .ip(ip(me))
                .init(move || {
                    let (committee, key, reports, faults, batches, inbox, halted, disk) = (
                        committee.clone(),
                        key.clone(),
                        reports.clone(),
                        faults.clone(),
                        batches.clone(),
                        inbox.clone(),
                        halted.clone(),
                        disk.clone(),
                    );
                    async move {
                        let store = open_store(&disk, &faults);
                        let pool = Arc::new(BatchPool::default());
                        for b in batches.lock().unwrap().iter() {
                            store.put(crate::storage::Table::Batches, &b.digest().0, b).unwrap();
                            pool.add(b.digest(), b);
                        }
                        let links = Arc::new(LinkKeys::derive(&committee, me, &key).expect("link keys"));
                        let net = Network::start(&committee, links, Arc::new(NetStats::default()), Default::default());
                        let (tx, rx) = mpsc::channel(1_000);
                        let (_arrivals, arrivals) = mpsc::unbounded_channel();
                        let (halt, h) = Halt::new();
                        *inbox.lock().unwrap() = Some(tx);
                        *halted.lock().unwrap() = Some(h);
                        let observer: Arc<dyn Observer> = Arc::new(TestObserver(reports));
                        let params = ConsensusParams { leader_election: election, ..Default::default() };
                        let (commits, _) = mpsc::unbounded_channel();
                        Core::spawn(me, key, committee, params, store, consensus_outbox(&net), mempool_outbox(&net), pool, observer, commits, None, halt, rx, arrivals)
                            .expect("core starts");
                        faults.arm();
                        // The node lives (and keeps the arrivals channel open) until killed.
                        std::future::pending::<()>().await
                    }
                })
                .build()
        };
        stage.node = Some(node);
        stage.settle().await;
        stage
    }

    /// Lets the simulation run long enough for messages to arrive and be handled, but
    /// shorter than a round timeout.
    pub async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    /// Delivers `msg` to the core as if `from` had sent it.
    pub async fn deliver(&self, from: Author, msg: ConsensusMessage) {
        let inbox = self.inbox.lock().unwrap().clone().expect("core started");
        // A core that stopped itself has dropped its inbox; the test then checks why.
        let _ = inbox.send((from, msg)).await;
        self.settle().await;
    }

    /// Crashes the core's machine (its disk keeps what was synced) and starts it again.
    pub async fn restart(&self) {
        let id = self.node.as_ref().expect("started").id();
        Handle::current().kill(id);
        self.disk.crash();
        Handle::current().restart(id);
        self.settle().await;
    }

    /// The reason the core stopped the node, if it did.
    pub fn halt_reason(&self) -> Option<String> {
        self.halted.lock().unwrap().as_mut().and_then(|h| h.reason().now_or_never())
    }

    /// What the core sent so far, to anyone.
    pub fn sent(&self) -> Vec<(Author, ConsensusMessage)> {
        self.sent.lock().unwrap().clone()
    }

    pub fn proposals(&self) -> Vec<Block> {
        let mut out: Vec<Block> = Vec::new();
        for (_, m) in self.sent() {
            if let ConsensusMessage::Propose(b) = m {
                if !out.contains(&b) {
                    out.push(b);
                }
            }
        }
        out
    }

    pub fn votes(&self) -> Vec<Vote> {
        self.sent().into_iter().filter_map(|(_, m)| if let ConsensusMessage::Vote(v) = m { Some(v) } else { None }).collect()
    }

    pub fn dropped(&self) -> Vec<(Author, String)> {
        self.reports.dropped.lock().unwrap().clone()
    }

    /// A block signed by the leader of `round`.
    pub fn block(&self, round: Round, height: u64, qc: QuorumCert, tc: Option<TimeoutCert>, payload: Vec<Digest>) -> Block {
        let leader = self.committee.round_robin_leader(round);
        Block::new_signed(round, height, qc, tc, payload, leader, &self.keys[leader as usize])
    }

    /// A QC for `block` signed by the first quorum of members.
    pub fn qc(&self, block: &Block) -> QuorumCert {
        let votes = (0..self.committee.quorum())
            .map(|i| {
                let v = Vote::new(block, i as Author, &self.keys[i]);
                (v.author, v.signature)
            })
            .collect();
        QuorumCert { block: block.digest(), round: block.round, votes }
    }

    /// A TC for `round` from `signers`, each claiming the paired high-QC round.
    pub fn tc(&self, round: Round, signers: &[(Author, Round)]) -> TimeoutCert {
        let votes = signers
            .iter()
            .map(|&(a, high)| {
                let t = Timeout::new(round, QuorumCert { block: Digest::default(), round: high, votes: vec![] }, a, &self.keys[a as usize]);
                (a, high, t.signature)
            })
            .collect();
        TimeoutCert { round, votes }
    }
}

fn open_store(disk: &SimDisk, faults: &Arc<DiskFaults>) -> Store {
    let backend = FlakyBackend { inner: SimBackend::new(disk.handle()), faults: faults.clone() };
    Store::open_backend(backend).expect("the store opens (faults are switched on after)")
}

/// A batch of one transaction with these bytes.
pub fn batch(bytes: &[u8]) -> Batch {
    Batch { txs: vec![Tx(bytes.to_vec())] }
}

/// Member `me`'s side of the network: records every consensus message it receives.
async fn listen_as(me: Author, sent: Sent) {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip(me), PORT)).await.expect("bind");
    loop {
        let Ok((mut stream, _)) = listener.accept().await else { return };
        let sent = sent.clone();
        tokio::spawn(async move {
            while let Ok(Some(bytes)) = frame::read_frame(&mut stream).await {
                let env: Envelope = codec::decode(&bytes).expect("the core seals envelopes");
                if let Ok(NodeMessage::Consensus(m)) = codec::decode::<NodeMessage>(&env.body) {
                    sent.lock().unwrap().push((me, m));
                }
            }
        });
    }
}
