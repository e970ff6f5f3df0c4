//! The mempool task. A client's transaction is acknowledged only once the batch holding
//! it is sealed and durably stored, so an admitted transaction survives a crash of the
//! node that admitted it (its peers received the batch too, and the node re-proposes its
//! pending batches after a restart). A batch it cannot store stops the node ([`Halt`]):
//! its transactions are refused, never acknowledged.

use super::{BatchPool, MempoolMessage};
use crate::net::Network;
use crate::node::{Halt, NodeMessage, WarnLimit};
use crate::observer::Observer;
use crate::storage::{Store, Table};
use crate::types::{Author, Batch, Digest, Tx, TxId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep_until, Instant};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MempoolParams {
    /// Seal a batch once it holds this many bytes of transactions.
    pub batch_bytes: usize,
    /// ...or once its first transaction has waited this long.
    pub batch_delay_ms: u64,
    /// Largest transaction admitted.
    pub max_tx_bytes: usize,
    /// Most transactions in a batch, sealed here or accepted from a peer (at most
    /// `Batch::MAX_TXS`).
    pub max_batch_txs: usize,
    /// TEST ONLY, never in a deployment: acknowledge a transaction on arrival, before
    /// its batch is durable, so a crash loses acknowledged transactions. It exists to
    /// prove the simulator's no-lost-tx checker catches that bug (`tests/sim_checkers.rs`).
    pub unsafe_ack_before_persist: bool,
}

impl Default for MempoolParams {
    fn default() -> Self {
        MempoolParams { batch_bytes: 256 * 1024, batch_delay_ms: 20, max_tx_bytes: 1024 * 1024, max_batch_txs: 20_000, unsafe_ack_before_persist: false }
    }
}

/// A check a transaction must pass before the mempool takes it (the node plugs in
/// Starknet's admission when it executes transactions).
pub trait TxCheck: Send + Sync {
    /// `Err(rejection)` rejects the transaction.
    fn check(&self, tx: &Tx) -> Result<(), Rejection>;
}

/// Why a transaction was refused. `code` is the Starknet JSON-RPC error code when there
/// is one, so the RPC can answer with it exactly; the mempool's own refusals (empty,
/// oversize, store down) carry none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub code: Option<i32>,
    pub message: String,
    pub data: String,
}

impl Rejection {
    /// Starknet's DUPLICATE_TX: what a duplicate is, whatever checked it.
    pub const DUPLICATE_TX: i32 = 59;

    /// A refusal by the mempool itself, with no Starknet code.
    pub fn mempool(message: impl Into<String>) -> Rejection {
        Rejection { code: None, message: message.into(), data: String::new() }
    }

    pub fn duplicate(data: impl Into<String>) -> Rejection {
        Rejection {
            code: Some(Self::DUPLICATE_TX),
            message: "A transaction with the same hash already exists in the mempool".into(),
            data: data.into(),
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.code, self.data.is_empty()) {
            (Some(code), false) => write!(f, "{} ({code}): {}", self.message, self.data),
            (Some(code), true) => write!(f, "{} ({code})", self.message),
            (None, false) => write!(f, "{}: {}", self.message, self.data),
            (None, true) => f.write_str(&self.message),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admission {
    Admitted(TxId),
    Rejected { tx: TxId, reason: Rejection },
}

#[derive(Clone)]
pub struct MempoolHandle {
    submit: mpsc::Sender<(Tx, oneshot::Sender<Admission>)>,
}

/// What a [`MempoolHandle`] sends: a transaction and where its admission goes.
pub type Submission = (Tx, oneshot::Sender<Admission>);

impl MempoolHandle {
    /// A handle whose submissions arrive on the returned receiver instead of a mempool
    /// task (tests of front ends such as the JSON-RPC).
    pub fn channel(capacity: usize) -> (MempoolHandle, mpsc::Receiver<Submission>) {
        let (submit, submissions) = mpsc::channel(capacity);
        (MempoolHandle { submit }, submissions)
    }

    pub async fn submit(&self, tx: Tx) -> Admission {
        let id = tx.id();
        let (ack, done) = oneshot::channel();
        if self.submit.send((tx, ack)).await.is_err() {
            return Admission::Rejected { tx: id, reason: Rejection::mempool("node is shutting down") };
        }
        done.await.unwrap_or(Admission::Rejected { tx: id, reason: Rejection::mempool("node is shutting down") })
    }
}

pub struct Mempool {
    params: MempoolParams,
    store: Store,
    net: Network,
    pool: Arc<BatchPool>,
    observer: Arc<dyn Observer>,
    halt: Halt,
    warnings: WarnLimit,
    tx_check: Option<Arc<dyn TxCheck>>,
    arrivals: mpsc::UnboundedSender<Digest>,
    current: Vec<Tx>,
    current_ids: BTreeSet<TxId>,
    current_bytes: usize,
    waiting: Vec<(TxId, oneshot::Sender<Admission>)>,
    seal_at: Option<Instant>,
}

impl Mempool {
    /// Restores pending batches from the store and starts the mempool task.
    /// `arrivals` tells consensus about every batch that became available locally.
    pub fn spawn(
        params: MempoolParams,
        store: Store,
        net: Network,
        pool: Arc<BatchPool>,
        observer: Arc<dyn Observer>,
        halt: Halt,
        tx_check: Option<Arc<dyn TxCheck>>,
        inbox: mpsc::Receiver<(Author, MempoolMessage)>,
        arrivals: mpsc::UnboundedSender<Digest>,
    ) -> anyhow::Result<MempoolHandle> {
        anyhow::ensure!(
            (1..=Batch::MAX_TXS).contains(&params.max_batch_txs),
            "mempool.max_batch_txs = {} is not in 1..={}",
            params.max_batch_txs,
            Batch::MAX_TXS
        );
        for key in store.keys(Table::PendingBatches)? {
            if let Some(batch) = store.get::<Batch>(Table::Batches, &key)? {
                pool.add(batch.digest(), &batch);
            }
        }
        let (submit, submissions) = mpsc::channel(10_000);
        let m = Mempool {
            params,
            store,
            net,
            pool,
            observer,
            halt,
            warnings: WarnLimit::new(Duration::from_secs(10)),
            tx_check,
            arrivals,
            current: Vec::new(),
            current_ids: BTreeSet::new(),
            current_bytes: 0,
            waiting: Vec::new(),
            seal_at: None,
        };
        tokio::spawn(m.run(submissions, inbox));
        Ok(MempoolHandle { submit })
    }

    async fn run(
        mut self,
        mut submissions: mpsc::Receiver<(Tx, oneshot::Sender<Admission>)>,
        mut inbox: mpsc::Receiver<(Author, MempoolMessage)>,
    ) {
        loop {
            let seal_at = self.seal_at;
            tokio::select! {
                // Fixed branch order: tokio's random branch choice is seeded from process-global
                // state and would make simulated runs depend on what else ran in the process.
                biased;
                Some((tx, ack)) = submissions.recv() => self.admit(tx, ack),
                Some((from, msg)) = inbox.recv() => self.on_peer(from, msg),
                _ = sleep_until(seal_at.unwrap_or_else(Instant::now)), if seal_at.is_some() => self.seal(),
                else => return,
            }
        }
    }

    fn admit(&mut self, tx: Tx, ack: oneshot::Sender<Admission>) {
        let id = tx.id();
        if let Err(reason) = self.check(&tx, &id) {
            self.observer.tx_rejected(&id, &reason.to_string());
            let _ = ack.send(Admission::Rejected { tx: id, reason });
            return;
        }
        self.current_bytes += tx.0.len();
        self.current_ids.insert(id);
        self.current.push(tx);
        if self.params.unsafe_ack_before_persist {
            self.observer.tx_admitted(&id);
            let _ = ack.send(Admission::Admitted(id));
        } else {
            self.waiting.push((id, ack));
        }
        if self.seal_at.is_none() {
            self.seal_at = Some(Instant::now() + Duration::from_millis(self.params.batch_delay_ms));
        }
        // Peers refuse a batch of more than max_batch_txs: never seal one.
        if self.current_bytes >= self.params.batch_bytes || self.current.len() >= self.params.max_batch_txs {
            self.seal();
        }
    }

    fn check(&self, tx: &Tx, id: &TxId) -> Result<(), Rejection> {
        if tx.0.is_empty() {
            return Err(Rejection::mempool("empty transaction"));
        }
        if tx.0.len() > self.params.max_tx_bytes {
            return Err(Rejection::mempool(format!(
                "transaction of {} bytes exceeds max_tx_bytes={}",
                tx.0.len(),
                self.params.max_tx_bytes
            )));
        }
        if self.current_ids.contains(id) || self.pool.contains_tx(id) {
            return Err(Rejection::duplicate("duplicate: transaction already pending"));
        }
        match self.store.contains(Table::CommittedTxs, &id.0) {
            Ok(false) => {}
            Ok(true) => return Err(Rejection::duplicate("duplicate: transaction already committed")),
            Err(e) => {
                let reason = Rejection::mempool(format!("store unavailable: {e}"));
                self.halt.stop("mempool store", e);
                return Err(reason);
            }
        }
        match &self.tx_check {
            Some(check) => check.check(tx),
            None => Ok(()),
        }
    }

    fn seal(&mut self) {
        self.seal_at = None;
        if self.current.is_empty() {
            return;
        }
        let batch = Batch { txs: std::mem::take(&mut self.current) };
        self.current_ids.clear();
        self.current_bytes = 0;
        let waiting = std::mem::take(&mut self.waiting);
        match self.store_batch(&batch) {
            Ok(digest) => {
                self.net.broadcast(&NodeMessage::Mempool(MempoolMessage::Batch(batch)));
                let _ = self.arrivals.send(digest);
                for (id, ack) in waiting {
                    self.observer.tx_admitted(&id);
                    let _ = ack.send(Admission::Admitted(id));
                }
            }
            Err(e) => {
                for (id, ack) in waiting {
                    let reason = Rejection::mempool(format!("store unavailable: {e}"));
                    let _ = ack.send(Admission::Rejected { tx: id, reason });
                }
                self.halt.stop("mempool store (the batch's transactions were refused)", e);
            }
        }
    }

    /// Persists a batch (own or a peer's) and adds it to the pool.
    fn store_batch(&self, batch: &Batch) -> anyhow::Result<Digest> {
        let digest = batch.digest();
        if !self.store.contains(Table::Batches, &digest.0)? {
            self.store.write(|w| {
                w.put(Table::Batches, &digest.0, batch)?;
                w.put(Table::PendingBatches, &digest.0, &())
            })?;
        }
        if !self.store.contains(Table::CommittedBatches, &digest.0)? {
            self.pool.add(digest, batch);
        }
        Ok(digest)
    }

    fn on_peer(&mut self, from: Author, msg: MempoolMessage) {
        match msg {
            MempoolMessage::Batch(batch) => {
                if let Err(why) = self.valid_peer_batch(&batch) {
                    self.warnings.log(from, &format!("dropping batch: {why}"));
                    self.observer.message_dropped(from, &why);
                    return;
                }
                match self.store_batch(&batch) {
                    Ok(d) => {
                        let _ = self.arrivals.send(d);
                    }
                    Err(e) => self.halt.stop("mempool store (a peer's batch)", e),
                }
            }
            MempoolMessage::Request(digests) => {
                for d in digests.iter().take(64) {
                    match self.store.get::<Batch>(Table::Batches, &d.0) {
                        Ok(Some(batch)) => self.net.send(from, &NodeMessage::Mempool(MempoolMessage::Batch(batch))),
                        Ok(None) => {}
                        Err(e) => return self.halt.stop("mempool store", e),
                    }
                }
            }
        }
    }

    fn valid_peer_batch(&self, batch: &Batch) -> Result<(), String> {
        if batch.txs.is_empty() || batch.txs.len() > self.params.max_batch_txs {
            return Err(format!("batch has {} transactions", batch.txs.len()));
        }
        if let Some(tx) = batch.txs.iter().find(|t| t.0.is_empty() || t.0.len() > self.params.max_tx_bytes) {
            return Err(format!("batch holds a transaction of {} bytes", tx.0.len()));
        }
        Ok(())
    }
}

#[cfg(all(test, madsim))]
mod tests;
