//! Kraken's verifier as a WebAssembly module for browsers and Node, through
//! `wasm-bindgen`: `verify(proof: Uint8Array) -> string`, the JSON report of verifying
//! the proof bytes. `make wasm` builds it and runs the `wasm-bindgen` CLI (the version of
//! the crate, pinned in Cargo.toml) into `<target>/verifier-web/`: the module and its
//! ES-module glue, which the explorer serves and `scripts/verify-wasm.mjs` runs in Node.
//!
//! The report is `{"valid": false, "error": "..."}` or
//! `{"valid": true, "program_hash", "security_bits", "steps", "block": null | {...}}`,
//! where `block` says which blocks and transactions a block proof covers, and on which
//! chain (its id and the genesis contracts the proof executed). The minimum security is
//! the native verifier's ([`verify_cairo_proof`]).

use kraken_prover::block::BlockClaim;
use kraken_prover::cairo::{verify_cairo_proof, VerifiedClaim};
use kraken_prover::field::felt_to_hex;
use wasm_bindgen::prelude::wasm_bindgen;

/// Verifies `proof` and returns its JSON report (see the module doc).
#[wasm_bindgen]
pub fn verify(proof: &[u8]) -> String {
    report(proof)
}

/// The JSON report of verifying `proof`.
pub fn report(proof: &[u8]) -> String {
    match verify_cairo_proof(proof) {
        Err(e) => format!(r#"{{"valid":false,"error":{}}}"#, quote(&e.to_string())),
        Ok(claim) => format!(
            r#"{{"valid":true,"program_hash":"{}","security_bits":{},"steps":{},"block":{}}}"#,
            claim.program_hash_hex(),
            claim.security_bits,
            claim.steps,
            block(&claim)
        ),
    }
}

fn block(claim: &VerifiedClaim) -> String {
    let Ok(b) = BlockClaim::from_verified(claim) else {
        return "null".into();
    };
    let blocks: Vec<String> = b
        .blocks
        .iter()
        .map(|x| {
            format!(
                r#"{{"number":{},"transactions":{},"invokes":{},"deploy_accounts":{},"declares":{}}}"#,
                x.number, x.transactions, x.invokes, x.deploy_accounts, x.declares
            )
        })
        .collect();
    format!(
        r#"{{"chain_id":"{}","fib":"{}","fact":"{}","token":"{}","first_block":{},"last_block":{},"first_parent_hash":"{}","last_block_hash":"{}","transactions":{},"results_digest":"{}","blocks":[{}]}}"#,
        felt_to_hex(&b.chain_id),
        felt_to_hex(&b.fib),
        felt_to_hex(&b.fact),
        felt_to_hex(&b.token),
        b.first_block,
        b.last_block,
        felt_to_hex(&b.first_parent_hash),
        felt_to_hex(&b.last_block_hash),
        b.n_txs,
        felt_to_hex(&b.results_digest),
        blocks.join(",")
    )
}

/// A JSON string literal.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_reported_invalid_with_a_quoted_reason() {
        let r = report(b"not a proof \"at all\"");
        assert!(r.starts_with(r#"{"valid":false,"error":""#), "{r}");
        assert!(r.ends_with("\"}"), "{r}");
    }

    #[test]
    fn quoting_escapes_what_json_needs() {
        assert_eq!(quote("a\"b\\c\nd"), r#""a\"b\\c\u000ad""#);
    }
}
