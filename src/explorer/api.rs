//! The small answers the browser asks for: a block's proof status and the chain's facts
//! about a range (JSON), a stored proof's bytes, and the static assets.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use super::{proofs, Explorer};

pub async fn proof_status(State(explorer): State<Arc<Explorer>>, Path(n): Path<u64>) -> Response {
    Json(proofs::status(&explorer, n).await).into_response()
}

/// What the chain says of blocks `first..=last`, for a proof file the reader brings.
pub async fn chain_facts(State(explorer): State<Arc<Explorer>>, Path((first, last)): Path<(u64, u64)>) -> Response {
    if first > last {
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": format!("blocks {first}..={last}: the first after the last") }))).into_response();
    }
    match proofs::expected(&explorer, first, last).await {
        Ok(facts) => Json(facts).into_response(),
        Err(error) => (StatusCode::BAD_GATEWAY, Json(json!({ "error": error }))).into_response(),
    }
}

/// `/proofs/{first}/proof.bin`: the stored proof, as stored.
pub async fn proof_bytes(State(explorer): State<Arc<Explorer>>, Path(first): Path<u64>) -> Response {
    match explorer.store.proof(first).await {
        Ok(Some(bytes)) => ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, format!("no proof starts at block {first}")).into_response(),
        Err(e) => (StatusCode::BAD_GATEWAY, format!("{e:#}")).into_response(),
    }
}

pub async fn script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("assets/explorer.js")).into_response()
}

pub async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("assets/style.css")).into_response()
}

pub async fn verifier_glue(State(explorer): State<Arc<Explorer>>) -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], explorer.verifier.glue.clone()).into_response()
}

pub async fn verifier_module(State(explorer): State<Arc<Explorer>>) -> Response {
    ([(header::CONTENT_TYPE, "application/wasm")], explorer.verifier.module.clone()).into_response()
}
