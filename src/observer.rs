//! What a node reports about itself. The simulator's testbed records these as the run's
//! history; the real build logs them and feeds metrics. Telemetry only: no component
//! waits on a report (commits reach the execution task on consensus' commit channel), and
//! every layer may report, so this sits beside them rather than in `node/`.

use crate::chain::Executed;
use crate::consensus::CommittedBlock;
use crate::types::{Author, TxId};
use kraken_execution::TxStatus;

pub trait Observer: Send + Sync {
    fn tx_admitted(&self, _tx: &TxId) {}
    fn tx_rejected(&self, _tx: &TxId, _reason: &str) {}
    fn block_committed(&self, _block: &CommittedBlock) {}
    fn block_executed(&self, _block: &Executed) {}
    fn message_dropped(&self, _from: Author, _reason: &str) {}
    /// Something a reader of the run should know (a stall, a recovery).
    fn note(&self, _text: &str) {}
}

/// Logs commits at info level.
pub struct LogObserver;

impl Observer for LogObserver {
    fn block_committed(&self, b: &CommittedBlock) {
        let r = &b.record;
        tracing::info!(height = r.height, round = r.round, txs = r.txs.len(), block = %r.digest, "committed");
    }

    fn block_executed(&self, b: &Executed) {
        let b = &b.record;
        let s = &b.sealed;
        tracing::info!(height = s.number, txs = s.transaction_count, state_root = %format!("{:#x}", s.state_root), "executed");
        for r in &b.receipts {
            if let TxStatus::Rejected { reason } = &r.status {
                tracing::info!(height = s.number, tx = %format!("{:#x}", r.tx_hash), %reason, "rejected at execution");
            }
        }
    }
}
