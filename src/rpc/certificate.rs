//! `kraken_getBlockCertificate`: the committee signatures this node holds over its own
//! hash of a block (see `certify`). A prover checks them against the committee file;
//! fewer than a quorum is not yet a certificate, and another node may hold more.

use serde_json::Value;

use super::error::{RpcError, RpcResult};
use super::params::{BlockId, Params};
use super::RpcContext;
use crate::certify::certificate;

pub fn block_certificate(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["block_id"])?;
    let height = ctx.resolve(BlockId::parse(&p.req(0, "block_id")?)?)?;
    let own = ctx.chain.record(height)?.ok_or_else(RpcError::block_not_found)?.sealed.block_hash;
    Ok(certificate(&ctx.store, height, own)?.to_json())
}
