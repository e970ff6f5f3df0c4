//! Transactions, receipts and statuses. A rejected transaction (failed validation when
//! executed) is not part of any Starknet block: like a sequencer that drops it, the node
//! answers 29 (not found) for it everywhere, since v0.9 has no REJECTED status and
//! clients (starknet-rs, starknet.py) cannot parse one. The node's log keeps the reason.

use serde_json::{json, Value};

use super::error::{RpcError, RpcResult};
use super::params::{felt, u64_param, BlockId, Params};
use super::render;
use super::RpcContext;
use kraken_execution::TxStatus;

fn hash_param(params: Option<Value>) -> RpcResult<kraken_execution::Felt> {
    let mut p = Params::bind(params, &["transaction_hash"])?;
    felt(&p.req(0, "transaction_hash")?, "transaction_hash")
}

pub fn by_hash(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let hash = hash_param(params)?;
    let (_, tx, receipt) = ctx.find_tx(hash)?;
    if !receipt.included() {
        return Err(RpcError::txn_hash_not_found());
    }
    render::transaction(&tx, hash)
}

pub fn by_block_and_index(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["block_id", "index"])?;
    let id = BlockId::parse(&p.req(0, "block_id")?)?;
    let index = u64_param(&p.req(1, "index")?, "index")?;
    let b = ctx.block(ctx.resolve(id)?)?;
    let (tx, r) = b.txs.get(index as usize).ok_or_else(RpcError::invalid_txn_index)?;
    render::transaction(tx, r.tx_hash)
}

pub fn receipt(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let hash = hash_param(params)?;
    let (block, _, receipt) = ctx.find_tx(hash)?;
    if !receipt.included() {
        return Err(RpcError::txn_hash_not_found());
    }
    Ok(render::receipt(&receipt, Some(&block), ctx.finality(block.number)?))
}

/// ACCEPTED_ON_L2 once executed (ACCEPTED_ON_L1 once proved, see `settle.rs`); RECEIVED for a transaction this node admitted that is
/// not executed yet (in the mempool, or ordered); not found (29) otherwise, including a
/// transaction rejected at execution (v0.9 has no REJECTED status).
pub fn status(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let hash = hash_param(params)?;
    let (block, receipt) = match ctx.find_tx(hash) {
        Ok((block, _, receipt)) => (block, receipt),
        Err(e) if e.code == RpcError::txn_hash_not_found().code && ctx.received.contains(&hash) => {
            return Ok(json!({ "finality_status": "RECEIVED" }));
        }
        Err(e) => return Err(e),
    };
    let finality = ctx.finality(block.number)?;
    Ok(match &receipt.status {
        TxStatus::Succeeded => json!({ "finality_status": finality, "execution_status": "SUCCEEDED" }),
        TxStatus::Reverted { reason } => {
            json!({ "finality_status": finality, "execution_status": "REVERTED", "failure_reason": reason })
        }
        TxStatus::Rejected { .. } => return Err(RpcError::txn_hash_not_found()),
    })
}
