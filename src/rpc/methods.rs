//! Method name → handler. Reads are synchronous over the store; only the write API
//! awaits (the mempool's admission).

use serde_json::{json, Value};

use super::error::{RpcError, RpcResult};
use super::params::hex;
use super::{blocks, events, exec, state, txs, write, RpcContext, SPEC_VERSION};
use kraken_starknet::felt::short_string;

pub async fn dispatch(ctx: &RpcContext, method: &str, params: Option<Value>) -> RpcResult<Value> {
    match method {
        "kraken_submitBlockProof" => return super::settle::submit_block_proof(ctx, params),
        "kraken_getBlockCertificate" => return super::certificate::block_certificate(ctx, params),
        _ => {}
    }
    let Some(name) = method.strip_prefix("starknet_") else {
        return Err(RpcError::method_not_found(method));
    };
    match name {
        "addInvokeTransaction" => write::add(ctx, params, write::Kind::Invoke).await,
        "addDeclareTransaction" => write::add(ctx, params, write::Kind::Declare).await,
        "addDeployAccountTransaction" => write::add(ctx, params, write::Kind::DeployAccount).await,
        _ => read(ctx, name, params).ok_or_else(|| RpcError::method_not_found(method))?,
    }
}

/// `None` when there is no such read method.
fn read(ctx: &RpcContext, name: &str, params: Option<Value>) -> Option<RpcResult<Value>> {
    Some(match name {
        "specVersion" => no_params(params).map(|_| json!(SPEC_VERSION)),
        "chainId" => no_params(params).map(|_| hex(&short_string(&ctx.chain.executor.chain.chain_id))),
        "syncing" => no_params(params).map(|_| json!(false)),
        "blockNumber" => no_params(params).and_then(|_| ctx.tip()).map(Value::from),
        "blockHashAndNumber" => no_params(params).and_then(|_| blocks::hash_and_number(ctx)),
        "getBlockWithTxHashes" => blocks::with_tx_hashes(ctx, params),
        "getBlockWithTxs" => blocks::with_txs(ctx, params),
        "getBlockWithReceipts" => blocks::with_receipts(ctx, params),
        "getBlockTransactionCount" => blocks::transaction_count(ctx, params),
        "getStateUpdate" => blocks::state_update(ctx, params),
        "getStorageAt" => state::storage_at(ctx, params),
        "getNonce" => state::nonce(ctx, params),
        "getClassHashAt" => state::class_hash_at(ctx, params),
        "getClass" => state::class(ctx, params),
        "getClassAt" => state::class_at(ctx, params),
        "getTransactionByHash" => txs::by_hash(ctx, params),
        "getTransactionByBlockIdAndIndex" => txs::by_block_and_index(ctx, params),
        "getTransactionReceipt" => txs::receipt(ctx, params),
        "getTransactionStatus" => txs::status(ctx, params),
        "getEvents" => events::get_events(ctx, params),
        "call" => exec::call(ctx, params),
        "estimateFee" => exec::estimate_fee(ctx, params),
        _ => return None,
    })
}

fn no_params(params: Option<Value>) -> RpcResult<()> {
    match params {
        None => Ok(()),
        Some(Value::Array(a)) if a.is_empty() => Ok(()),
        Some(Value::Object(o)) if o.is_empty() => Ok(()),
        Some(_) => Err(RpcError::invalid_params("this method takes no parameters")),
    }
}
