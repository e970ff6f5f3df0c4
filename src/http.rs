//! A real node's HTTP endpoint: the Starknet JSON-RPC (`POST /`, also at `/rpc/v0_9`),
//! Prometheus metrics (`GET /metrics`) and a health check (`GET /health`).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use tokio::net::TcpListener;

use crate::consensus::committed_tip;
use crate::mempool::BatchPool;
use crate::metrics::Metrics;
use crate::net::NetStats;
use crate::rpc::{self, RpcContext, RpcError, MAX_BODY_BYTES};
use crate::storage::Store;

/// What the endpoint reads.
#[derive(Clone)]
pub struct HttpState {
    /// `None` on a node without `[execution]`: it has no Starknet chain to serve.
    pub rpc: Option<RpcContext>,
    pub metrics: Arc<Metrics>,
    pub pool: Arc<BatchPool>,
    pub net: Arc<NetStats>,
    pub store: Store,
}

pub fn router(state: HttpState) -> Router {
    Router::new()
        .route("/", post(json_rpc))
        .route("/rpc/v0_9", post(json_rpc))
        .route("/metrics", get(metrics))
        .route("/health", get(health))
        .with_state(state)
}

/// Serves until the process ends; a failing listener is logged, never a node crash.
pub async fn serve(listener: TcpListener, state: HttpState) {
    if let Err(e) = axum::serve(listener, router(state)).await {
        tracing::error!(error = %e, "the HTTP endpoint stopped");
    }
}

fn json_body(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn json_rpc(State(state): State<HttpState>, body: Body) -> Response {
    // Read at most the limit: a larger body is refused without being buffered.
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        let e = RpcError::invalid_request(format!("request body exceeds {MAX_BODY_BYTES} bytes"));
        return json_body(StatusCode::PAYLOAD_TOO_LARGE, rpc::error_body(e));
    };
    let Some(ctx) = &state.rpc else {
        return json_body(StatusCode::OK, rpc::error_body(RpcError::no_chain()));
    };
    match rpc::handle(ctx, &bytes).await {
        Some(reply) => json_body(StatusCode::OK, reply),
        None => StatusCode::NO_CONTENT.into_response(), // only notifications
    }
}

async fn metrics(State(state): State<HttpState>) -> Response {
    let text = state.metrics.render(&state.pool, &state.net);
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text).into_response()
}

/// 200 with the node's heights once its store answers; 503 otherwise.
async fn health(State(state): State<HttpState>) -> Response {
    let committed = committed_tip(&state.store).map(|tip| tip.map_or(0, |t| t.height));
    let executed = match &state.rpc {
        Some(ctx) => ctx.chain.executed_height().map(Some),
        None => Ok(None),
    };
    match (committed, executed) {
        (Ok(committed), Ok(executed)) => {
            let body = json!({ "status": "ok", "committed_height": committed, "executed_height": executed });
            json_body(StatusCode::OK, body.to_string().into_bytes())
        }
        (Err(e), _) | (_, Err(e)) => {
            let body = json!({ "status": "unavailable", "error": e.to_string() });
            json_body(StatusCode::SERVICE_UNAVAILABLE, body.to_string().into_bytes())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::tests::fixture;
    use serde_json::Value;

    /// Serves `rpc` on a free loopback port and returns its base URL.
    async fn serve_on_loopback(rpc: Option<RpcContext>) -> String {
        let store = fixture().ctx.store.clone();
        let state = HttpState {
            rpc,
            metrics: Arc::new(Metrics::new()),
            pool: Arc::default(),
            net: Arc::default(),
            store,
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(serve(listener, state));
        url
    }

    async fn post(url: &str, body: impl Into<reqwest::Body>) -> (u16, String) {
        let reply = reqwest::Client::new().post(url).header("content-type", "application/json").body(body).send().await.unwrap();
        (reply.status().as_u16(), reply.text().await.unwrap())
    }

    fn error_code(body: &str) -> i64 {
        serde_json::from_str::<Value>(body).unwrap()["error"]["code"].as_i64().unwrap_or_else(|| panic!("no error in {body}"))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serves_the_rpc_metrics_and_health_and_refuses_bad_requests() {
        let url = serve_on_loopback(Some(fixture().ctx.clone())).await;
        let block_number = r#"{"jsonrpc":"2.0","id":1,"method":"starknet_blockNumber","params":[]}"#;
        for path in ["", "/rpc/v0_9"] {
            let (status, body) = post(&format!("{url}{path}"), block_number).await;
            assert_eq!((status, serde_json::from_str::<Value>(&body).unwrap()["result"].clone()), (200, json!(2)), "{path}: {body}");
        }
        let (status, body) = post(&url, r#"{"jsonrpc":"2.0","method":"starknet_blockNumber","params":[]}"#).await;
        assert_eq!((status, body.as_str()), (204, ""), "a notification gets no body");
        let (status, body) = post(&url, "{not json").await;
        assert_eq!((status, error_code(&body)), (200, -32700));
        let (status, body) = post(&url, vec![b' '; MAX_BODY_BYTES + 1]).await;
        assert_eq!((status, error_code(&body)), (413, -32600), "{body}");
        assert!(body.contains("exceeds"), "{body}");

        let http = reqwest::Client::new();
        let get = |path: &str| http.get(format!("{url}{path}")).send();
        let metrics = get("/metrics").await.unwrap();
        assert_eq!(metrics.status(), 200);
        let text = metrics.text().await.unwrap();
        assert!(text.contains("kraken_committed_height") && text.contains("kraken_mempool_transactions"), "{text}");
        let health: Value = get("/health").await.unwrap().json().await.unwrap();
        assert_eq!(health["status"], "ok");
        assert_eq!(health["executed_height"], 2);
        assert_eq!(get("/").await.unwrap().status(), 405, "the RPC takes POST only");
        assert_eq!(get("/nowhere").await.unwrap().status(), 404);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_node_without_execution_says_so() {
        let url = serve_on_loopback(None).await;
        let (status, body) = post(&url, r#"{"jsonrpc":"2.0","id":1,"method":"starknet_chainId","params":[]}"#).await;
        assert_eq!((status, error_code(&body)), (200, -32601));
        assert!(body.contains("without [execution]"), "{body}");
    }
}
