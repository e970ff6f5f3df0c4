//! The Starknet load client: at each send time of the scenario's rate it picks an idle
//! genesis account and sends it a signed invoke — fib, fact or an ERC-20 transfer, drawn
//! from the scenario's `[load] mix` — with the account's next nonce. An account has one
//! transaction in flight: the client polls receipts, moves the nonce on when the
//! transaction is included, and re-reads the nonce from a node when it was rejected or
//! is overdue. Account `i` always submits to node `i mod N`, so its transactions reach
//! consensus in nonce order. As `[load]` asks, it also sends a share of them to the next
//! node at once, and resends a share to the next node when `resubmit_after` passes
//! without a receipt (once per transaction); the nodes must commit each once. On a
//! shared `[cpu]` machine each transaction costs the client CPU time too.

use std::net::SocketAddr;
use std::time::Duration;

use kraken_execution::wallet::{self, GasLimits};
use kraken_execution::{Felt, Genesis, TxStatus};
use kraken_sim::events::EventKind;
use kraken_sim::world::ClientEnv;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tokio::net::TcpStream;
use tokio::time::{sleep_until, Instant};

use super::super::auditor::signed_note;
use super::super::cpu::CostModel;
use super::super::CLIENT_PORT;
use crate::load::Mix;
use crate::net::{codec, frame};
use crate::node::{ClientAnswer, ClientCall, ClientReply, ClientRequest};
use crate::types::Tx;

const CLIENT: &str = "client";
/// How often in-flight transactions are looked up.
const POLL: Duration = Duration::from_millis(200);
/// After this long without a receipt, the account re-reads its nonce and moves on.
const OVERDUE: Duration = Duration::from_secs(20);

struct Slot {
    nonce: u64,
    in_flight: Option<InFlight>,
    resync: bool,
}

struct InFlight {
    hash: Felt,
    sent: Instant,
    /// The transaction's bytes while it may still be resubmitted.
    resend: Option<Tx>,
}

pub async fn run(env: ClientEnv, genesis: Genesis, mix: Mix, costs: CostModel) {
    let mut rng = ChaCha20Rng::seed_from_u64(env.seed ^ 0x7374_6172_6b6e_6574);
    // Its own stream: the transactions are the same whatever the clients' habits.
    let mut habits = ChaCha20Rng::seed_from_u64(env.seed ^ 0x7265_7375_626d_6974);
    let nodes: Vec<SocketAddr> = env.nodes.iter().map(|ips| SocketAddr::new(ips[0], CLIENT_PORT)).collect();
    let names: Vec<String> = env.names.iter().map(|n| n[0].clone()).collect();
    let mut links: Vec<Option<TcpStream>> = nodes.iter().map(|_| None).collect();
    let mut slots: Vec<Slot> = genesis.accounts.iter().map(|_| Slot { nonce: 0, in_flight: None, resync: false }).collect();
    let chain_id = genesis.chain.chain_id();
    let start = Instant::now();
    let sends = env.load.send_times(env.duration);
    let mut next = 0usize;
    let mut cursor = 0usize;
    let mut next_poll = start + POLL;
    let mut request_id = 0u64;
    let mut skipped = 0u64;
    loop {
        let send_at = sends.get(next).map(|t| start + *t);
        let wake = match send_at {
            Some(t) => t.min(next_poll),
            None => next_poll,
        };
        if Instant::now() < wake {
            sleep_until(wake).await;
        }
        if Instant::now() >= start + env.duration {
            break;
        }
        if Instant::now() >= next_poll {
            poll(&mut slots, &genesis, &nodes, &mut links, &mut request_id).await;
            resubmit(&env, &mut slots, &nodes, &names, &mut links, &mut request_id).await;
            next_poll = Instant::now() + POLL;
            continue;
        }
        next += 1;
        let Some(i) = (0..slots.len()).map(|k| (cursor + k) % slots.len()).find(|i| slots[*i].in_flight.is_none() && !slots[*i].resync)
        else {
            skipped += 1;
            continue;
        };
        cursor = i + 1;
        // On a shared `[cpu]` machine the client's own work (signing, submitting,
        // polling) takes the cores the nodes need, as a real client beside them does.
        if let Some((cores, scale)) = &env.cpu {
            cores.run(costs.client_tx(*scale)).await;
        }
        let account = &genesis.accounts[i];
        let call = mix.pick(&genesis, &mut rng);
        let limits = GasLimits::default();
        let signed = wallet::invoke(account, Felt::from(slots[i].nonce), std::slice::from_ref(&call), limits, &chain_id);
        let tx = Tx(signed.encode());
        env.events.record(CLIENT, signed_note(&tx.id().short(), account.address, slots[i].nonce, limits.max_fee(), &call));
        let node = i % nodes.len();
        let resend = chance(&mut habits, env.load.resubmit).then(|| tx.clone());
        let twice = chance(&mut habits, env.load.duplicate).then(|| tx.clone());
        slots[i].in_flight = Some(InFlight { hash: signed.hash, sent: Instant::now(), resend });
        if !submit(&env, tx, node, &nodes, &names, &mut links, &mut request_id).await {
            slots[i].in_flight = None; // the node is down: the account tries again later
        } else if let Some(tx) = twice {
            submit(&env, tx, (node + 1) % nodes.len(), &nodes, &names, &mut links, &mut request_id).await;
        }
    }
    if skipped > 0 {
        env.events.record(
            CLIENT,
            EventKind::Note { what: "load_skipped".into(), detail: serde_json::json!({ "no_idle_account": skipped }) },
        );
    }
}

/// True with probability `share` (drawing nothing when it is 0).
fn chance(rng: &mut ChaCha20Rng, share: f64) -> bool {
    share > 0.0 && rand::Rng::gen_bool(rng, share)
}

/// Sends `tx` to node `node` and records it; false if the node could not be reached.
/// The admission answer comes back on this link; the next call on it reads past it.
async fn submit(env: &ClientEnv, tx: Tx, node: usize, nodes: &[SocketAddr], names: &[String], links: &mut [Option<TcpStream>], id: &mut u64) -> bool {
    env.events.record(CLIENT, EventKind::TxSubmitted { tx: tx.id().short(), to: names[node].clone() });
    *id += 1;
    let req = ClientRequest { id: *id, call: ClientCall::Submit(tx) };
    call_on(&mut links[node], nodes[node], &req, false).await.is_some()
}

/// Resends, to the next node, each transaction chosen for it that has gone
/// `resubmit_after` without a receipt.
async fn resubmit(env: &ClientEnv, slots: &mut [Slot], nodes: &[SocketAddr], names: &[String], links: &mut [Option<TcpStream>], id: &mut u64) {
    for (i, slot) in slots.iter_mut().enumerate() {
        let Some(flight) = slot.in_flight.as_mut() else { continue };
        if flight.resend.is_some() && flight.sent.elapsed() >= env.load.resubmit_after {
            let tx = flight.resend.take().expect("checked");
            submit(env, tx, (i + 1) % nodes.len(), nodes, names, links, id).await;
        }
    }
}

/// Looks up every in-flight transaction and re-reads nonces that need it.
async fn poll(slots: &mut [Slot], genesis: &Genesis, nodes: &[SocketAddr], links: &mut [Option<TcpStream>], id: &mut u64) {
    let asked: Vec<usize> = (0..slots.len()).filter(|i| slots[*i].in_flight.is_some()).collect();
    for (node, addr) in nodes.iter().enumerate() {
        let mine: Vec<usize> = asked.iter().copied().filter(|i| i % nodes.len() == node).collect();
        if !mine.is_empty() {
            *id += 1;
            let hashes = mine.iter().map(|i| slots[*i].in_flight.as_ref().expect("asked").hash).collect();
            let req = ClientRequest { id: *id, call: ClientCall::Receipts(hashes) };
            if let Some(ClientAnswer::Receipts(found)) = call_on(&mut links[node], *addr, &req, true).await {
                for (i, receipt) in mine.iter().zip(found) {
                    let slot = &mut slots[*i];
                    match receipt.map(|(_, r)| r.status) {
                        Some(TxStatus::Succeeded) | Some(TxStatus::Reverted { .. }) => {
                            slot.nonce += 1;
                            slot.in_flight = None;
                        }
                        Some(TxStatus::Rejected { .. }) => {
                            slot.in_flight = None;
                            slot.resync = true;
                        }
                        None => {
                            if slot.in_flight.as_ref().is_some_and(|f| f.sent.elapsed() > OVERDUE) {
                                slot.in_flight = None;
                                slot.resync = true;
                            }
                        }
                    }
                }
            }
        }
        let resync: Vec<usize> = (0..slots.len()).filter(|i| slots[*i].resync && i % nodes.len() == node).collect();
        for i in resync {
            *id += 1;
            let req = ClientRequest { id: *id, call: ClientCall::Nonce(genesis.accounts[i].address) };
            if let Some(ClientAnswer::Nonce(n)) = call_on(&mut links[node], *addr, &req, true).await {
                slots[i].nonce = n.to_biguint().try_into().unwrap_or(u64::MAX);
                slots[i].resync = false;
            }
        }
    }
}

/// Sends `req` on the node's link (connecting if needed). With `wait`, reads replies
/// until the one answering `req` (earlier replies — admission answers — are skipped).
async fn call_on(link: &mut Option<TcpStream>, addr: SocketAddr, req: &ClientRequest, wait: bool) -> Option<ClientAnswer> {
    if link.is_none() {
        *link = TcpStream::connect(addr).await.ok();
    }
    let stream = link.as_mut()?;
    if frame::write_frame(stream, &codec::encode(req)).await.is_err() {
        *link = None;
        return None;
    }
    if !wait {
        return Some(ClientAnswer::Error(String::new()));
    }
    loop {
        let read = tokio::time::timeout(Duration::from_secs(2), frame::read_frame(stream)).await;
        match read {
            Ok(Ok(Some(bytes))) => match codec::decode::<ClientReply>(&bytes) {
                Ok(reply) if reply.id == req.id => return Some(reply.answer),
                Ok(_) => continue,
                Err(_) => return None,
            },
            _ => {
                *link = None;
                return None;
            }
        }
    }
}
