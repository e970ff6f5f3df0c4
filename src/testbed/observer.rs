//! Records what a simulated node reports into the run's history.

use super::auditor::block_state_note;
use crate::chain::Executed;
use crate::consensus::CommittedBlock;
use crate::types::Hasher;
use kraken_execution::TxStatus;
use crate::observer::Observer;
use crate::types::{Author, TxId};
use kraken_sim::events::{Event, EventKind, EventLog};

pub struct SimObserver {
    name: String,
    events: EventLog,
}

impl SimObserver {
    pub fn new(name: String, events: EventLog) -> Self {
        SimObserver { name, events }
    }
}

impl Observer for SimObserver {
    fn tx_admitted(&self, tx: &TxId) {
        self.events.record(&self.name, EventKind::TxAdmitted { tx: tx.short() });
    }

    fn tx_rejected(&self, tx: &TxId, reason: &str) {
        self.events.record(&self.name, EventKind::TxRejected { tx: tx.short(), reason: reason.into() });
    }

    fn block_committed(&self, b: &CommittedBlock) {
        let r = &b.record;
        self.events.record(
            &self.name,
            EventKind::BlockCommitted {
                height: r.height,
                round: r.round,
                block: r.digest.short(),
                parent: r.parent.short(),
                txs: r.txs.iter().map(TxId::short).collect(),
            },
        );
    }

    fn block_executed(&self, executed: &Executed) {
        let b = &executed.record;
        let count = |f: fn(&TxStatus) -> bool| b.receipts.iter().filter(|r| f(&r.status)).count() as u64;
        let receipts = Hasher::new("kraken/receipts").bytes(&crate::net::codec::encode(&b.receipts)).finish();
        self.events.record(
            &self.name,
            EventKind::BlockExecuted {
                height: b.sealed.number,
                state_root: format!("{:#x}", b.sealed.state_root),
                receipts: receipts.short(),
                included: count(|s| !matches!(s, TxStatus::Rejected { .. })),
                reverted: count(|s| matches!(s, TxStatus::Reverted { .. })),
                rejected: count(|s| matches!(s, TxStatus::Rejected { .. })),
                block_hash: format!("{:#x}", b.sealed.block_hash),
            },
        );
        self.events.record(&self.name, block_state_note(executed));
    }

    fn note(&self, text: &str) {
        self.events.record(&self.name, EventKind::Note { what: "node".into(), detail: serde_json::json!(text) });
    }

    fn message_dropped(&self, from: Author, reason: &str) {
        self.events.record(
            &self.name,
            EventKind::Note { what: MESSAGE_DROPPED.into(), detail: serde_json::json!({ "from": from, "reason": reason }) },
        );
    }
}

const MESSAGE_DROPPED: &str = "message_dropped";

/// A message a node dropped as invalid, as [`SimObserver`] recorded it: the member
/// blamed, and why.
pub fn dropped(event: &Event) -> Option<(Author, &str)> {
    match &event.kind {
        EventKind::Note { what, detail } if what == MESSAGE_DROPPED => {
            Some((Author::try_from(detail["from"].as_u64()?).ok()?, detail["reason"].as_str()?))
        }
        _ => None,
    }
}
