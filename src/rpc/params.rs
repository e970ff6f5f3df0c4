//! Method parameters, by position or by name (both are JSON-RPC 2.0), and the spec's
//! scalar encodings: felts as 0x-hex strings, block ids.

use kraken_execution::Felt;
use serde_json::{Map, Value};

use super::error::{RpcError, RpcResult};

/// A method's parameters, matched against the names the spec gives them.
pub struct Params(Vec<Option<Value>>);

impl Params {
    /// Binds `params` to `names`; unknown names and surplus positions are invalid.
    pub fn bind(params: Option<Value>, names: &[&str]) -> RpcResult<Params> {
        let mut out: Vec<Option<Value>> = vec![None; names.len()];
        match params {
            None => {}
            Some(Value::Array(values)) => {
                if values.len() > names.len() {
                    return Err(RpcError::invalid_params(format!("expected at most {} parameters, got {}", names.len(), values.len())));
                }
                for (slot, v) in out.iter_mut().zip(values) {
                    *slot = Some(v);
                }
            }
            Some(Value::Object(map)) => bind_named(&mut out, map, names)?,
            Some(_) => return Err(RpcError::invalid_params("params must be an array or an object")),
        }
        Ok(Params(out))
    }

    /// The `i`-th parameter, which must be present (JSON null counts as absent).
    pub fn req(&mut self, i: usize, name: &str) -> RpcResult<Value> {
        self.opt(i).ok_or_else(|| RpcError::invalid_params(format!("missing parameter `{name}`")))
    }

    pub fn opt(&mut self, i: usize) -> Option<Value> {
        self.0[i].take().filter(|v| !v.is_null())
    }
}

fn bind_named(out: &mut [Option<Value>], map: Map<String, Value>, names: &[&str]) -> RpcResult<()> {
    for (k, v) in map {
        let i = names.iter().position(|n| *n == k).ok_or_else(|| RpcError::invalid_params(format!("unknown parameter `{k}`")))?;
        out[i] = Some(v);
    }
    Ok(())
}

pub fn felt(v: &Value, what: &str) -> RpcResult<Felt> {
    let bad = || RpcError::invalid_params(format!("`{what}` must be a 0x-prefixed hex felt"));
    let s = v.as_str().ok_or_else(bad)?;
    let digits = s.strip_prefix("0x").ok_or_else(bad)?;
    if digits.is_empty() || digits.len() > 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    Felt::from_hex(s).map_err(|_| bad())
}

pub fn felts(v: &Value, what: &str) -> RpcResult<Vec<Felt>> {
    let items = v.as_array().ok_or_else(|| RpcError::invalid_params(format!("`{what}` must be an array")))?;
    items.iter().map(|x| felt(x, what)).collect()
}

pub fn u64_param(v: &Value, what: &str) -> RpcResult<u64> {
    v.as_u64().ok_or_else(|| RpcError::invalid_params(format!("`{what}` must be a non-negative integer")))
}

pub fn hex(f: &Felt) -> Value {
    Value::String(format!("{f:#x}"))
}

pub fn hex_u128(n: u128) -> Value {
    Value::String(format!("{n:#x}"))
}

pub fn hexes(fs: &[Felt]) -> Value {
    Value::Array(fs.iter().map(hex).collect())
}

/// A block id. Kraken executes whole committed blocks and has no pre-confirmed block:
/// `pre_confirmed` names the latest executed block, like `latest`; `l1_accepted` the
/// highest block up to which every block is covered by a proof this node verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockId {
    Latest,
    L1Accepted,
    Number(u64),
    Hash(Felt),
}

impl BlockId {
    pub fn parse(v: &Value) -> RpcResult<BlockId> {
        match v {
            Value::String(tag) => match tag.as_str() {
                "latest" | "pre_confirmed" => Ok(BlockId::Latest),
                "l1_accepted" => Ok(BlockId::L1Accepted),
                other => Err(RpcError::invalid_params(format!("unknown block tag `{other}`"))),
            },
            Value::Object(map) if map.len() == 1 => {
                if let Some(n) = map.get("block_number") {
                    return Ok(BlockId::Number(u64_param(n, "block_number")?));
                }
                if let Some(h) = map.get("block_hash") {
                    return Ok(BlockId::Hash(felt(h, "block_hash")?));
                }
                Err(RpcError::invalid_params("a block id is {\"block_number\": n}, {\"block_hash\": h} or a tag"))
            }
            _ => Err(RpcError::invalid_params("a block id is {\"block_number\": n}, {\"block_hash\": h} or a tag")),
        }
    }
}
