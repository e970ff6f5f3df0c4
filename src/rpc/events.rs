//! `starknet_getEvents`: events of included transactions, filtered by block range,
//! emitting contract and keys, in pages. The continuation token is
//! `<block number>-<index of the next event within that block>`, so a page boundary
//! stays valid as new blocks are executed.

use kraken_execution::Felt;
use serde_json::{json, Map, Value};

use super::error::{RpcError, RpcResult};
use super::params::{felt, hex, hexes, u64_param, BlockId, Params};
use super::RpcContext;

/// Largest page served.
pub const MAX_CHUNK: u64 = 1024;
/// Most keys a filter may list, over all positions.
pub const MAX_KEYS: usize = 256;

struct Filter {
    from: u64,
    to: u64,
    address: Option<Felt>,
    /// Per key position, the accepted values (empty: any).
    keys: Vec<Vec<Felt>>,
    chunk: usize,
    start: (u64, usize),
}

impl Filter {
    fn matches(&self, from_address: Felt, keys: &[Felt]) -> bool {
        if self.address.is_some_and(|a| a != from_address) {
            return false;
        }
        self.keys.iter().enumerate().all(|(i, accepted)| accepted.is_empty() || keys.get(i).is_some_and(|k| accepted.contains(k)))
    }
}

fn parse(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Filter> {
    let mut p = Params::bind(params, &["filter"])?;
    let Value::Object(mut f) = p.req(0, "filter")? else {
        return Err(RpcError::invalid_params("`filter` must be an object"));
    };
    let mut take = |name: &str| f.remove(name).filter(|v| !v.is_null());
    let from = take("from_block").map(|v| BlockId::parse(&v).and_then(|id| ctx.resolve(id))).transpose()?.unwrap_or(0);
    let to = match take("to_block") {
        Some(v) => ctx.resolve(BlockId::parse(&v)?)?,
        None => ctx.tip()?,
    };
    let address = take("address").map(|v| felt(&v, "address")).transpose()?;
    let keys = match take("keys") {
        None => vec![],
        Some(Value::Array(positions)) => positions.iter().map(|k| super::params::felts(k, "keys")).collect::<RpcResult<Vec<_>>>()?,
        Some(_) => return Err(RpcError::invalid_params("`keys` must be an array of arrays")),
    };
    let chunk = u64_param(&take("chunk_size").ok_or_else(|| RpcError::invalid_params("missing `chunk_size`"))?, "chunk_size")?;
    let token = take("continuation_token");
    if let Some(extra) = f.keys().next() {
        return Err(RpcError::invalid_params(format!("unknown filter field `{extra}`")));
    }
    if chunk == 0 {
        return Err(RpcError::invalid_params("`chunk_size` must be at least 1"));
    }
    if chunk > MAX_CHUNK {
        return Err(RpcError::page_size_too_big());
    }
    if keys.iter().map(Vec::len).sum::<usize>() > MAX_KEYS {
        return Err(RpcError::too_many_keys_in_filter());
    }
    let start = match token {
        None => (from, 0),
        Some(t) => parse_token(&t).filter(|(b, _)| *b >= from).ok_or_else(RpcError::invalid_continuation_token)?,
    };
    Ok(Filter { from, to, address, keys, chunk: chunk as usize, start })
}

fn parse_token(v: &Value) -> Option<(u64, usize)> {
    let (block, index) = v.as_str()?.split_once('-')?;
    Some((block.parse().ok()?, index.parse().ok()?))
}

pub fn get_events(ctx: &RpcContext, params: Option<Value>) -> RpcResult<Value> {
    let f = parse(ctx, params)?;
    let mut events = Vec::new();
    let mut next = None;
    'blocks: for height in f.start.0.max(f.from)..=f.to {
        let b = ctx.block(height)?;
        let mut index = 0usize;
        for (_, r) in &b.txs {
            for e in &r.events {
                let here = index;
                index += 1;
                if (height, here) < f.start || !f.matches(e.from_address, &e.keys) {
                    continue;
                }
                if events.len() == f.chunk {
                    next = Some(format!("{height}-{here}"));
                    break 'blocks;
                }
                events.push(json!({
                    "from_address": hex(&e.from_address),
                    "keys": hexes(&e.keys),
                    "data": hexes(&e.data),
                    "block_hash": hex(&b.sealed.block_hash),
                    "block_number": height,
                    "transaction_hash": hex(&r.tx_hash),
                }));
            }
        }
    }
    let mut out = Map::new();
    out.insert("events".into(), Value::Array(events));
    if let Some(token) = next {
        out.insert("continuation_token".into(), token.into());
    }
    Ok(Value::Object(out))
}
