//! Contract state: storage at any block (earlier ones by walking the state diffs back),
//! nonces and classes at the latest block.

use kraken_execution::{Felt, StateView, StoredClass};
use serde_json::Value;

use super::error::{RpcError, RpcResult};
use super::params::{felt, hex, BlockId, Params};
use super::view::felt_key;
use super::RpcContext;
use crate::chain::StoreState;
use crate::storage::Table;
use crate::types::Height;

/// Reads the latest state, after checking the block id names it.
fn latest<T>(ctx: &RpcContext, id: &Value, read: impl FnOnce(&StoreState<'_>) -> RpcResult<T>) -> RpcResult<T> {
    ctx.latest_state(BlockId::parse(id)?)?;
    read(&StoreState { store: &ctx.store })
}

fn view_err(e: kraken_execution::ViewError) -> RpcError {
    RpcError::internal(e)
}

/// The class of a deployed contract; CONTRACT_NOT_FOUND when nothing is deployed there.
fn deployed_class(s: &StoreState<'_>, address: Felt) -> RpcResult<Felt> {
    match s.class_hash_at(address).map_err(view_err)? {
        c if c == Felt::ZERO => Err(RpcError::contract_not_found()),
        c => Ok(c),
    }
}

pub fn storage_at(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["contract_address", "key", "block_id"])?;
    let address = felt(&p.req(0, "contract_address")?, "contract_address")?;
    let key = felt(&p.req(1, "key")?, "key")?;
    let id = p.req(2, "block_id")?;
    let (height, tip) = (ctx.resolve(BlockId::parse(&id)?)?, ctx.tip()?);
    if height < tip {
        return Ok(hex(&storage_back_then(ctx, height, address, key)?));
    }
    latest(ctx, &id, |s| {
        // 0x1 holds block hashes without a class (a Starknet system contract).
        if address != Felt::ONE {
            deployed_class(s, address)?;
        }
        Ok(hex(&s.storage(address, key).map_err(view_err)?))
    })
}

/// A storage value after block `height`: the last write at or before it, found by walking
/// the blocks' state diffs back (genesis, block 0, holds the initial writes). One diff
/// read per block walked: cheap for the blocks just behind the tip a prover asks about.
/// CONTRACT_NOT_FOUND when no diff up to `height` deployed the contract.
fn storage_back_then(ctx: &RpcContext, height: Height, address: Felt, key: Felt) -> RpcResult<Felt> {
    let mut value = None;
    for h in (0..=height).rev() {
        let diff = ctx.chain.state_diff(h)?.ok_or_else(|| RpcError::internal(format!("the state diff of block {h} is missing")))?;
        if value.is_none() {
            value = diff.storage_updates.get(&address).and_then(|w| w.get(&key)).copied();
        }
        if address == Felt::ONE || diff.class_hashes.contains_key(&address) {
            return Ok(value.unwrap_or(Felt::ZERO));
        }
    }
    Err(RpcError::contract_not_found())
}

pub fn nonce(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["block_id", "contract_address"])?;
    let address = felt(&p.req(1, "contract_address")?, "contract_address")?;
    latest(ctx, &p.req(0, "block_id")?, |s| {
        deployed_class(s, address)?;
        Ok(hex(&s.nonce(address).map_err(view_err)?))
    })
}

pub fn class_hash_at(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["block_id", "contract_address"])?;
    let address = felt(&p.req(1, "contract_address")?, "contract_address")?;
    latest(ctx, &p.req(0, "block_id")?, |s| Ok(hex(&deployed_class(s, address)?)))
}

/// The Sierra class as declared (CONTRACT_CLASS), straight from its stored JSON.
fn class_json(ctx: &RpcContext, class_hash: Felt) -> RpcResult<Value> {
    let stored: StoredClass = ctx.store.get(Table::StateClasses, &felt_key(&class_hash))?.ok_or_else(RpcError::class_hash_not_found)?;
    serde_json::from_str(&stored.sierra_json).map_err(|e| RpcError::internal(format!("stored class {class_hash:#x}: {e}")))
}

pub fn class(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["block_id", "class_hash"])?;
    let class_hash = felt(&p.req(1, "class_hash")?, "class_hash")?;
    latest(ctx, &p.req(0, "block_id")?, |_| class_json(ctx, class_hash))
}

pub fn class_at(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let mut p = Params::bind(params, &["block_id", "contract_address"])?;
    let address = felt(&p.req(1, "contract_address")?, "contract_address")?;
    latest(ctx, &p.req(0, "block_id")?, |s| class_json(ctx, deployed_class(s, address)?))
}
