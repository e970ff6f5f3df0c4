//! The simulated load client: sends transactions at the scenario's rate, round-robin over
//! the first copy of every identity, pipelined over a few connections per node, and
//! records what it sent (the nodes record what they admitted).
//!
//! Why several connections: madsim delivers each flushed write of a TCP stream after its
//! own sleep, and a sleep lasts at least one millisecond, so one simulated connection
//! carries at most ~1000 messages per second.

use super::super::CLIENT_PORT;
use crate::net::{codec, frame};
use crate::node::{ClientCall, ClientRequest};
use crate::types::Tx;
use kraken_sim::events::EventKind;
use kraken_sim::world::ClientEnv;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::net::SocketAddr;
use tokio::io::WriteHalf;
use tokio::net::TcpStream;
use tokio::time::{sleep_until, Instant};

const CLIENT: &str = "client";
/// Connections per node: room for ~8000 submissions per second per node.
const CONNECTIONS: usize = 8;

struct Link {
    addr: SocketAddr,
    name: String,
    writers: Vec<Option<WriteHalf<TcpStream>>>,
}

pub async fn run(env: ClientEnv) {
    let mut rng = ChaCha20Rng::seed_from_u64(env.seed ^ 0x6b72_616b_656e);
    let mut links: Vec<Link> = env
        .nodes
        .iter()
        .zip(&env.names)
        .map(|(ips, names)| Link {
            addr: SocketAddr::new(ips[0], CLIENT_PORT),
            name: names[0].clone(),
            writers: (0..CONNECTIONS).map(|_| None).collect(),
        })
        .collect();
    let start = Instant::now();
    for (seq, at) in env.load.send_times(env.duration).into_iter().enumerate() {
        // madsim wakes a timer at the earliest on the next millisecond: sleeping for a
        // send time already due would cap the offered load at 1000 tx/s.
        if Instant::now() < start + at {
            sleep_until(start + at).await;
        }
        let mut body = vec![0u8; env.load.tx_size.max(8)];
        body[..8].copy_from_slice(&(seq as u64).to_be_bytes());
        rng.fill_bytes(&mut body[8..]);
        let tx = Tx(body);
        let short = tx.id().short();
        let n = links.len();
        let link = &mut links[seq % n];
        env.events.record(CLIENT, EventKind::TxSubmitted { tx: short, to: link.name.clone() });
        let req = ClientRequest { id: seq as u64, call: ClientCall::Submit(tx) };
        send(link, (seq / n) % CONNECTIONS, &req).await;
    }
}

async fn send(link: &mut Link, conn: usize, req: &ClientRequest) {
    let slot = &mut link.writers[conn];
    if slot.is_none() {
        if let Ok(stream) = TcpStream::connect(link.addr).await {
            let (reader, writer) = tokio::io::split(stream);
            tokio::spawn(drain_replies(reader));
            *slot = Some(writer);
        }
    }
    let Some(w) = slot.as_mut() else { return };
    if frame::write_frame(w, &codec::encode(req)).await.is_err() {
        *slot = None; // the node is down; reconnect on the next send
    }
}

/// Admissions are recorded by the nodes themselves; the replies only need reading.
async fn drain_replies(mut reader: tokio::io::ReadHalf<TcpStream>) {
    while let Ok(Some(_)) = frame::read_frame(&mut reader).await {}
}
