//! What the auditor reads from a run's history, and the notes that put it there: each
//! transaction the load client signed (account, nonce, call, fee bound), written by the
//! client as it signs; and, per node copy and height, the outcome and fee of every
//! receipt of the executed block with the block's state diff, written by the node's
//! observer as it executes. Nothing else reads these notes.

use std::collections::BTreeMap;

use kraken_execution::wallet::Call;
use kraken_execution::{Felt, TxStatus};
use kraken_sim::events::EventKind;
use kraken_sim::history::History;
use serde::{Deserialize, Serialize};

use crate::chain::{DiffRecord, Executed};

const SIGNED: &str = "tx_signed";
const BLOCK_STATE: &str = "block_state";

/// A transaction as its signer meant it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    pub sender: Felt,
    pub nonce: u64,
    /// The most the transaction may be charged, in fri.
    pub max_fee: u128,
    pub to: Felt,
    pub selector: Felt,
    pub calldata: Vec<Felt>,
}

/// How a transaction ended, as the auditor compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Succeeded,
    Reverted,
    Rejected,
}

impl From<&TxStatus> for Outcome {
    fn from(status: &TxStatus) -> Self {
        match status {
            TxStatus::Succeeded => Outcome::Succeeded,
            TxStatus::Reverted { .. } => Outcome::Reverted,
            TxStatus::Rejected { .. } => Outcome::Rejected,
        }
    }
}

/// One node's executed block: per receipt its outcome and fee, and the state diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockState {
    pub height: u64,
    pub receipts: Vec<(Outcome, u128)>,
    pub diff: DiffRecord,
}

/// The client's note for a transaction it signed (`tx`: its id in the history).
pub fn signed_note(tx: &str, sender: Felt, nonce: u64, max_fee: u128, call: &Call) -> EventKind {
    let signed = Signed { sender, nonce, max_fee, to: call.to, selector: call.selector, calldata: call.calldata.clone() };
    note(SIGNED, serde_json::json!({ "tx": tx, "signed": signed }))
}

/// The observer's note for a block its node executed.
pub fn block_state_note(executed: &Executed) -> EventKind {
    let r = &executed.record;
    let state = BlockState {
        height: r.sealed.number,
        receipts: r.receipts.iter().map(|x| (Outcome::from(&x.status), x.actual_fee)).collect(),
        diff: executed.diff.clone(),
    };
    note(BLOCK_STATE, serde_json::to_value(state).expect("a block state serializes"))
}

fn note(what: &str, detail: serde_json::Value) -> EventKind {
    EventKind::Note { what: what.into(), detail }
}

/// The auditor's notes of a run, read back.
pub struct Records {
    /// Signed transactions by id.
    pub signed: BTreeMap<String, Signed>,
    /// Per height, each honest copy's executed block, in recording order.
    pub states: BTreeMap<u64, Vec<(String, BlockState)>>,
    /// Per height, the transactions the first honest commit of it ordered.
    pub committed: BTreeMap<u64, Vec<String>>,
}

impl Records {
    /// Reads `h`; a note the auditor cannot read is an error naming it.
    pub fn read(h: &History) -> Result<Records, String> {
        let mut records = Records { signed: BTreeMap::new(), states: BTreeMap::new(), committed: BTreeMap::new() };
        for commit in h.commits().filter(|c| h.is_honest(c.node)) {
            records.committed.entry(commit.height).or_insert_with(|| commit.txs.to_vec());
        }
        for e in &h.events {
            let EventKind::Note { what, detail } = &e.kind else { continue };
            let unreadable = |err: serde_json::Error| format!("unreadable `{what}` note of {} at {} µs: {err}", e.node, e.t_us);
            match what.as_str() {
                SIGNED => {
                    let tx = detail["tx"].as_str().ok_or_else(|| format!("`{SIGNED}` note without a tx id at {} µs", e.t_us))?;
                    let signed = Signed::deserialize(&detail["signed"]).map_err(unreadable)?;
                    records.signed.insert(tx.to_string(), signed);
                }
                BLOCK_STATE if h.is_honest(&e.node) => {
                    let state = BlockState::deserialize(detail).map_err(unreadable)?;
                    records.states.entry(state.height).or_default().push((e.node.clone(), state));
                }
                _ => {}
            }
        }
        Ok(records)
    }
}
