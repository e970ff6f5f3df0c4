//! The page frame every page shares (title, navigation, search box, the script), the
//! escaping every value from the chain goes through, and links to the explorer's pages.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// `text` safe inside HTML text and double-quoted attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `body` is already HTML.
pub fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Kraken explorer</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/style.css"></head>
<body><header><a class="brand" href="/">Kraken explorer</a><nav><a href="/blocks">Blocks</a><a href="/verify">Verify a proof file</a></nav>
<form action="/search" method="get"><input name="q" placeholder="Block number or hash, transaction hash, address" aria-label="search"><button>Search</button></form></header>
<main>{body}</main><script type="module" src="/assets/explorer.js"></script></body></html>"#,
        title = esc(title)
    ))
}

/// An error page with its status: what was asked and why there is no answer. Never a
/// bare 500: a page says what failed.
pub fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = format!(r#"<h1>{}</h1><p class="problem">{}</p><p><a href="/">Back to the latest blocks</a></p>"#, esc(title), esc(detail));
    (status, page(title, &body)).into_response()
}

pub fn block_link(number: u64) -> String {
    format!(r#"<a href="/block/{number}">{number}</a>"#)
}

/// A hash, shortened for tables; the full value is in the title.
pub fn short(hash: &str) -> String {
    if hash.len() <= 18 {
        return esc(hash);
    }
    format!(r#"<span title="{}">{}…{}</span>"#, esc(hash), esc(&hash[..10]), esc(&hash[hash.len() - 6..]))
}

pub fn tx_link(hash: &str) -> String {
    format!(r#"<a class="hash" href="/tx/{0}">{1}</a>"#, esc(hash), short(hash))
}

pub fn contract_link(address: &str) -> String {
    format!(r#"<a class="hash" href="/contract/{0}">{1}</a>"#, esc(address), short(address))
}

/// A two-column table of (field, HTML value).
pub fn fields(rows: &[(&str, String)]) -> String {
    let rows: String = rows.iter().map(|(k, v)| format!("<tr><th>{}</th><td>{v}</td></tr>", esc(k))).collect();
    format!(r#"<table class="fields">{rows}</table>"#)
}

/// A hex amount (fee, gas price) in decimal, as people read them; as given if it is not one.
pub fn amount(hex: &str) -> String {
    match hex.strip_prefix("0x").map(|digits| u128::from_str_radix(digits, 16)) {
        Some(Ok(value)) => value.to_string(),
        _ => esc(hex),
    }
}
