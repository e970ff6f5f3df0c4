//! The write API: a transaction is submitted to the mempool as exactly the bytes
//! consensus orders and nodes execute (`serde_json::to_vec` of the `RpcTransaction`),
//! and answered with the Starknet code the admission check gave.

use serde_json::{json, Value};
use starknet_api::rpc_transaction::{RpcDeclareTransaction, RpcTransaction};

use super::error::{RpcError, RpcResult};
use super::params::{hex, Params};
use super::RpcContext;
use crate::mempool::Admission;
use crate::types::Tx;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Invoke,
    Declare,
    DeployAccount,
}

impl Kind {
    fn param(self) -> &'static str {
        match self {
            Kind::Invoke => "invoke_transaction",
            Kind::Declare => "declare_transaction",
            Kind::DeployAccount => "deploy_account_transaction",
        }
    }
    fn tag(self) -> &'static str {
        match self {
            Kind::Invoke => "INVOKE",
            Kind::Declare => "DECLARE",
            Kind::DeployAccount => "DEPLOY_ACCOUNT",
        }
    }
}

/// The transaction parameter as a v3 transaction of the method's type. Only v3 exists
/// on Kraken; query versions (estimates) are never executable.
fn parse(kind: Kind, v: Value) -> RpcResult<RpcTransaction> {
    let obj = v.as_object().ok_or_else(|| RpcError::invalid_params(format!("`{}` must be an object", kind.param())))?;
    if obj.get("type").and_then(Value::as_str) != Some(kind.tag()) {
        return Err(RpcError::invalid_params(format!("`{}` must have type {}", kind.param(), kind.tag())));
    }
    match obj.get("version").and_then(Value::as_str) {
        Some("0x3") => {}
        Some(other) => return Err(RpcError::unsupported_tx_version(format!("version {other}; only 0x3 is supported"))),
        None => return Err(RpcError::invalid_params("missing `version`")),
    }
    serde_json::from_value(v).map_err(|e| RpcError::invalid_params(format!("not a v3 {} transaction: {e}", kind.tag())))
}

pub async fn add(ctx: &RpcContext, params: Option<Value>, kind: Kind) -> RpcResult<Value> {
    let mut p = Params::bind(params, &[kind.param()])?;
    let rpc = parse(kind, p.req(0, kind.param())?)?;
    let chain_id = ctx.chain.executor.chain.chain_id();
    let hash = kraken_execution::query::rpc_tx_hash(&rpc, &chain_id).map_err(RpcError::invalid_params)?;
    let extra = match &rpc {
        RpcTransaction::Declare(RpcDeclareTransaction::V3(d)) => Some(("class_hash", d.contract_class.calculate_class_hash().0)),
        RpcTransaction::DeployAccount(_) => {
            let address = rpc.calculate_sender_address().map_err(RpcError::invalid_params)?;
            Some(("contract_address", *address.0.key()))
        }
        RpcTransaction::Invoke(_) => None,
    };
    let bytes = serde_json::to_vec(&rpc).map_err(RpcError::internal)?;
    match ctx.mempool.submit(Tx(bytes)).await {
        Admission::Admitted(_) => {
            ctx.received.insert(hash);
            let mut out = json!({ "transaction_hash": hex(&hash) });
            if let Some((name, value)) = extra {
                out[name] = hex(&value);
            }
            Ok(out)
        }
        Admission::Rejected { reason, .. } => Err(reason.into()),
    }
}
