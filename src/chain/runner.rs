//! The execution task: executes committed blocks in height order as consensus commits
//! them, and catches up from the store after a restart.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{Chain, Executed};
use crate::certify::Attest;
use crate::consensus::CommittedBlock;
use crate::node::Observer;
use crate::types::{Author, TxId};

/// Starts the execution task. The returned observer wraps `observer` and wakes the task
/// on every commit; the node hands it to consensus.
pub fn spawn_runner(chain: Arc<Chain>, observer: Arc<dyn Observer>, attest: mpsc::Sender<Attest>) -> Arc<dyn Observer> {
    let (wake, woken) = mpsc::unbounded_channel();
    tokio::spawn(run(chain, observer.clone(), woken, attest));
    Arc::new(WakeOnCommit { inner: observer, wake })
}

/// Every executed block goes to `attest`, which signs it for the block certificates.
async fn run(chain: Arc<Chain>, observer: Arc<dyn Observer>, mut woken: mpsc::UnboundedReceiver<()>, attest: mpsc::Sender<Attest>) {
    loop {
        match chain.execute_next() {
            Ok(Some(executed)) => {
                observer.block_executed(&executed);
                let sealed = &executed.record.sealed;
                let _ = attest.send(Attest::Executed { height: sealed.number, block_hash: sealed.block_hash }).await;
            }
            Ok(None) => {
                if woken.recv().await.is_none() {
                    return;
                }
                while woken.try_recv().is_ok() {}
            }
            Err(e) => {
                // Never skip a block: a node that cannot execute stalls (and says so)
                // rather than diverge from its peers.
                tracing::error!("execution stalled, retrying in 1 s: {e:#}");
                observer.note(&format!("execution stalled: {e:#}"));
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

struct WakeOnCommit {
    inner: Arc<dyn Observer>,
    wake: mpsc::UnboundedSender<()>,
}

impl Observer for WakeOnCommit {
    fn tx_admitted(&self, tx: &TxId) {
        self.inner.tx_admitted(tx)
    }
    fn tx_rejected(&self, tx: &TxId, reason: &str) {
        self.inner.tx_rejected(tx, reason)
    }
    fn block_committed(&self, block: &CommittedBlock) {
        self.inner.block_committed(block);
        let _ = self.wake.send(());
    }
    fn block_executed(&self, executed: &Executed) {
        self.inner.block_executed(executed)
    }
    fn message_dropped(&self, from: Author, reason: &str) {
        self.inner.message_dropped(from, reason)
    }
    fn note(&self, text: &str) {
        self.inner.note(text)
    }
}
