//! `/verify`: a proof file from the reader's disk, verified in their browser; the page
//! then says which blocks it covers and whether they are this chain's.

use axum::response::Html;

use crate::explorer::html::page;

pub async fn verify() -> Html<String> {
    page(
        "Verify a proof file",
        r#"<h1>Verify a proof file</h1>
<p>Choose a block proof (<code>proof.bin</code>, from the prover's store or <code>kraken prove-block</code>). Your browser verifies it with Kraken's verifier compiled to WebAssembly; nothing is sent to the server but the block numbers it names, to compare them with the chain.</p>
<input type="file" id="proof-file" aria-label="proof file">
<div id="file-result" class="status"></div>"#,
    )
}
