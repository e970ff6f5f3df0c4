//! `/`: the chain's height and rate, how far the proofs reach, the latest blocks and
//! transactions. The live part is `/live/home`, which the page re-reads every two
//! seconds (`explorer.js`), rendered here either way.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Html;

use crate::explorer::html::{block_link, contract_link, esc, page, short, tx_link};
use crate::explorer::Explorer;

/// Blocks and transactions listed.
const LATEST: usize = 10;

pub async fn home(State(explorer): State<Arc<Explorer>>) -> Html<String> {
    page("Latest blocks", &format!(r#"<div id="live" data-refresh="/live/home">{}</div>"#, live_html(&explorer)))
}

pub async fn live(State(explorer): State<Arc<Explorer>>) -> Html<String> {
    Html(live_html(&explorer))
}

fn live_html(explorer: &Explorer) -> String {
    let s = explorer.activity.snapshot();
    let height = s.tip.map_or("no blocks yet".into(), |t| t.to_string());
    let proved = match (s.proved, s.tip) {
        (Some(p), Some(t)) => format!("{p} <small>(lag {} blocks)</small>", t.saturating_sub(p)),
        (Some(p), None) => p.to_string(),
        (None, _) => "none yet".into(),
    };
    let mut warnings = String::new();
    if let Some(e) = &s.nodes_error {
        warnings += &format!(r#"<p class="problem">The nodes did not answer: {}</p>"#, esc(e));
    }
    if let Some(e) = &s.store_error {
        warnings += &format!(r#"<p class="problem">The proof store is unreachable: {}</p>"#, esc(e));
    }
    let stats = format!(
        r#"<div class="stats"><div><span>Height</span><b id="height">{height}</b></div><div><span>Transactions / s</span><b>{:.1}</b></div><div><span>Proved up to</span><b id="proved">{proved}</b></div></div>"#,
        s.tx_per_s
    );
    let blocks: String = s
        .recent
        .iter()
        .take(LATEST)
        .map(|b| format!("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}s ago</td></tr>", block_link(b.number), short(&b.hash), b.txs.len(), b.at.elapsed().as_secs()))
        .collect();
    let txs: String = s
        .recent
        .iter()
        .flat_map(|b| b.txs.iter().rev().map(move |t| (b.number, t)))
        .take(LATEST)
        .map(|(n, (hash, kind, sender))| {
            let sender = if sender.is_empty() { "—".to_string() } else { contract_link(sender) };
            format!("<tr><td>{}</td><td>{}</td><td>{}</td><td>{sender}</td></tr>", tx_link(hash), esc(kind), block_link(n))
        })
        .collect();
    format!(
        r#"{warnings}{stats}<div class="columns"><section><h2>Latest blocks</h2><table><tr><th>Block</th><th>Hash</th><th>Txs</th><th>Seen</th></tr>{blocks}</table><p><a href="/blocks">All blocks</a></p></section><section><h2>Latest transactions</h2><table><tr><th>Hash</th><th>Type</th><th>Block</th><th>Sender</th></tr>{txs}</table></section></div>"#
    )
}
