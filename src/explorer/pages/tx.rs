//! `/tx/{hash}`: a transaction's fields as sent, its status, its receipt (fee, execution
//! resources, events, revert reason).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{chain_problem, parse_felt};
use crate::explorer::html::{amount, block_link, contract_link, esc, fields, page, problem};
use crate::explorer::Explorer;

pub async fn tx(State(explorer): State<Arc<Explorer>>, Path(hash): Path<String>) -> Response {
    let Some(felt) = parse_felt(&hash) else {
        return problem(StatusCode::NOT_FOUND, "Not found", &format!("`{hash}` is not a transaction hash."));
    };
    let view = match explorer.transaction(felt).await {
        Ok(v) => v,
        Err(e) => return chain_problem(e, &format!("transaction {felt:#x}")),
    };
    let (tx, receipt) = (&view.tx, &view.receipt);
    let text = |v: &Value| esc(v.as_str().unwrap_or("—"));
    let list = |v: &Value| match v.as_array() {
        Some(items) if !items.is_empty() => format!("<ol class=\"felts\">{}</ol>", items.iter().map(|x| format!("<li>{}</li>", text(x))).collect::<String>()),
        _ => "—".into(),
    };
    let sender = tx["sender_address"].as_str().or(receipt["contract_address"].as_str()).map_or("—".into(), contract_link);
    let status = format!("{} / {}", text(&view.status["finality_status"]), text(&view.status["execution_status"]));
    let block = receipt["block_number"].as_u64().map_or("pending".into(), block_link);
    let resources = &receipt["execution_resources"];
    let mut rows = vec![
        ("Hash", format!("{felt:#x}")),
        ("Type", text(&tx["type"])),
        ("Status", status),
        ("Block", block),
        ("Sender", sender),
        ("Nonce", text(&tx["nonce"])),
        ("Version", text(&tx["version"])),
        ("Calldata", list(&tx["calldata"])),
        ("Fee", format!("{} {}", amount(receipt["actual_fee"]["amount"].as_str().unwrap_or("?")), text(&receipt["actual_fee"]["unit"]))),
        (
            "Execution resources",
            format!("L1 gas {}, L1 data gas {}, L2 gas {}", resources["l1_gas"], resources["l1_data_gas"], resources["l2_gas"]),
        ),
    ];
    if let Some(reason) = receipt["revert_reason"].as_str() {
        rows.push(("Revert reason", format!("<pre>{}</pre>", esc(reason))));
    }
    let events: String = receipt["events"]
        .as_array()
        .map(|events| events.iter().map(|e| format!("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", contract_link(e["from_address"].as_str().unwrap_or("?")), list(&e["keys"]), list(&e["data"]))).collect())
        .unwrap_or_default();
    let body = format!(
        r#"<h1>Transaction</h1>{}<h2>Events</h2><table><tr><th>From</th><th>Keys</th><th>Data</th></tr>{events}</table>"#,
        fields(&rows)
    );
    page("Transaction", &body).into_response()
}
