//! The mempool task: it takes screened submissions (see `api.rs`) and peers' batches in
//! one queue each. A client's transaction is acknowledged only once the batch holding
//! it is sealed and durably stored, so an admitted transaction survives a crash of the
//! node that admitted it (its peers received the batch too, and the node re-proposes its
//! pending batches after a restart). A batch it cannot store stops the node ([`Halt`]):
//! its transactions are refused, never acknowledged.

use super::api::{not_committed, Admission, MempoolHandle, MempoolParams, Rejection, Screen, Submission, TxCheck};
use super::{BatchPool, MempoolMessage};
use crate::cpu::Cpu;
use crate::halt::Halt;
use crate::net::{Outbox, WarnLimit};
use crate::observer::Observer;
use crate::storage::{Store, Table};
use crate::types::{Author, Batch, Digest, Tx, TxId};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{sleep_until, Instant};

pub struct Mempool {
    params: MempoolParams,
    store: Store,
    net: Outbox<MempoolMessage>,
    pool: Arc<BatchPool>,
    observer: Arc<dyn Observer>,
    halt: Halt,
    warnings: WarnLimit,
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
        net: Outbox<MempoolMessage>,
        pool: Arc<BatchPool>,
        observer: Arc<dyn Observer>,
        halt: Halt,
        tx_check: Option<Arc<dyn TxCheck>>,
        cpu: Arc<dyn Cpu>,
        inbox: mpsc::Receiver<(Author, MempoolMessage)>,
        arrivals: mpsc::UnboundedSender<Digest>,
    ) -> anyhow::Result<MempoolHandle> {
        anyhow::ensure!(
            (1..=Batch::MAX_TXS).contains(&params.max_batch_txs),
            "mempool.max_batch_txs = {} is not in 1..={}",
            params.max_batch_txs,
            Batch::MAX_TXS
        );
        // Back from a restart, what was stored and not yet committed goes back in the pool
        // and out to the peers again: their copies may have died with them (a cluster-wide
        // power loss), and a batch only its sealer holds waits for its sealer to lead.
        for key in store.keys(Table::PendingBatches)? {
            if let Some(batch) = store.get::<Batch>(Table::Batches, &key)? {
                pool.add(batch.digest(), &batch);
                net.broadcast(&MempoolMessage::Batch(batch));
            }
        }
        let (submit, submissions) = mpsc::channel(10_000);
        let screen = Screen { max_tx_bytes: params.max_tx_bytes, store: store.clone(), halt: halt.clone(), tx_check, cpu, observer: observer.clone() };
        let m = Mempool {
            params,
            store,
            net,
            pool,
            observer,
            halt,
            warnings: WarnLimit::new(Duration::from_secs(10)),
            arrivals,
            current: Vec::new(),
            current_ids: BTreeSet::new(),
            current_bytes: 0,
            waiting: Vec::new(),
            seal_at: None,
        };
        tokio::spawn(m.run(submissions, inbox));
        Ok(MempoolHandle::new(submit, screen))
    }

    async fn run(
        mut self,
        mut submissions: mpsc::Receiver<Submission>,
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
        if let Err(reason) = self.check(&id) {
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

    /// What only the task can tell: a copy is pending here, or was committed since the
    /// submission was screened.
    fn check(&self, id: &TxId) -> Result<(), Rejection> {
        if self.current_ids.contains(id) || self.pool.contains_tx(id) {
            return Err(Rejection::duplicate("duplicate: transaction already pending"));
        }
        not_committed(&self.store, &self.halt, id)
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
        match self.store_batch(&batch, true) {
            Ok(digest) => {
                self.net.broadcast(&MempoolMessage::Batch(batch));
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

    /// Stores a batch and adds it to the pool: durably before returning for our own (its
    /// transactions are acknowledged next), deferred for a peer's, which its sealer holds
    /// durably. A peer's batch still reaches our disk before we vote for a block naming
    /// it: the vote's durable write commits every deferred put.
    fn store_batch(&self, batch: &Batch, durable: bool) -> anyhow::Result<Digest> {
        let digest = batch.digest();
        if !self.store.contains(Table::Batches, &digest.0)? {
            if durable {
                self.store.write(|w| {
                    w.put(Table::Batches, &digest.0, batch)?;
                    w.put(Table::PendingBatches, &digest.0, &())
                })?;
            } else {
                self.store.defer(Table::Batches, &digest.0, batch)?;
                self.store.defer(Table::PendingBatches, &digest.0, &())?;
            }
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
                match self.store_batch(&batch, false) {
                    Ok(d) => {
                        let _ = self.arrivals.send(d);
                    }
                    Err(e) => self.halt.stop("mempool store (a peer's batch)", e),
                }
            }
            MempoolMessage::Request(digests) => {
                for d in digests.iter().take(64) {
                    match self.store.get::<Batch>(Table::Batches, &d.0) {
                        Ok(Some(batch)) => self.net.send(from, &MempoolMessage::Batch(batch)),
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
