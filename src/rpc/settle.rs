//! `kraken_submitBlockProof`: settlement without an L1. A prover hands the node a block
//! proof; the node verifies it itself (the STARK at >= 100 bits, that it is a proof of the
//! block program, and that it names this chain and this node's own block hashes) and only
//! then records the blocks as proved. From then on `l1_accepted` names the highest block
//! up to which every block is proved, and those blocks and their receipts read
//! `ACCEPTED_ON_L1`.

use kraken_prover::block::BlockClaim;
use kraken_prover::cairo::verify_cairo_proof;
use serde_json::{json, Value};

use super::error::{RpcError, RpcResult};
use super::params::Params;
use super::RpcContext;
use crate::block_proof::check::{compare, ChainHashes};
use kraken_starknet::felt::short_string;

pub fn submit_block_proof(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["proof"])?;
    let proof = p.req(0, "proof")?;
    let text = proof.as_str().ok_or_else(|| RpcError::invalid_params("`proof` is the proof's bytes as a hex string"))?;
    let bytes = hex::decode(text.strip_prefix("0x").unwrap_or(text))
        .map_err(|e| RpcError::invalid_params(format!("`proof` is not hex: {e}")))?;
    let claim = verify_cairo_proof(&bytes).map_err(|e| refused(format!("the proof does not verify: {e}")))?;
    let b = BlockClaim::from_verified(&claim).map_err(|e| refused(e.to_string()))?;
    check_own_chain(ctx, &b)?;
    let settled = ctx.chain.record_proved(b.first_block, b.last_block)?;
    Ok(json!({ "first_block": b.first_block, "last_block": b.last_block, "l1_accepted": settled }))
}

fn refused(why: String) -> RpcError {
    RpcError::invalid_params(format!("block proof refused: {why}"))
}

/// The claim names this chain, its genesis contracts, and this node's executed blocks.
fn check_own_chain(ctx: &RpcContext, b: &BlockClaim) -> RpcResult<()> {
    let block = |n: u64| {
        ctx.chain.record(n)?.map(|r| r.sealed).ok_or_else(|| refused(format!("block {n} is not executed on this node yet")))
    };
    let facts = ChainHashes {
        chain_id: short_string(&ctx.chain.executor.chain.chain_id),
        last_block_hash: block(b.last_block)?.block_hash,
        first_parent_hash: block(b.first_block)?.parent_hash,
    };
    compare(b, &facts).map_err(|e| refused(e.to_string()))
}
