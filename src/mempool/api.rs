//! The mempool's API: its settings, the admission types, and the handle front ends submit
//! through. A submission is screened in the submitter's own task (size, already committed,
//! and the node's `TxCheck`: Starknet's `__validate__`, the slow part) before it joins the
//! mempool task's queue, so a slow validation never delays sealing or peers' batches.

use crate::cpu::{Cpu, Work};
use crate::halt::Halt;
use crate::observer::Observer;
use crate::storage::{Store, Table};
use crate::types::{Tx, TxId};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

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

/// What a [`MempoolHandle`] sends: a transaction and where its admission goes.
pub type Submission = (Tx, oneshot::Sender<Admission>);

#[derive(Clone)]
pub struct MempoolHandle {
    submit: mpsc::Sender<Submission>,
    /// None for [`MempoolHandle::channel`], whose submissions go to a test's receiver.
    screen: Option<Arc<Screen>>,
}

/// What a submission must pass before it is queued.
pub(super) struct Screen {
    pub max_tx_bytes: usize,
    pub store: Store,
    pub halt: Halt,
    pub tx_check: Option<Arc<dyn TxCheck>>,
    /// Charged for each transaction `tx_check` screens.
    pub cpu: Arc<dyn Cpu>,
    pub observer: Arc<dyn Observer>,
}

impl Screen {
    fn check(&self, tx: &Tx, id: &TxId) -> Result<(), Rejection> {
        if tx.0.is_empty() {
            return Err(Rejection::mempool("empty transaction"));
        }
        if tx.0.len() > self.max_tx_bytes {
            return Err(Rejection::mempool(format!("transaction of {} bytes exceeds max_tx_bytes={}", tx.0.len(), self.max_tx_bytes)));
        }
        // Before Starknet's check, so a committed transaction sent again is a duplicate
        // rather than a stale nonce.
        not_committed(&self.store, &self.halt, id)?;
        match &self.tx_check {
            Some(check) => check.check(tx),
            None => Ok(()),
        }
    }
}

/// `Err(duplicate)` if the store has committed `id`; a store that cannot answer stops the
/// node.
pub(super) fn not_committed(store: &Store, halt: &Halt, id: &TxId) -> Result<(), Rejection> {
    match store.contains(Table::CommittedTxs, &id.0) {
        Ok(false) => Ok(()),
        Ok(true) => Err(Rejection::duplicate("duplicate: transaction already committed")),
        Err(e) => {
            let reason = Rejection::mempool(format!("store unavailable: {e}"));
            halt.stop("mempool store", e);
            Err(reason)
        }
    }
}

impl MempoolHandle {
    pub(super) fn new(submit: mpsc::Sender<Submission>, screen: Screen) -> Self {
        MempoolHandle { submit, screen: Some(Arc::new(screen)) }
    }

    /// A handle whose submissions arrive on the returned receiver instead of a mempool
    /// task (tests of front ends such as the JSON-RPC).
    pub fn channel(capacity: usize) -> (MempoolHandle, mpsc::Receiver<Submission>) {
        let (submit, submissions) = mpsc::channel(capacity);
        (MempoolHandle { submit, screen: None }, submissions)
    }

    pub async fn submit(&self, tx: Tx) -> Admission {
        let id = tx.id();
        if let Some(screen) = &self.screen {
            if screen.tx_check.is_some() {
                screen.cpu.spend(Work::Admit).await;
            }
            if let Err(reason) = screen.check(&tx, &id) {
                screen.observer.tx_rejected(&id, &reason.to_string());
                return Admission::Rejected { tx: id, reason };
            }
        }
        let (ack, done) = oneshot::channel();
        if self.submit.send((tx, ack)).await.is_err() {
            return Admission::Rejected { tx: id, reason: Rejection::mempool("node is shutting down") };
        }
        done.await.unwrap_or(Admission::Rejected { tx: id, reason: Rejection::mempool("node is shutting down") })
    }
}
