//! JSON-RPC 2.0 framing: single and batch requests, notifications, and the protocol
//! errors (parse error, invalid request), independent of what the methods do.

use serde_json::{json, Value};

use super::error::RpcError;
use super::{methods, RpcContext};

/// Largest request body served (a declare carries a whole Sierra class, up to
/// `kraken_execution::tx::MAX_TX_BYTES`, plus its JSON envelope).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Most requests in one batch.
pub const MAX_BATCH: usize = 1024;

/// Answers one HTTP body: `None` when nothing must be sent back (only notifications).
pub async fn handle(ctx: &RpcContext, body: &[u8]) -> Option<Vec<u8>> {
    let reply = if body.len() > MAX_BODY_BYTES {
        Some(error_reply(Value::Null, RpcError::invalid_request(format!("body of {} bytes exceeds {MAX_BODY_BYTES}", body.len()))))
    } else {
        match serde_json::from_slice::<Value>(body) {
            Err(e) => Some(error_reply(Value::Null, RpcError::parse_error(e))),
            Ok(Value::Array(requests)) => batch(ctx, requests).await,
            Ok(request) => one(ctx, request).await,
        }
    };
    reply.map(|v| serde_json::to_vec(&v).expect("a JSON value serializes"))
}

async fn batch(ctx: &RpcContext, requests: Vec<Value>) -> Option<Value> {
    if requests.is_empty() {
        return Some(error_reply(Value::Null, RpcError::invalid_request("empty batch")));
    }
    if requests.len() > MAX_BATCH {
        return Some(error_reply(Value::Null, RpcError::invalid_request(format!("batch of {} requests exceeds {MAX_BATCH}", requests.len()))));
    }
    let mut replies = Vec::new();
    for request in requests {
        replies.extend(one(ctx, request).await);
    }
    // A batch of notifications gets no reply at all, not an empty array.
    (!replies.is_empty()).then_some(Value::Array(replies))
}

async fn one(ctx: &RpcContext, request: Value) -> Option<Value> {
    let (id, method, params) = match envelope(request) {
        Ok(parts) => parts,
        Err((id, e)) => return Some(error_reply(id.unwrap_or(Value::Null), e)),
    };
    let result = methods::dispatch(ctx, &method, params).await;
    // A notification is executed but never answered, even when it fails.
    let id = id?;
    Some(match result {
        Ok(value) => json!({ "jsonrpc": "2.0", "result": value, "id": id }),
        Err(e) => error_reply(id, e),
    })
}

type Envelope = (Option<Value>, String, Option<Value>);

/// The request's id (`None`: a notification), method and params.
fn envelope(request: Value) -> Result<Envelope, (Option<Value>, RpcError)> {
    let Value::Object(mut obj) = request else {
        return Err((None, RpcError::invalid_request("a request must be an object")));
    };
    // The id is echoed in the error when it is itself well-formed.
    let id = match obj.remove("id") {
        None => None,
        Some(id @ (Value::Null | Value::Number(_) | Value::String(_))) => Some(id),
        Some(_) => return Err((None, RpcError::invalid_request("id must be a string, a number or null"))),
    };
    let fail = |msg: &str| Err((Some(id.clone().unwrap_or(Value::Null)), RpcError::invalid_request(msg)));
    if obj.get("jsonrpc") != Some(&Value::String("2.0".into())) {
        return fail("jsonrpc must be \"2.0\"");
    }
    let method = match obj.remove("method") {
        Some(Value::String(m)) => m,
        _ => return fail("method must be a string"),
    };
    let params = match obj.remove("params") {
        None => None,
        Some(p @ (Value::Array(_) | Value::Object(_))) => Some(p),
        Some(_) => return fail("params must be an array or an object"),
    };
    if let Some(extra) = obj.keys().find(|k| *k != "jsonrpc") {
        return fail(&format!("unknown member `{extra}`"));
    }
    Ok((id, method, params))
}

/// A whole reply body carrying `e` alone, for failures found before a request is read
/// (by the HTTP layer).
pub fn error_body(e: RpcError) -> Vec<u8> {
    serde_json::to_vec(&error_reply(Value::Null, e)).expect("a JSON value serializes")
}

fn error_reply(id: Value, e: RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "error": e.to_json(), "id": id })
}
