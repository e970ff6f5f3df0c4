//! Blocks and state updates.

use serde_json::{json, Value};

use super::error::RpcResult;
use super::params::{hex, BlockId, Params};
use super::render;
use super::view::BlockData;
use super::RpcContext;

pub fn hash_and_number(ctx: &RpcContext) -> RpcResult<Value> {
    let b = ctx.block(ctx.tip()?)?;
    Ok(json!({ "block_hash": hex(&b.sealed.block_hash), "block_number": b.sealed.number }))
}

fn block_param(ctx: &RpcContext, params: Option<Value>) -> RpcResult<BlockData> {
    let mut p = Params::bind(params, &["block_id"])?;
    let id = BlockId::parse(&p.req(0, "block_id")?)?;
    ctx.block(ctx.resolve(id)?)
}

/// The header with `transactions` set.
fn with(ctx: &RpcContext, b: &BlockData, transactions: Vec<Value>) -> RpcResult<Value> {
    let finality = ctx.finality(b.sealed.number)?;
    let mut head = render::header(&b.sealed, ctx.chain.executor.chain.sequencer_address, finality);
    head.insert("transactions".into(), Value::Array(transactions));
    Ok(Value::Object(head))
}

pub fn with_tx_hashes(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let b = block_param(ctx, params)?;
    let hashes = b.txs.iter().map(|(_, r)| hex(&r.tx_hash)).collect();
    with(ctx, &b, hashes)
}

pub fn with_txs(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let b = block_param(ctx, params)?;
    let txs = b.txs.iter().map(|(tx, r)| render::transaction(tx, r.tx_hash)).collect::<RpcResult<_>>()?;
    with(ctx, &b, txs)
}

pub fn with_receipts(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let b = block_param(ctx, params)?;
    let finality = ctx.finality(b.sealed.number)?;
    let txs = b
        .txs
        .iter()
        .map(|(tx, r)| -> RpcResult<Value> {
            // The spec's TXN here has no hash: the receipt carries it.
            let mut transaction = render::transaction(tx, r.tx_hash)?;
            if let Some(fields) = transaction.as_object_mut() {
                fields.remove("transaction_hash");
            }
            Ok(json!({ "transaction": transaction, "receipt": render::receipt(r, None, finality) }))
        })
        .collect::<RpcResult<_>>()?;
    with(ctx, &b, txs)
}

pub fn transaction_count(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    Ok(json!(block_param(ctx, params)?.txs.len()))
}

pub fn state_update(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let b = block_param(ctx, params)?;
    let n = b.sealed.number;
    let diff = ctx.chain.state_diff(n)?.ok_or_else(|| super::error::RpcError::internal(format!("the state diff of block {n} is missing")))?;
    let old_root = match n.checked_sub(1) {
        Some(parent) => ctx.block(parent)?.sealed.state_root,
        None => Default::default(),
    };
    let storage_diffs: Vec<Value> = diff
        .storage_updates
        .iter()
        .map(|(address, entries)| {
            let entries: Vec<Value> = entries.iter().map(|(k, v)| json!({ "key": hex(k), "value": hex(v) })).collect();
            json!({ "address": hex(address), "storage_entries": entries })
        })
        .collect();
    let declared: Vec<Value> = diff
        .declared_classes
        .iter()
        .map(|(c, compiled)| json!({ "class_hash": hex(c), "compiled_class_hash": hex(compiled) }))
        .collect();
    let deployed: Vec<Value> =
        diff.class_hashes.iter().map(|(a, c)| json!({ "address": hex(a), "class_hash": hex(c) })).collect();
    let nonces: Vec<Value> =
        diff.nonces.iter().map(|(a, n)| json!({ "contract_address": hex(a), "nonce": hex(n) })).collect();
    Ok(json!({
        "block_hash": hex(&b.sealed.block_hash),
        "old_root": hex(&old_root),
        "new_root": hex(&b.sealed.state_root),
        "state_diff": {
            "storage_diffs": storage_diffs,
            "deprecated_declared_classes": [],
            "declared_classes": declared,
            "deployed_contracts": deployed,
            "replaced_classes": [],
            "nonces": nonces,
        },
    }))
}
