//! A block's proof as the browser needs it to judge it: where the proof covering the
//! block is, its stored record, and the chain's own facts about the proved range (from
//! the nodes, never from the record), which a valid proof's statement must match.

use serde_json::{json, Value};

use super::Explorer;
use crate::block_proof::check::chain_hashes;
use crate::block_proof::fetch::genesis_contracts;

/// The `/api/proof/{n}` answer: `status` is `missing` (no stored proof covers block n),
/// `unreachable` (the store did not answer: `error`), or `stored`, with the range, its
/// record, the proof's URL and `expected`: what the chain says of the range (`null`
/// with `expected_error` when the nodes cannot say).
pub async fn status(explorer: &Explorer, n: u64) -> Value {
    if let Some(error) = explorer.activity.store_error() {
        return json!({ "block": n, "status": "unreachable", "error": error });
    }
    let Some((first, last)) = explorer.activity.proof_covering(n) else {
        return json!({ "block": n, "status": "missing" });
    };
    let record = match explorer.store.record(first).await {
        Ok(Some(record)) => record,
        Ok(None) => return json!({ "block": n, "status": "missing" }),
        Err(e) => return json!({ "block": n, "status": "unreachable", "error": format!("{e:#}") }),
    };
    let (expected, expected_error) = match expected(explorer, first, last).await {
        Ok(facts) => (facts, Value::Null),
        Err(e) => (Value::Null, Value::String(e)),
    };
    json!({
        "block": n,
        "status": "stored",
        "first": first,
        "last": last,
        "record": record,
        "proof_url": format!("/proofs/{first}/proof.bin"),
        "expected": expected,
        "expected_error": expected_error,
    })
}

/// What the chain says of blocks `first..=last`: the facts `block_proof::check::compare`
/// holds a proof's statement to (the browser applies the same rule).
pub async fn expected(explorer: &Explorer, first: u64, last: u64) -> Result<Value, String> {
    let facts = chain_hashes(&explorer.nodes, first, last).await.map_err(|e| format!("{e:#}"))?;
    let [(_, fib, _), (_, fact, _), (_, token, _)] = genesis_contracts();
    Ok(json!({
        "chain_id": format!("{:#x}", facts.chain_id),
        "fib": format!("{fib:#x}"),
        "fact": format!("{fact:#x}"),
        "token": format!("{token:#x}"),
        "last_block_hash": format!("{:#x}", facts.last_block_hash),
        "first_parent_hash": format!("{:#x}", facts.first_parent_hash),
    }))
}
