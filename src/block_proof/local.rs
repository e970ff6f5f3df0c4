//! A node's own JSON-RPC handlers as an [`Rpc`]: the same requests, answered in process.

use serde_json::{json, Value};

use super::fetch::{Rpc, RpcFailure};
use crate::rpc::{handle, RpcContext};

impl Rpc for RpcContext {
    async fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        let body = json!({ "jsonrpc": "2.0", "method": method, "params": params, "id": 1 });
        let failure = |message: String| RpcFailure { code: None, message };
        let reply = handle(self, body.to_string().as_bytes()).await.ok_or_else(|| failure("no reply".into()))?;
        let mut reply: Value = serde_json::from_slice(&reply).map_err(|e| failure(e.to_string()))?;
        if let Some(result) = reply.get_mut("result") {
            return Ok(result.take());
        }
        let error = reply.get("error").cloned().unwrap_or(Value::Null);
        Err(RpcFailure { code: error["code"].as_i64(), message: error["message"].as_str().unwrap_or("malformed error").to_string() })
    }
}
