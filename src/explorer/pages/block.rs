//! `/block/{number or hash}`: the header, the commit certificate's signers, the proof
//! status (which `explorer.js` keeps current and, when asked, verifies in the browser)
//! and the block's transactions with their outcomes.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{chain_problem, parse_felt};
use crate::explorer::chain::BlockRef;
use crate::explorer::html::{amount, block_link, contract_link, esc, fields, page, problem, tx_link};
use crate::explorer::Explorer;

pub async fn block(State(explorer): State<Arc<Explorer>>, Path(id): Path<String>) -> Response {
    let block = match id.trim().parse::<u64>() {
        Ok(n) => BlockRef::Number(n),
        Err(_) => match parse_felt(&id) {
            Some(hash) => BlockRef::Hash(hash),
            None => return problem(StatusCode::NOT_FOUND, "Not found", &format!("`{id}` is neither a block number nor a block hash.")),
        },
    };
    let b = match explorer.block_with_receipts(block).await {
        Ok(b) => b,
        Err(e) => return chain_problem(e, &format!("block {id}")),
    };
    let Some(n) = b["block_number"].as_u64() else {
        return problem(StatusCode::BAD_GATEWAY, "The nodes answered a malformed block", &b.to_string());
    };
    let text = |k: &str| esc(b[k].as_str().unwrap_or("?"));
    let price = |k: &str| format!("{} fri", amount(b[k]["price_in_fri"].as_str().unwrap_or("?")));
    let txs = b["transactions"].as_array().cloned().unwrap_or_default();
    let parent = if n == 0 { text("parent_hash") } else { format!("{} ({})", text("parent_hash"), block_link(n - 1)) };
    let signers = match explorer.certificate(n).await {
        Ok(c) => {
            let who: Vec<String> = c["signatures"].as_array().map(|s| s.iter().filter_map(|x| x["signer"].as_u64()).map(|m| format!("member {m}")).collect()).unwrap_or_default();
            if who.is_empty() { "none held by this node yet".into() } else { format!("{} ({} signatures)", who.join(", "), who.len()) }
        }
        Err(e) => format!("not available: {}", esc(&e.to_string())),
    };
    let proof = match explorer.activity.proof_covering(n) {
        Some((first, last)) => format!("Stored: a proof of blocks {first}..={last}"),
        None => "Missing: no stored proof covers this block yet".into(),
    };
    let verify = explorer.settings.verify_blocks;
    let header = fields(&[
        ("Number", n.to_string()),
        ("Hash", text("block_hash")),
        ("Parent", parent),
        ("Status", text("status")),
        ("Timestamp", b["timestamp"].as_u64().unwrap_or(0).to_string()),
        ("State root", text("new_root")),
        ("Sequencer", contract_link(b["sequencer_address"].as_str().unwrap_or("?"))),
        ("L1 gas price", price("l1_gas_price")),
        ("L2 gas price", price("l2_gas_price")),
        ("L1 data gas price", price("l1_data_gas_price")),
        ("Starknet version", text("starknet_version")),
        ("Transactions", txs.len().to_string()),
        ("Commit certificate", signers),
        ("Proof", format!(r#"<div id="proof" data-block="{n}" data-verify="{verify}"><span class="status">{proof}</span></div>"#)),
    ]);
    let rows: String = txs.iter().map(tx_row).collect();
    let body = format!(
        r#"<h1>Block {n}</h1>{header}<h2>Transactions</h2><table><tr><th>Hash</th><th>Type</th><th>Outcome</th><th>Fee</th><th>Events</th></tr>{rows}</table>"#
    );
    page(&format!("Block {n}"), &body).into_response()
}

/// One transaction of getBlockWithReceipts (`{transaction, receipt}`).
fn tx_row(t: &Value) -> String {
    let (tx, receipt) = (&t["transaction"], &t["receipt"]);
    let hash = receipt["transaction_hash"].as_str().or(tx["transaction_hash"].as_str()).unwrap_or("?");
    format!(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td></tr>",
        tx_link(hash),
        esc(tx["type"].as_str().unwrap_or("?")),
        esc(receipt["execution_status"].as_str().unwrap_or("?")),
        amount(receipt["actual_fee"]["amount"].as_str().unwrap_or("?")),
        esc(receipt["actual_fee"]["unit"].as_str().unwrap_or("")),
        receipt["events"].as_array().map_or(0, Vec::len),
    )
}
