//! What the chain records about each executed transaction, in the Starknet receipt's
//! terms: status (succeeded, reverted with a reason, or rejected before execution),
//! actual fee, events, L2→L1 messages and the gas it consumed.

use blockifier::execution::call_info::CallInfo;
use blockifier::transaction::objects::TransactionExecutionInfo;
use serde::{Deserialize, Serialize};
use starknet_types_core::felt::Felt;

/// The kind of transaction, as the RPC names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxKind {
    Invoke,
    Declare,
    DeployAccount,
    /// The payload did not parse as a transaction.
    Unknown,
}

/// How a transaction ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxStatus {
    /// Executed; its effects and fee are in the state.
    Succeeded,
    /// Its execution failed: only its fee and nonce bump are in the state.
    Reverted { reason: String },
    /// Failed validation (signature, nonce, fee, malformed): it changed nothing and is
    /// not part of the Starknet block.
    Rejected { reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub from_address: Felt,
    pub keys: Vec<Felt>,
    pub data: Vec<Felt>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageToL1 {
    pub from_address: Felt,
    pub to_address: Felt,
    pub payload: Vec<Felt>,
}

/// Gas a transaction was charged for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasUsed {
    pub l1_gas: u64,
    pub l1_data_gas: u64,
    pub l2_gas: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The Starknet transaction hash (zero when the payload did not parse).
    pub tx_hash: Felt,
    pub kind: TxKind,
    pub status: TxStatus,
    /// In fri (the fee token's smallest unit).
    pub actual_fee: u128,
    pub events: Vec<Event>,
    pub messages: Vec<MessageToL1>,
    pub gas: GasUsed,
    /// The deployed account, for a deploy-account transaction.
    pub contract_address: Option<Felt>,
}

impl Receipt {
    pub fn rejected(tx_hash: Felt, kind: TxKind, reason: String) -> Receipt {
        Receipt {
            tx_hash,
            kind,
            status: TxStatus::Rejected { reason },
            actual_fee: 0,
            events: vec![],
            messages: vec![],
            gas: GasUsed::default(),
            contract_address: None,
        }
    }

    pub fn from_execution(tx_hash: Felt, kind: TxKind, contract_address: Option<Felt>, info: &TransactionExecutionInfo) -> Receipt {
        let status = match &info.revert_error {
            Some(e) => TxStatus::Reverted { reason: e.to_string() },
            None => TxStatus::Succeeded,
        };
        let mut events = Vec::new();
        let mut messages = Vec::new();
        // Validate, execute, fee transfer (deploy-account: execute first); each call tree
        // in the order its events were emitted.
        for call in info.non_optional_call_infos() {
            collect(call, &mut events, &mut messages);
        }
        let gas = info.receipt.gas;
        Receipt {
            tx_hash,
            kind,
            status,
            actual_fee: info.receipt.fee.0,
            events,
            messages,
            gas: GasUsed { l1_gas: gas.l1_gas.0, l1_data_gas: gas.l1_data_gas.0, l2_gas: gas.l2_gas.0 },
            contract_address,
        }
    }

    /// Whether the transaction is part of the Starknet block (not rejected).
    pub fn included(&self) -> bool {
        !matches!(self.status, TxStatus::Rejected { .. })
    }

    pub fn revert_reason(&self) -> Option<&str> {
        match &self.status {
            TxStatus::Reverted { reason } => Some(reason),
            _ => None,
        }
    }
}

fn collect(root: &CallInfo, events: &mut Vec<Event>, messages: &mut Vec<MessageToL1>) {
    let mut ordered_events = Vec::new();
    let mut ordered_messages = Vec::new();
    for call in root.iter() {
        let from_address = Felt::from(call.call.storage_address);
        for e in &call.execution.events {
            let keys = e.event.keys.iter().map(|k| k.0).collect();
            ordered_events.push((e.order, Event { from_address, keys, data: e.event.data.0.clone() }));
        }
        for m in &call.execution.l2_to_l1_messages {
            let to_address = Felt::from(m.message.to_address);
            ordered_messages.push((m.order, MessageToL1 { from_address, to_address, payload: m.message.payload.0.clone() }));
        }
    }
    ordered_events.sort_by_key(|(order, _)| *order);
    ordered_messages.sort_by_key(|(order, _)| *order);
    events.extend(ordered_events.into_iter().map(|(_, e)| e));
    messages.extend(ordered_messages.into_iter().map(|(_, m)| m));
}
