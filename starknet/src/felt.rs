//! Small felt helpers shared by the commitment rules.

use starknet_types_core::felt::Felt;

/// The felt of a Cairo short string: its ASCII bytes read as a big-endian integer.
/// Starknet uses these as domain-separation prefixes (for example `"STARKNET_STATE_V0"`).
///
/// Panics if `s` is longer than 31 bytes, which no short string may be.
pub fn short_string(s: &str) -> Felt {
    assert!(s.len() <= 31, "short string longer than 31 bytes: {s}");
    Felt::from_bytes_be_slice(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_string_is_big_endian_ascii() {
        // 'A' = 0x41, 'B' = 0x42.
        assert_eq!(short_string("AB"), Felt::from(0x4142u64));
        assert_eq!(short_string(""), Felt::ZERO);
    }
}
