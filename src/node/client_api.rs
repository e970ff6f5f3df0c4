//! The client endpoint: submit transactions, read the committed chain, ask for status.
//! Framed bincode requests, each answered with the id it came with; submissions are
//! answered when the mempool admits or rejects them, so a client can pipeline.
//! (The Starknet JSON-RPC server is built on top of the same calls in the real build.)

use crate::chain::{Chain, StoreState};
use crate::consensus::{committed_tip, CommitRecord};
use kraken_execution::{Felt, Receipt, StateView};
use crate::mempool::{Admission, MempoolHandle};
use crate::net::frame::{read_frame, write_frame};
use crate::net::{codec, NetStats};
use crate::storage::{Store, Table};
use crate::types::{Digest, Height, Tx, TxId};
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClientRequest {
    pub id: u64,
    pub call: ClientCall,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ClientCall {
    Submit(Tx),
    /// Committed blocks from `from` on, at most `max` (capped at 1000).
    Commits { from: Height, max: u32 },
    Status,
    /// Receipts of Starknet transactions by hash (execution only), at most
    /// [`MAX_RECEIPTS`]: a longer request is refused as it is decoded.
    Receipts(#[serde(deserialize_with = "receipt_hashes")] Vec<Felt>),
    /// An account's nonce in the latest executed state (execution only).
    Nonce(Felt),
}

/// Most hashes one `Receipts` call may name.
pub const MAX_RECEIPTS: usize = 10_000;
/// Requests one client connection may have unanswered at once.
pub(crate) const MAX_IN_FLIGHT: usize = 1_024;

fn receipt_hashes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Felt>, D::Error> {
    crate::types::bounded::vec(d, MAX_RECEIPTS)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClientReply {
    pub id: u64,
    pub answer: ClientAnswer,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ClientAnswer {
    Admitted(TxId),
    Rejected { tx: TxId, reason: String },
    Commits(Vec<CommitInfo>),
    Status(StatusInfo),
    /// Per asked hash: the height and receipt, if executed.
    Receipts(Vec<Option<(Height, Receipt)>>),
    Nonce(Felt),
    Error(String),
}

pub type CommitInfo = CommitRecord;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StatusInfo {
    pub height: Height,
    pub tip: Digest,
    pub dropped_messages: u64,
    pub received_messages: u64,
}

pub async fn serve(
    listener: TcpListener,
    mempool: MempoolHandle,
    store: Store,
    chain: Option<Arc<Chain>>,
    stats: Arc<NetStats>,
) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, mempool.clone(), store.clone(), chain.clone(), stats.clone()));
            }
            Err(e) => tracing::warn!("client accept failed: {e}"),
        }
    }
}

async fn connection(
    stream: TcpStream,
    mempool: MempoolHandle,
    store: Store,
    chain: Option<Arc<Chain>>,
    stats: Arc<NetStats>,
) {
    let (mut reader, mut writer) = tokio::io::split(stream);
    // Each request holds a slot until its reply is written: a client that pipelines and
    // never reads finds the node reading its connection no more, rather than queueing
    // replies (and submission tasks) without bound.
    let slots = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let (replies, mut outbox) = mpsc::unbounded_channel::<(ClientReply, OwnedSemaphorePermit)>();
    tokio::spawn(async move {
        while let Some((reply, _slot)) = outbox.recv().await {
            if write_frame(&mut writer, &codec::encode(&reply)).await.is_err() {
                return;
            }
        }
    });
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else { return };
        let Ok(Some(bytes)) = read_frame(&mut reader).await else { return };
        let req: ClientRequest = match codec::decode(&bytes) {
            Ok(r) => r,
            Err(e) => {
                let _ = replies.send((ClientReply { id: 0, answer: ClientAnswer::Error(format!("malformed request: {e}")) }, slot));
                continue;
            }
        };
        let id = req.id;
        match req.call {
            ClientCall::Submit(tx) => {
                let mempool = mempool.clone();
                let replies = replies.clone();
                tokio::spawn(async move {
                    let answer = match mempool.submit(tx).await {
                        Admission::Admitted(tx) => ClientAnswer::Admitted(tx),
                        Admission::Rejected { tx, reason } => ClientAnswer::Rejected { tx, reason: reason.to_string() },
                    };
                    let _ = replies.send((ClientReply { id, answer }, slot));
                });
            }
            ClientCall::Commits { from, max } => {
                let answer = match commits(&store, from, max.min(1000)) {
                    Ok(c) => ClientAnswer::Commits(c),
                    Err(e) => ClientAnswer::Error(e.to_string()),
                };
                let _ = replies.send((ClientReply { id, answer }, slot));
            }
            ClientCall::Receipts(hashes) => {
                let answer = match receipts(chain.as_deref(), &hashes) {
                    Ok(r) => ClientAnswer::Receipts(r),
                    Err(e) => ClientAnswer::Error(e.to_string()),
                };
                let _ = replies.send((ClientReply { id, answer }, slot));
            }
            ClientCall::Nonce(address) => {
                let answer = match chain.as_deref() {
                    Some(c) => match (StoreState { store: &c.store }).nonce(address) {
                        Ok(n) => ClientAnswer::Nonce(n),
                        Err(e) => ClientAnswer::Error(e.to_string()),
                    },
                    None => ClientAnswer::Error(NO_EXECUTION.into()),
                };
                let _ = replies.send((ClientReply { id, answer }, slot));
            }
            ClientCall::Status => {
                let answer = match status(&store, &stats) {
                    Ok(s) => ClientAnswer::Status(s),
                    Err(e) => ClientAnswer::Error(e.to_string()),
                };
                let _ = replies.send((ClientReply { id, answer }, slot));
            }
        }
    }
}

pub(super) fn commits(store: &Store, from: Height, max: u32) -> anyhow::Result<Vec<CommitInfo>> {
    let mut out = Vec::new();
    let from = from.max(1);
    // `from` comes from the client: near u64::MAX, `from + max` would overflow.
    for h in from..from.saturating_add(max as u64) {
        match store.get::<CommitRecord>(Table::Chain, &h.to_be_bytes())? {
            Some(r) => out.push(r),
            None => break,
        }
    }
    Ok(out)
}

const NO_EXECUTION: &str = "this node does not execute transactions (no [execution] config)";

fn receipts(chain: Option<&Chain>, hashes: &[Felt]) -> anyhow::Result<Vec<Option<(Height, Receipt)>>> {
    let chain = chain.ok_or_else(|| anyhow::anyhow!(NO_EXECUTION))?;
    let mut out = Vec::with_capacity(hashes.len().min(MAX_RECEIPTS));
    for hash in hashes.iter().take(MAX_RECEIPTS) {
        out.push(chain.receipt(*hash)?);
    }
    Ok(out)
}

fn status(store: &Store, stats: &NetStats) -> anyhow::Result<StatusInfo> {
    let tip = committed_tip(store)?;
    Ok(StatusInfo {
        height: tip.map_or(0, |t| t.height),
        tip: tip.map_or_else(Digest::default, |t| t.digest),
        dropped_messages: stats.dropped(),
        received_messages: stats.received.load(Ordering::Relaxed),
    })
}
