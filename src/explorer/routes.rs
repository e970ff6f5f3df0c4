//! URLs to pages and answers; anything else is the not-found page.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use super::html::problem;
use super::pages::{block, blocks, contract, home, search, tx, verify};
use super::{api, Explorer, VERIFIER_GLUE, VERIFIER_MODULE};

pub fn router(explorer: Arc<Explorer>) -> Router {
    Router::new()
        .route("/", get(home::home))
        .route("/live/home", get(home::live))
        .route("/blocks", get(blocks::blocks))
        .route("/block/{id}", get(block::block))
        .route("/tx/{hash}", get(tx::tx))
        .route("/contract/{address}", get(contract::contract))
        .route("/search", get(search::search))
        .route("/verify", get(verify::verify))
        .route("/api/proof/{n}", get(api::proof_status))
        .route("/api/chain/{first}/{last}", get(api::chain_facts))
        .route("/proofs/{first}/proof.bin", get(api::proof_bytes))
        .route("/assets/explorer.js", get(api::script))
        .route("/assets/style.css", get(api::style))
        .route(&format!("/assets/{VERIFIER_GLUE}"), get(api::verifier_glue))
        .route(&format!("/assets/{VERIFIER_MODULE}"), get(api::verifier_module))
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "Not found", "There is no such page.") })
        .with_state(explorer)
}
