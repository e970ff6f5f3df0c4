//! The execution task: executes committed blocks in height order as consensus commits
//! them (woken by consensus' commit channel), and catches up from the store after a
//! restart.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::Chain;
use crate::certify::Attest;
use crate::observer::Observer;

/// Starts the execution task; `commits` carries the height of every block consensus
/// commits. Every executed block goes to `attest`, which signs it for the block
/// certificates.
pub fn spawn_runner(chain: Arc<Chain>, observer: Arc<dyn Observer>, commits: mpsc::UnboundedReceiver<u64>, attest: mpsc::Sender<Attest>) {
    tokio::spawn(run(chain, observer, commits, attest));
}

async fn run(chain: Arc<Chain>, observer: Arc<dyn Observer>, mut commits: mpsc::UnboundedReceiver<u64>, attest: mpsc::Sender<Attest>) {
    loop {
        match chain.execute_next() {
            Ok(Some(executed)) => {
                observer.block_executed(&executed);
                let sealed = &executed.record.sealed;
                let _ = attest.send(Attest::Executed { height: sealed.number, block_hash: sealed.block_hash }).await;
            }
            // Caught up with the store: wait for the next commit (the store, not the
            // message, says which block is next, so a burst of commits is one wake-up).
            Ok(None) => {
                if commits.recv().await.is_none() {
                    return;
                }
                while commits.try_recv().is_ok() {}
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
