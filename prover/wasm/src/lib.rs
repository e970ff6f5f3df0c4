//! Kraken's verifier as a WebAssembly module with a plain C ABI (no bindings generator):
//! the host copies a proof into memory from `alloc`, calls `verify`, and reads back a
//! JSON report. `scripts/verify-wasm.mjs` is such a host (Node); the explorer is another.
//!
//! `verify(ptr, len)` returns `(report_ptr << 32) | report_len`; the host frees both
//! buffers with `dealloc`. The report is `{"valid": false, "error": "..."}` or
//! `{"valid": true, "program_hash", "security_bits", "steps", "block": null | {...}}`,
//! where `block` says which blocks and transactions a block proof covers.

use kraken_prover::block::BlockClaim;
use kraken_prover::cairo::{verify_cairo_proof, VerifiedClaim};
use kraken_prover::field::felt_to_hex;

/// A buffer of `len` bytes for the host to fill.
#[no_mangle]
pub extern "C" fn alloc(len: u32) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len as usize);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Frees a buffer from `alloc` or a report from `verify`.
///
/// # Safety
/// `ptr` and `len` must come from `alloc(len)` or from `verify`'s result.
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: u32) {
    drop(Vec::from_raw_parts(ptr, 0, len as usize));
}

/// Verifies the proof in `ptr[..len]` and returns its JSON report (see the module doc).
///
/// # Safety
/// `ptr[..len]` must be initialised memory from `alloc(len)`.
#[no_mangle]
pub unsafe extern "C" fn verify(ptr: *const u8, len: u32) -> u64 {
    let proof = std::slice::from_raw_parts(ptr, len as usize);
    let mut report = report(proof).into_bytes().into_boxed_slice();
    let (out, n) = (report.as_mut_ptr(), report.len());
    std::mem::forget(report);
    ((out as u64) << 32) | n as u64
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
        r#"{{"chain_id":"{}","first_block":{},"last_block":{},"first_parent_hash":"{}","last_block_hash":"{}","transactions":{},"results_digest":"{}","blocks":[{}]}}"#,
        felt_to_hex(&b.chain_id),
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
