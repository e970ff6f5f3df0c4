//! `/search?q=`: a block number, or a hash or address in any case with or without its
//! leading zeros; sends the reader to the block, transaction or contract it names.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{chain_problem, parse_felt};
use crate::explorer::chain::{BlockRef, ChainError};
use crate::explorer::html::problem;
use crate::explorer::Explorer;

pub async fn search(State(explorer): State<Arc<Explorer>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let q = query.get("q").map(|q| q.trim()).unwrap_or_default();
    if q.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "Nothing to search", "Type a block number, a block or transaction hash, or an address.");
    }
    if q.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = q.parse::<u64>() {
            return Redirect::to(&format!("/block/{n}")).into_response();
        }
    }
    let Some(felt) = parse_felt(q) else {
        return problem(StatusCode::NOT_FOUND, "Not found", &format!("`{q}` is neither a block number nor a hex hash or address."));
    };
    // A hash is a block's, a transaction's or an address: try each in turn.
    let mut unanswered = None;
    let found = [
        (explorer.block_header(BlockRef::Hash(felt)).await.map(drop), format!("/block/{felt:#x}")),
        (explorer.transaction(felt).await.map(drop), format!("/tx/{felt:#x}")),
        (explorer.contract(felt).await.map(drop), format!("/contract/{felt:#x}")),
    ];
    for (read, url) in found {
        match read {
            Ok(()) => return Redirect::to(&url).into_response(),
            Err(ChainError::NotFound) => {}
            Err(e) => unanswered = Some(e),
        }
    }
    match unanswered {
        Some(e) => chain_problem(e, &format!("{felt:#x}")),
        None => problem(StatusCode::NOT_FOUND, "Not found", &format!("No block, transaction or contract is {felt:#x}.")),
    }
}
