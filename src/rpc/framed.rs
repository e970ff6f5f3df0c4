//! The JSON-RPC over the simulated network, which has no HTTP: each request body is one
//! length-prefixed frame (`net::frame`) and each answer one frame back (empty for a batch
//! of notifications only). The handlers behind it, and the code above [`Rpc`] that calls
//! it (the watcher-prover's), are the real build's.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;

use super::{error_body, handle, RpcContext, RpcError, MAX_BODY_BYTES};
use crate::block_proof::fetch::{Rpc, RpcFailure};
use crate::net::frame::{read_frame, write_frame};

/// Serves `ctx` (`None`: a node without `[execution]`) on every connection to `listener`.
pub async fn serve(listener: TcpListener, ctx: Option<RpcContext>) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let ctx = ctx.clone();
                tokio::spawn(async move {
                    if let Err(e) = connection(stream, ctx.as_ref()).await {
                        tracing::debug!(%peer, error = %e, "JSON-RPC connection closed");
                    }
                });
            }
            Err(e) => tracing::warn!(error = %e, "JSON-RPC listener: accept failed"),
        }
    }
}

async fn connection(mut stream: TcpStream, ctx: Option<&RpcContext>) -> std::io::Result<()> {
    while let Some(body) = read_frame(&mut stream).await? {
        let answer = match ctx {
            _ if body.len() > MAX_BODY_BYTES => error_body(RpcError::invalid_request(format!("request body exceeds {MAX_BODY_BYTES} bytes"))),
            None => error_body(RpcError::no_chain()),
            Some(ctx) => handle(ctx, &body).await.unwrap_or_default(),
        };
        write_frame(&mut stream, &answer).await?;
    }
    Ok(())
}

/// A node's JSON-RPC over the simulated network: one connection, made when first needed
/// and again after a failure; one call at a time.
pub struct FramedRpc {
    addr: SocketAddr,
    stream: Mutex<Option<TcpStream>>,
}

/// Longest a call may take before the node counts as unreachable (it is partitioned
/// away, crashed or paused).
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

impl FramedRpc {
    pub fn new(addr: SocketAddr) -> FramedRpc {
        FramedRpc { addr, stream: Mutex::new(None) }
    }

    async fn exchange(&self, body: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut slot = self.stream.lock().await;
        let stream = match &mut *slot {
            Some(s) => s,
            None => slot.insert(TcpStream::connect(self.addr).await?),
        };
        write_frame(stream, body).await?;
        read_frame(stream).await?.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the node closed the connection"))
    }
}

impl Rpc for FramedRpc {
    async fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        let body = serde_json::to_vec(&json!({ "jsonrpc": "2.0", "id": 0, "method": method, "params": params })).expect("JSON serializes");
        let transport = |message: String| RpcFailure { code: None, message: format!("{}: {message}", self.addr) };
        let reply = match tokio::time::timeout(CALL_TIMEOUT, self.exchange(&body)).await {
            Ok(Ok(reply)) => reply,
            failed => {
                // The connection may hold half an exchange: start the next call afresh.
                *self.stream.lock().await = None;
                return Err(transport(match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => format!("no answer within {CALL_TIMEOUT:?}"),
                }));
            }
        };
        RpcFailure::answer(serde_json::from_slice(&reply).map_err(|e| transport(format!("not a JSON answer: {e}")))?)
    }
}
