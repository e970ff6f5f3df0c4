//! Checking a verified block proof against a chain: the blocks it claims must be the
//! chain's blocks at those numbers. [`compare`] is the rule; a prover's client reads the
//! chain over the JSON-RPC ([`check_against_chain`]), a node from its own store
//! (`rpc/settle.rs`).

use anyhow::{anyhow, bail};
use kraken_execution::Felt;
use kraken_prover::block::BlockClaim;
use serde_json::json;

use super::fetch::{genesis_contracts, Rpc};
use super::to_felt as felt_of;

/// What a chain says about the blocks a claim names.
pub struct ChainHashes {
    pub chain_id: Felt,
    /// The hash of the claim's last block.
    pub last_block_hash: Felt,
    /// The parent hash of the claim's first block.
    pub first_parent_hash: Felt,
}

/// `claim` is about the chain of `facts`: the same chain id and genesis contracts, the
/// same hash at the last block, and the same parent at the first (the proof links the
/// blocks in between).
pub fn compare(claim: &BlockClaim, facts: &ChainHashes) -> anyhow::Result<()> {
    if facts.chain_id != felt_of(&claim.chain_id) {
        bail!("the proof is of chain {:#x}, this chain is {:#x}", felt_of(&claim.chain_id), facts.chain_id);
    }
    let claimed = [felt_of(&claim.fib), felt_of(&claim.fact), felt_of(&claim.token)];
    for ((name, address, _), claimed) in genesis_contracts().into_iter().zip(claimed) {
        if address != claimed {
            bail!("the proof takes the {name} contract to be {claimed:#x}; Kraken's genesis puts it at {address:#x}");
        }
    }
    if facts.last_block_hash != felt_of(&claim.last_block_hash) {
        bail!(
            "the proof is of other blocks: it says block {} hashes to {:#x}, the chain's block {} is {:#x}",
            claim.last_block,
            felt_of(&claim.last_block_hash),
            claim.last_block,
            facts.last_block_hash
        );
    }
    if facts.first_parent_hash != felt_of(&claim.first_parent_hash) {
        bail!(
            "the proof is of other blocks: it says block {}'s parent is {:#x}, the chain's is {:#x}",
            claim.first_block,
            felt_of(&claim.first_parent_hash),
            facts.first_parent_hash
        );
    }
    Ok(())
}

/// [`compare`] against `rpc`'s chain.
pub async fn check_against_chain(rpc: &impl Rpc, claim: &BlockClaim) -> anyhow::Result<()> {
    compare(claim, &chain_hashes(rpc, claim.first_block, claim.last_block).await?)
}

/// What `rpc`'s chain says about blocks `first..=last`.
pub async fn chain_hashes(rpc: &impl Rpc, first: u64, last: u64) -> anyhow::Result<ChainHashes> {
    let chain_id = rpc.call("starknet_chainId", json!([])).await.map_err(|e| anyhow!("starknet_chainId: {e}"))?;
    let chain_id = chain_id.as_str().and_then(|s| Felt::from_hex(s).ok()).ok_or_else(|| anyhow!("starknet_chainId answered {chain_id}"))?;
    let last_block_hash = header(rpc, last).await?.0;
    let first_parent_hash = header(rpc, first).await?.1;
    Ok(ChainHashes { chain_id, last_block_hash, first_parent_hash })
}

/// Block `n`'s hash and parent hash.
async fn header(rpc: &impl Rpc, n: u64) -> anyhow::Result<(Felt, Felt)> {
    let b = rpc
        .call("starknet_getBlockWithTxHashes", json!([{ "block_number": n }]))
        .await
        .map_err(|e| anyhow!("the proof names block {n}, which the node does not give: {e}"))?;
    let field = |k: &str| b.get(k).and_then(|v| v.as_str()).and_then(|s| Felt::from_hex(s).ok()).ok_or_else(|| anyhow!("block {n} has no `{k}`"));
    Ok((field("block_hash")?, field("parent_hash")?))
}
