//! The execution task: executes committed blocks in height order as consensus commits
//! them (woken by consensus' commit channel), and catches up from the store after a
//! restart. Each block's work is charged to the host's [`Cpu`] before it is done, and
//! each executed height is told to consensus, whose leaders wait when execution lags.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::{Chain, Executed};
use crate::certify::Attest;
use crate::cpu::{Cpu, Work};
use crate::observer::Observer;

/// Starts the execution task; `commits` carries the height of every block consensus
/// commits. Every executed block goes to `attest`, which signs it for the block
/// certificates, and its height to `executed`.
pub fn spawn_runner(
    chain: Arc<Chain>,
    observer: Arc<dyn Observer>,
    cpu: Arc<dyn Cpu>,
    commits: mpsc::UnboundedReceiver<u64>,
    attest: mpsc::Sender<Attest>,
    executed: watch::Sender<u64>,
) {
    tokio::spawn(run(chain, observer, cpu, commits, attest, executed));
}

async fn run(
    chain: Arc<Chain>,
    observer: Arc<dyn Observer>,
    cpu: Arc<dyn Cpu>,
    mut commits: mpsc::UnboundedReceiver<u64>,
    attest: mpsc::Sender<Attest>,
    executed_height: watch::Sender<u64>,
) {
    loop {
        match execute_next(&chain, cpu.as_ref()).await {
            Ok(Some(executed)) => {
                observer.block_executed(&executed);
                let sealed = &executed.record.sealed;
                executed_height.send_replace(sealed.number);
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

/// Executes the next committed block, if there is one, once its work has had its CPU
/// time, and off the async workers: a block takes tens of milliseconds, and the consensus
/// and network tasks woken meanwhile must not wait behind it. (madsim marks
/// `spawn_blocking` deprecated because it runs it as a task: the simulation has no
/// threads, and its time is charged by `cpu`.)
async fn execute_next(chain: &Arc<Chain>, cpu: &dyn Cpu) -> anyhow::Result<Option<Executed>> {
    let Some(next) = chain.next_block()? else {
        return Ok(None);
    };
    cpu.spend(Work::ExecuteBlock { txs: next.txs() }).await;
    let chain = chain.clone();
    #[allow(deprecated)]
    let done = tokio::task::spawn_blocking(move || chain.execute(next)).await;
    done.map_err(|e| anyhow::anyhow!("the execution task failed: {e}"))?.map(Some)
}
