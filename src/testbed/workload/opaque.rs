//! The simulated load client: sends transactions at the scenario's rate, round-robin over
//! the first copy of every identity, pipelined over a few connections per node, and
//! records what it sent (the nodes record what they admitted). As `[load]` asks, it also
//! sends a share of them to the next node at once, and a share again to the next node
//! `resubmit_after` later: it reads no commits, so it resends them whatever became of
//! them, as a client that did not hear back in time does.
//!
//! Why several connections: madsim delivers each flushed write of a TCP stream after its
//! own sleep, and a sleep lasts at least one millisecond, so one simulated connection
//! carries at most ~1000 messages per second.

use super::super::CLIENT_PORT;
use crate::load::Draws;
use crate::net::{codec, frame};
use crate::node::{ClientCall, ClientRequest};
use crate::types::Tx;
use kraken_sim::events::EventKind;
use kraken_sim::world::ClientEnv;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::collections::VecDeque;
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
    let mut habits = Draws::new(super::habits(&env.load), env.seed);
    // (when, transaction, node, connection), due in order: every resend waits as long.
    let mut resends: VecDeque<(Instant, Tx, usize, usize)> = VecDeque::new();
    let start = Instant::now();
    let n = links.len();
    for (seq, at) in env.load.send_times(env.duration).into_iter().enumerate() {
        while resends.front().is_some_and(|r| r.0 <= start + at) {
            let (when, tx, node, conn) = resends.pop_front().expect("front");
            wait_until(when).await;
            submit(&env, &mut links[node], conn, &tx).await;
        }
        wait_until(start + at).await;
        let mut body = vec![0u8; env.load.tx_size.max(8)];
        body[..8].copy_from_slice(&(seq as u64).to_be_bytes());
        rng.fill_bytes(&mut body[8..]);
        let tx = Tx(body);
        let (node, conn) = (seq % n, (seq / n) % CONNECTIONS);
        submit(&env, &mut links[node], conn, &tx).await;
        if habits.duplicate() {
            submit(&env, &mut links[(node + 1) % n], conn, &tx).await;
        }
        if habits.resubmit() {
            resends.push_back((Instant::now() + habits.resubmit_after(), tx, (node + 1) % n, conn));
        }
    }
    let end = start + env.duration;
    for (when, tx, node, conn) in resends.into_iter().take_while(|r| r.0 < end) {
        wait_until(when).await;
        submit(&env, &mut links[node], conn, &tx).await;
    }
}

/// madsim wakes a timer at the earliest on the next millisecond: sleeping for a send
/// time already due would cap the offered load at 1000 tx/s.
async fn wait_until(when: Instant) {
    if Instant::now() < when {
        sleep_until(when).await;
    }
}

async fn submit(env: &ClientEnv, link: &mut Link, conn: usize, tx: &Tx) {
    env.events.record(CLIENT, EventKind::TxSubmitted { tx: tx.id().short(), to: link.name.clone() });
    let req = ClientRequest { id: 0, call: ClientCall::Submit(tx.clone()) };
    send(link, conn, &req).await;
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
