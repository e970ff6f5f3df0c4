//! `/contract/{address}`: its class hash and nonce, and the transactions it sent among
//! the blocks the explorer has seen lately (the JSON-RPC has no index by sender).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{chain_problem, parse_felt};
use crate::explorer::html::{block_link, esc, fields, page, problem, tx_link};
use crate::explorer::Explorer;

pub async fn contract(State(explorer): State<Arc<Explorer>>, Path(address): Path<String>) -> Response {
    let Some(felt) = parse_felt(&address) else {
        return problem(StatusCode::NOT_FOUND, "Not found", &format!("`{address}` is not a contract address."));
    };
    let (class_hash, nonce) = match explorer.contract(felt).await {
        Ok(c) => c,
        Err(e) => return chain_problem(e, &format!("contract at {felt:#x}")),
    };
    let address = format!("{felt:#x}");
    let sent: String = explorer
        .activity
        .sent_by(&address)
        .iter()
        .map(|(hash, kind, n)| format!("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", tx_link(hash), esc(kind), block_link(*n)))
        .collect();
    let header = fields(&[
        ("Address", esc(&address)),
        ("Class hash", esc(class_hash.as_str().unwrap_or("?"))),
        ("Nonce", esc(nonce.as_str().unwrap_or("?"))),
    ]);
    let body = format!(
        r#"<h1>Contract</h1>{header}<h2>Recent transactions it sent</h2><p class="note">Among the latest blocks this explorer has followed.</p><table><tr><th>Hash</th><th>Type</th><th>Block</th></tr>{sent}</table>"#
    );
    page("Contract", &body).into_response()
}
