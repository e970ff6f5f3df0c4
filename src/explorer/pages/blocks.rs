//! `/blocks?page=P`: every block, newest first, a page at a time.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::chain_problem;
use crate::explorer::chain::BlockRef;
use crate::explorer::html::{block_link, page, problem, short};
use crate::explorer::Explorer;

const PER_PAGE: u64 = 25;

pub async fn blocks(State(explorer): State<Arc<Explorer>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let page_number: u64 = match query.get("page").map(|p| p.parse::<u64>()) {
        None => 0,
        Some(Ok(p)) => p,
        Some(Err(_)) => return problem(StatusCode::BAD_REQUEST, "Bad page", "page= takes a page number: 0 is the newest blocks"),
    };
    let tip = match explorer.tip().await {
        Ok(Some(tip)) => tip,
        Ok(None) => return page("Blocks", "<h1>Blocks</h1><p>The chain has no blocks yet.</p>").into_response(),
        Err(e) => return chain_problem(e, "latest block"),
    };
    let Some(newest) = page_number.checked_mul(PER_PAGE).and_then(|skip| tip.checked_sub(skip)) else {
        return problem(StatusCode::NOT_FOUND, "Not found", &format!("There is no page {page_number}: the chain has {} blocks.", tip + 1));
    };
    let oldest = newest.saturating_sub(PER_PAGE - 1);
    let mut rows = String::new();
    for n in (oldest..=newest).rev() {
        let b = match explorer.block_header(BlockRef::Number(n)).await {
            Ok(b) => b,
            Err(e) => return chain_problem(e, &format!("block {n}")),
        };
        let proof = match explorer.activity.proof_covering(n) {
            Some((first, last)) => format!("stored ({first}..={last})"),
            None => "missing".into(),
        };
        rows += &format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{proof}</td></tr>",
            block_link(n),
            short(b["block_hash"].as_str().unwrap_or("?")),
            b["transactions"].as_array().map_or(0, Vec::len),
            b["timestamp"].as_u64().unwrap_or(0),
        );
    }
    let link = |page: u64, label: &str| format!(r#"<a href="/blocks?page={page}">{label}</a>"#);
    let newer = if page_number > 0 { link(page_number - 1, "Newer") } else { String::new() };
    let older = if oldest > 0 { link(page_number + 1, "Older") } else { String::new() };
    let body = format!(
        r#"<h1>Blocks {oldest}–{newest}</h1><table><tr><th>Block</th><th>Hash</th><th>Txs</th><th>Timestamp</th><th>Proof</th></tr>{rows}</table><p class="pager">{newer} {older}</p>"#
    );
    page("Blocks", &body).into_response()
}
