//! The spec's JSON shapes of blocks, transactions and receipts.

use kraken_execution::context::{L1_DATA_GAS_PRICE, L1_GAS_PRICE, L2_GAS_PRICE, STARKNET_VERSION};
use kraken_execution::{Felt, Receipt, SealedBlock, TxKind, TxStatus};
use serde_json::{json, Map, Value};
use starknet_api::rpc_transaction::{RpcDeclareTransaction, RpcTransaction};

use super::error::{RpcError, RpcResult};
use super::params::{hex, hex_u128, hexes};
use crate::types::Tx;

/// Header fields of BLOCK_HEADER plus the status (`finality`), into `out`.
pub fn header(sealed: &SealedBlock, sequencer: Felt, finality: &str) -> Map<String, Value> {
    let price = |p: u128| json!({ "price_in_fri": hex_u128(p), "price_in_wei": hex_u128(p) });
    let v = json!({
        "status": finality,
        "block_hash": hex(&sealed.block_hash),
        "parent_hash": hex(&sealed.parent_hash),
        "block_number": sealed.number,
        "new_root": hex(&sealed.state_root),
        "timestamp": sealed.timestamp,
        "sequencer_address": hex(&sequencer),
        "l1_gas_price": price(L1_GAS_PRICE),
        "l2_gas_price": price(L2_GAS_PRICE),
        "l1_data_gas_price": price(L1_DATA_GAS_PRICE),
        "l1_da_mode": "BLOB",
        "starknet_version": STARKNET_VERSION.to_string(),
    });
    match v {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// TXN_WITH_HASH: the transaction as the client sent it (a declare names its class by
/// hash instead of carrying it), plus its hash.
pub fn transaction(tx: &Tx, hash: Felt) -> RpcResult<Value> {
    let rpc: RpcTransaction =
        serde_json::from_slice(&tx.0).map_err(|e| RpcError::internal(format!("stored transaction {hash:#x}: {e}")))?;
    let class_hash = match &rpc {
        RpcTransaction::Declare(RpcDeclareTransaction::V3(d)) => Some(d.contract_class.calculate_class_hash().0),
        _ => None,
    };
    let mut v = serde_json::to_value(&rpc).map_err(RpcError::internal)?;
    let obj = v.as_object_mut().ok_or_else(|| RpcError::internal("a transaction serializes to an object"))?;
    if let Some(class_hash) = class_hash {
        obj.remove("contract_class");
        obj.insert("class_hash".into(), hex(&class_hash));
    }
    obj.insert("transaction_hash".into(), hex(&hash));
    Ok(v)
}

fn kind(k: TxKind) -> &'static str {
    match k {
        TxKind::Invoke | TxKind::Unknown => "INVOKE",
        TxKind::Declare => "DECLARE",
        TxKind::DeployAccount => "DEPLOY_ACCOUNT",
    }
}

/// TXN_RECEIPT of an included transaction (in a block of status `finality`); with
/// `block`, TXN_RECEIPT_WITH_BLOCK_INFO.
pub fn receipt(r: &Receipt, block: Option<&SealedBlock>, finality: &str) -> Value {
    let mut v = json!({
        "type": kind(r.kind),
        "transaction_hash": hex(&r.tx_hash),
        "actual_fee": { "amount": hex_u128(r.actual_fee), "unit": "FRI" },
        "finality_status": finality,
        "messages_sent": r.messages.iter().map(|m| json!({
            "from_address": hex(&m.from_address),
            "to_address": hex(&m.to_address),
            "payload": hexes(&m.payload),
        })).collect::<Vec<_>>(),
        "events": r.events.iter().map(|e| json!({
            "from_address": hex(&e.from_address),
            "keys": hexes(&e.keys),
            "data": hexes(&e.data),
        })).collect::<Vec<_>>(),
        "execution_resources": { "l1_gas": r.gas.l1_gas, "l1_data_gas": r.gas.l1_data_gas, "l2_gas": r.gas.l2_gas },
    });
    let obj = v.as_object_mut().expect("a JSON object literal");
    match &r.status {
        TxStatus::Reverted { reason } => {
            obj.insert("execution_status".into(), "REVERTED".into());
            obj.insert("revert_reason".into(), reason.clone().into());
        }
        _ => {
            obj.insert("execution_status".into(), "SUCCEEDED".into());
        }
    }
    if let (TxKind::DeployAccount, Some(address)) = (r.kind, r.contract_address) {
        obj.insert("contract_address".into(), hex(&address));
    }
    if let Some(b) = block {
        obj.insert("block_hash".into(), hex(&b.block_hash));
        obj.insert("block_number".into(), b.number.into());
    }
    v
}
