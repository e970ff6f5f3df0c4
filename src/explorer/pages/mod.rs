//! The explorer's pages, one a file; each reads the chain through [`super::chain`] and
//! answers HTML, a not-found page for what the chain does not hold, and a page saying
//! the nodes did not answer when none did.

pub mod block;
pub mod blocks;
pub mod contract;
pub mod home;
pub mod search;
pub mod tx;
pub mod verify;

use axum::http::StatusCode;
use axum::response::Response;
use kraken_execution::Felt;

use super::chain::ChainError;
use super::html::problem;

/// The page for a failed read of `what`.
pub fn chain_problem(e: ChainError, what: &str) -> Response {
    match e {
        ChainError::NotFound => problem(StatusCode::NOT_FOUND, "Not found", &format!("The chain has no {what}.")),
        ChainError::Nodes(message) => problem(StatusCode::BAD_GATEWAY, "The nodes did not answer", &format!("Reading {what}: {message}")),
    }
}

/// A felt typed by a person: `0x` optional, any case, leading zeros or not.
pub fn parse_felt(text: &str) -> Option<Felt> {
    let t = text.trim();
    let digits = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    if digits.is_empty() || digits.len() > 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Felt::from_hex(&format!("0x{digits}")).ok()
}

#[cfg(test)]
mod tests {
    use super::parse_felt;

    #[test]
    fn a_felt_is_read_whatever_its_case_prefix_and_leading_zeros() {
        let want = parse_felt("0xabc").unwrap();
        for text in ["abc", "0XABC", "  0x0000abc ", "0x0abc", "ABC"] {
            assert_eq!(parse_felt(text), Some(want), "{text}");
        }
        for text in ["", "0x", "xyz", "0x12g", &"f".repeat(65)] {
            assert_eq!(parse_felt(text), None, "{text}");
        }
    }
}
