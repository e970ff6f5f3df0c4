//! Outbound side: one task per peer address keeps a connection open (reconnecting with
//! backoff) and writes the frames queued for it. Sending never blocks the caller: when a
//! peer's queue is full the message is dropped and counted; consensus tolerates loss
//! (timeouts, sync) and the mempool re-fetches missing batches.
//!
//! A connection over which a peer has stayed silent for a while is dropped and
//! re-established: a TCP stream stuck behind a partition would otherwise deliver its
//! backlog only after its retransmission backoff (seconds) once the partition heals,
//! delaying every newer message behind it.

use super::{codec, frame::write_frame, stats::NetStats, LinkKeys, SendHooks};
use crate::types::{Author, Committee, Round};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;

const QUEUE_PER_PEER: usize = 4096;
const BACKOFF_MIN: Duration = Duration::from_millis(50);
const BACKOFF_MAX: Duration = Duration::from_secs(2);
/// Peers normally talk several times a second (proposals, votes, timeouts).
const SILENCE_RESET: Duration = Duration::from_secs(3);
const SILENCE_CHECK: Duration = Duration::from_millis(500);

type Frame = Arc<Vec<u8>>;

#[derive(Clone)]
pub struct Network {
    links: Arc<LinkKeys>,
    peers: Arc<BTreeMap<Author, Vec<mpsc::Sender<Frame>>>>,
    stats: Arc<NetStats>,
    /// The next message's sequence number (see [`super::envelope::Envelope::seq`]).
    seq: Arc<AtomicU64>,
    hooks: SendHooks,
}

impl Network {
    /// Starts a sender task for every address of every other member; `hooks` (none in
    /// real nodes) decide which of a member's addresses each message goes to and what a
    /// byzantine node makes of it.
    pub fn start(committee: &Committee, links: Arc<LinkKeys>, stats: Arc<NetStats>, hooks: SendHooks) -> Self {
        let mut peers = BTreeMap::new();
        for author in committee.authors().filter(|a| *a != links.me()) {
            let member = committee.member(author).expect("author from committee");
            let queues = member
                .consensus
                .iter()
                .map(|addr| {
                    let (tx, rx) = mpsc::channel(QUEUE_PER_PEER);
                    tokio::spawn(peer_task(*addr, author, rx, stats.clone()));
                    tx
                })
                .collect();
            peers.insert(author, queues);
        }
        // Microseconds since the epoch at start: above every number an earlier
        // incarnation used, unless it sent more than a million messages a second.
        let start = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as u64);
        Network { links, peers: Arc::new(peers), stats, seq: Arc::new(AtomicU64::new(start)), hooks }
    }

    /// Sends an encoded message of `round` (see [`super::Wire::round`]) to `to`, or to
    /// every other member (every copy of it). Components send through an
    /// [`super::Outbox`].
    pub(super) fn emit(&self, to: Option<Author>, body: Vec<u8>, round: Option<Round>) {
        let bodies = match &self.hooks.tamper {
            Some(tamper) => tamper.outgoing(to, body),
            None => vec![(to, body)],
        };
        for (to, body) in bodies {
            // One number per message: each addressee's envelope differs by its tag.
            let seq = self.seq.fetch_add(1, Ordering::Relaxed);
            match to {
                Some(to) => self.push(to, seq, &body, round),
                None => self.peers.keys().for_each(|to| self.push(*to, seq, &body, round)),
            }
        }
    }

    /// Seals `body` for member `to` and queues it for every copy of `to` it reaches.
    fn push(&self, to: Author, seq: u64, body: &[u8], round: Option<Round>) {
        let reached: Vec<&mpsc::Sender<Frame>> = self
            .peers
            .get(&to)
            .into_iter()
            .flatten()
            .enumerate()
            .filter(|(copy, _)| self.hooks.links.as_ref().is_none_or(|links| links.reaches(to, *copy, round)))
            .map(|(_, q)| q)
            .collect();
        if reached.is_empty() {
            return;
        }
        let Some(env) = self.links.seal(to, seq, body.to_vec()) else { return };
        let frame: Frame = Arc::new(codec::encode(&env));
        for q in reached {
            if q.try_send(frame.clone()).is_err() {
                NetStats::bump(&self.stats.queue_full);
            }
        }
    }
}

async fn peer_task(addr: SocketAddr, peer: Author, mut rx: mpsc::Receiver<Frame>, stats: Arc<NetStats>) {
    let mut backoff = BACKOFF_MIN;
    // A frame taken from the queue but not written survives a reconnect once.
    let mut carry: Option<Frame> = None;
    loop {
        let mut stream = match TcpStream::connect(addr).await {
            Ok(s) => s,
            Err(e) => {
                tracing::trace!(%addr, "connect failed: {e}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            }
        };
        backoff = BACKOFF_MIN;
        let _ = stream.set_nodelay(true);
        let connected = Instant::now();
        let mut check = tokio::time::interval(SILENCE_CHECK);
        loop {
            let frame = match carry.take() {
                Some(f) => f,
                None => tokio::select! {
                    // Fixed branch order: tokio's random branch choice is seeded from process-global
                    // state and would make simulated runs depend on what else ran in the process.
                    biased;
                    f = rx.recv() => match f {
                        Some(f) => f,
                        None => return, // the node is shutting down
                    },
                    _ = check.tick() => {
                        let heard = stats.last_heard(peer).unwrap_or(connected).max(connected);
                        if heard.elapsed() > SILENCE_RESET {
                            tracing::debug!(%addr, "peer silent, re-establishing the connection");
                            break;
                        }
                        continue;
                    }
                },
            };
            if let Err(e) = write_frame(&mut stream, &frame).await {
                tracing::debug!(%addr, "send failed, reconnecting: {e}");
                carry = Some(frame);
                break;
            }
        }
    }
}
