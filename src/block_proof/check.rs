//! Checking a verified block proof against a chain: the blocks it claims must be the
//! chain's blocks at those numbers.

use anyhow::{anyhow, bail};
use kraken_execution::Felt;
use kraken_prover::block::BlockClaim;
use serde_json::json;

use super::fetch::{genesis_contracts, Rpc};
use super::to_felt as felt_of;

/// Checks that `claim` is about `rpc`'s chain: the same chain id and genesis contracts,
/// the same hash at the last block, and the same parent hash at the first (the proof
/// links the blocks in between).
pub async fn check_against_chain(rpc: &impl Rpc, claim: &BlockClaim) -> anyhow::Result<()> {
    let chain_id = rpc.call("starknet_chainId", json!([])).await.map_err(|e| anyhow!("starknet_chainId: {e}"))?;
    let chain_id = chain_id.as_str().and_then(|s| Felt::from_hex(s).ok()).ok_or_else(|| anyhow!("starknet_chainId answered {chain_id}"))?;
    if chain_id != felt_of(&claim.chain_id) {
        bail!("the proof is of chain {:#x}, the node serves chain {chain_id:#x}", felt_of(&claim.chain_id));
    }
    let claimed = [felt_of(&claim.fib), felt_of(&claim.fact), felt_of(&claim.token)];
    for ((name, address, _), claimed) in genesis_contracts().into_iter().zip(claimed) {
        if address != claimed {
            bail!("the proof takes the {name} contract to be {claimed:#x}; Kraken's genesis puts it at {address:#x}");
        }
    }
    let last = header(rpc, claim.last_block).await?;
    if last.0 != felt_of(&claim.last_block_hash) {
        bail!(
            "the proof is of other blocks: it says block {} hashes to {:#x}, the chain's block {} is {:#x}",
            claim.last_block,
            felt_of(&claim.last_block_hash),
            claim.last_block,
            last.0
        );
    }
    let first = header(rpc, claim.first_block).await?;
    if first.1 != felt_of(&claim.first_parent_hash) {
        bail!(
            "the proof is of other blocks: it says block {}'s parent is {:#x}, the chain's is {:#x}",
            claim.first_block,
            felt_of(&claim.first_parent_hash),
            first.1
        );
    }
    Ok(())
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
