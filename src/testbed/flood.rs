//! A flooding member: member n3, byzantine, pours one kind of hostile but cheap-to-make
//! message at node n0 while the committee commits a steady load. `kraken bench-flood`
//! plays each kind against the same run without a flood; the simulation is CPU-bound, so
//! the extra wall-clock time per message is what one such message costs (every node
//! runs on one core here), and the checkers say whether committing went on.
//!
//! Frames are made before the run starts (signing them inside would bill n0's bill to
//! the flooder's clock), and written in chunks, several frames per flushed write, since
//! madsim carries about a thousand writes a second on one stream.

use super::{Kraken, PEER_PORT};
use crate::consensus::messages::{QuorumCert, Timeout, Vote};
use crate::consensus::ConsensusMessage;
use crate::net::codec;
use crate::net::LinkKeys;
use crate::node::NodeMessage;
use crate::types::{Author, Committee, Digest, KeyPair, Signature};
use futures_util::future::LocalBoxFuture;
use futures_util::FutureExt;
use kraken_sim::world::{ClientEnv, NodeEnv, SimSystem};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// What the flooder sends, each a message a byzantine member can make at will.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FloodKind {
    /// Frames that are not envelopes at all.
    Garbage,
    /// One genuine envelope of n3's, sent again and again.
    Replay,
    /// Distinct, correctly signed timeouts for a round long past, with nothing new in them.
    StaleTimeouts,
    /// Distinct envelopes, each with a vote claiming to be n2's and a bad signature, for
    /// rounds n0 collects votes in.
    ForgedVotes,
    /// Distinct timeouts whose QC carries far more signatures than the committee has.
    OversizedCertificates,
}

/// The member whose key seals the flood: byzantine, whatever its node runs.
pub const FLOODER: Author = 3;
const TARGET: usize = 0;
/// Chunks written per second (each one flushed write).
const CHUNKS_PER_SECOND: u64 = 100;

/// The plain Kraken system plus a flooder in the client's node.
pub struct Flood {
    inner: Kraken,
    chunks: Arc<Vec<Vec<u8>>>,
}

impl Flood {
    /// `per_second` messages of `kind` for `seconds`, against a 4-node committee of the
    /// run's `seed`.
    pub fn new(inner: Kraken, kind: FloodKind, per_second: u64, seconds: u64, seed: u64) -> Self {
        let (committee, keys) = Committee::generate(4, seed, |_| (vec![], vec![]));
        let links = LinkKeys::derive(&committee, FLOODER, &keys[FLOODER as usize]).expect("generated keys are not of small order");
        let total = (per_second * seconds) as usize;
        let frames: Vec<Vec<u8>> = match kind {
            FloodKind::Replay => vec![frame(&links, 1, &stale_timeout(&keys[FLOODER as usize]))],
            _ => (0..total).map(|i| message(kind, i, &committee, &links, &keys)).collect(),
        };
        let per_chunk = (per_second / CHUNKS_PER_SECOND).max(1) as usize;
        let chunks = (0..total.div_ceil(per_chunk))
            .map(|c| (0..per_chunk).flat_map(|j| length_prefixed(&frames[(c * per_chunk + j) % frames.len()])).collect())
            .collect();
        Flood { inner, chunks: Arc::new(chunks) }
    }

    /// Messages the flood sends in all.
    pub fn messages(&self, per_second: u64) -> u64 {
        self.chunks.len() as u64 * (per_second / CHUNKS_PER_SECOND).max(1)
    }
}

fn message(kind: FloodKind, i: usize, committee: &Committee, links: &LinkKeys, keys: &[KeyPair]) -> Vec<u8> {
    let key = &keys[FLOODER as usize];
    let seq = 1 + i as u64;
    match kind {
        FloodKind::Garbage => {
            let mut bytes = vec![0xA5u8; 96];
            bytes[..8].copy_from_slice(&seq.to_be_bytes());
            bytes
        }
        FloodKind::Replay | FloodKind::StaleTimeouts => frame(links, seq, &stale_timeout(key)),
        FloodKind::ForgedVotes => {
            // n0 collects votes for rounds r with leader(r + 1) = n0.
            let round = 3 + 4 * (i as u64 % 250);
            let vote = Vote { block: Digest::of(&seq.to_be_bytes()), round, author: 2, signature: Signature([7; 64]) };
            frame(links, seq, &ConsensusMessage::Vote(vote))
        }
        FloodKind::OversizedCertificates => {
            let fake = (0, Signature([3; 64]));
            let qc = QuorumCert { block: Digest::of(&seq.to_be_bytes()), round: 1_000, votes: vec![fake; 50 * committee.size()] };
            frame(links, seq, &ConsensusMessage::Timeout(Timeout::new(1, qc, FLOODER, key)))
        }
    }
}

fn stale_timeout(key: &KeyPair) -> ConsensusMessage {
    ConsensusMessage::Timeout(Timeout::new(0, QuorumCert::genesis(), FLOODER, key))
}

/// `msg` sealed by the flooder for the target.
fn frame(links: &LinkKeys, seq: u64, msg: &ConsensusMessage) -> Vec<u8> {
    let body = codec::encode(&NodeMessage::Consensus(msg.clone()));
    codec::encode(&links.seal(TARGET as Author, seq, body).expect("the target is a member"))
}

fn length_prefixed(frame: &[u8]) -> Vec<u8> {
    let mut out = (frame.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(frame);
    out
}

impl SimSystem for Flood {
    fn node_main(&self, env: NodeEnv) -> LocalBoxFuture<'static, ()> {
        self.inner.node_main(env)
    }

    fn client_main(&self, env: ClientEnv) -> LocalBoxFuture<'static, ()> {
        let load = self.inner.client_main(env.clone());
        let chunks = self.chunks.clone();
        let target = SocketAddr::new(env.nodes[TARGET][0], PEER_PORT);
        async move {
            let flood = async move {
                // Once the committee is running.
                tokio::time::sleep(Duration::from_secs(1)).await;
                let Ok(mut stream) = TcpStream::connect(target).await else { return };
                let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / CHUNKS_PER_SECOND));
                for chunk in chunks.iter() {
                    tick.tick().await;
                    if stream.write_all(chunk).await.is_err() || stream.flush().await.is_err() {
                        return;
                    }
                }
            };
            futures_util::future::join(load, flood).await;
        }
        .boxed_local()
    }

    fn checkers(&self) -> Vec<Box<dyn kraken_sim::checkers::Checker>> {
        self.inner.checkers()
    }
}
