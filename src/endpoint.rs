//! A node's Starknet JSON-RPC over HTTP, as its clients call it: one call, or many as
//! JSON-RPC batches. The load client, the watcher-prover, `prove-block` and the explorer
//! read the chain through it.

use serde_json::{json, Value};

use crate::block_proof::fetch::{Rpc, RpcFailure as Failure};

/// Requests per JSON-RPC batch (the node accepts up to 1024).
const BATCH: usize = 500;

/// A JSON-RPC endpoint over HTTP.
#[derive(Clone)]
pub struct Endpoint {
    http: reqwest::Client,
    url: String,
}

impl Endpoint {
    pub fn new(url: &str) -> Endpoint {
        Endpoint::with_client(reqwest::Client::new(), url)
    }

    /// Through `http` (shared connections, its timeouts).
    pub fn with_client(http: reqwest::Client, url: &str) -> Endpoint {
        Endpoint { http, url: url.to_string() }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    async fn post(&self, body: &Value) -> Result<Value, Failure> {
        let transport = |e: reqwest::Error| Failure { code: None, message: format!("{}: {e}", self.url) };
        let reply = self.http.post(&self.url).json(body).send().await.map_err(transport)?;
        reply.json::<Value>().await.map_err(transport)
    }

    pub async fn call(&self, method: &str, params: Value) -> Result<Value, Failure> {
        Failure::answer(self.post(&json!({ "jsonrpc": "2.0", "id": 0, "method": method, "params": params })).await?)
    }

    /// The answers to `calls`, in order, sent as batches.
    pub async fn batch(&self, calls: &[(&str, Value)]) -> Vec<Result<Value, Failure>> {
        let mut out = Vec::with_capacity(calls.len());
        for chunk in calls.chunks(BATCH) {
            let body: Vec<Value> = chunk
                .iter()
                .enumerate()
                .map(|(id, (method, params))| json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
                .collect();
            match self.post(&Value::Array(body)).await {
                Ok(Value::Array(mut replies)) => {
                    replies.sort_by_key(|r| r["id"].as_u64());
                    if replies.len() != chunk.len() {
                        let message = format!("{}: {} answers to a batch of {}", self.url, replies.len(), chunk.len());
                        out.extend(chunk.iter().map(|_| Err(Failure { code: None, message: message.clone() })));
                    } else {
                        out.extend(replies.into_iter().map(Failure::answer));
                    }
                }
                Ok(other) => out.extend(chunk.iter().map(|_| Failure::answer(other.clone()))),
                Err(e) => out.extend(chunk.iter().map(|_| Err(Failure { code: e.code, message: e.message.clone() }))),
            }
        }
        out
    }
}

impl Rpc for Endpoint {
    async fn call(&self, method: &str, params: Value) -> Result<Value, Failure> {
        Endpoint::call(self, method, params).await
    }
}

