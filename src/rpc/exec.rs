//! `starknet_call` and `starknet_estimateFee`: execution on the latest state, as the
//! next block would run, with nothing persisted.

use serde_json::{json, Value};

use super::error::{RpcError, RpcResult};
use super::params::{felt, felts, hex, hex_u128, BlockId, Params};
use super::RpcContext;
use crate::chain::StoreState;

pub fn call(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["request", "block_id"])?;
    let Value::Object(request) = p.req(0, "request")? else {
        return Err(RpcError::invalid_params("`request` must be an object"));
    };
    let field = |name: &str| request.get(name).ok_or_else(|| RpcError::invalid_params(format!("missing `request.{name}`")));
    let contract = felt(field("contract_address")?, "contract_address")?;
    let selector = felt(field("entry_point_selector")?, "entry_point_selector")?;
    let calldata = felts(field("calldata")?, "calldata")?;
    ctx.latest_state(BlockId::parse(&p.req(1, "block_id")?)?)?;
    let env = ctx.chain.next_env().map_err(RpcError::internal)?;
    let out = ctx.chain.executor.call(&StoreState { store: &ctx.store }, env, contract, selector, calldata)?;
    Ok(Value::Array(out.iter().map(hex).collect()))
}

pub fn estimate_fee(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["request", "simulation_flags", "block_id"])?;
    let Value::Array(txs) = p.req(0, "request")? else {
        return Err(RpcError::invalid_params("`request` must be an array of transactions"));
    };
    let skip_validate = match p.req(1, "simulation_flags")? {
        Value::Array(flags) => {
            let mut skip = false;
            for f in flags {
                match f.as_str() {
                    Some("SKIP_VALIDATE") => skip = true,
                    _ => return Err(RpcError::invalid_params(format!("unknown simulation flag {f}"))),
                }
            }
            skip
        }
        _ => return Err(RpcError::invalid_params("`simulation_flags` must be an array")),
    };
    ctx.latest_state(BlockId::parse(&p.req(2, "block_id")?)?)?;
    let payloads: Vec<Vec<u8>> = txs.iter().map(|t| serde_json::to_vec(t).expect("a JSON value serializes")).collect();
    let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let env = ctx.chain.next_env().map_err(RpcError::internal)?;
    let estimates = ctx.chain.executor.estimate_fee(&StoreState { store: &ctx.store }, env, &payloads, skip_validate)?;
    Ok(Value::Array(
        estimates
            .iter()
            .map(|e| {
                json!({
                    "l1_gas_consumed": hex_u128(e.l1_gas.into()),
                    "l1_gas_price": hex_u128(e.l1_gas_price),
                    "l2_gas_consumed": hex_u128(e.l2_gas.into()),
                    "l2_gas_price": hex_u128(e.l2_gas_price),
                    "l1_data_gas_consumed": hex_u128(e.l1_data_gas.into()),
                    "l1_data_gas_price": hex_u128(e.l1_data_gas_price),
                    "overall_fee": hex_u128(e.overall_fee),
                    "unit": "FRI",
                })
            })
            .collect(),
    ))
}
