//! Small felt helpers shared by the commitment rules, and the conversions to and from
//! pathfinder-crypto's felt (its faster Pedersen and ECDSA take it).

use sha3::{Digest, Keccak256};
use starknet_types_core::felt::Felt;

/// The felt of a Cairo short string: its ASCII bytes read as a big-endian integer.
/// Starknet uses these as domain-separation prefixes (for example `"STARKNET_STATE_V0"`).
///
/// Panics if `s` is longer than 31 bytes, which no short string may be.
pub fn short_string(s: &str) -> Felt {
    assert!(s.len() <= 31, "short string longer than 31 bytes: {s}");
    Felt::from_bytes_be_slice(s.as_bytes())
}

/// Starknet keccak: keccak-256 of `data`, truncated to its low 250 bits.
pub fn starknet_keccak(data: &[u8]) -> Felt {
    let mut digest: [u8; 32] = Keccak256::digest(data).into();
    digest[0] &= 0x03;
    Felt::from_bytes_be(&digest)
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

    #[test]
    fn starknet_keccak_of_execute_selector() {
        // The `__execute__` selector, as starkware-libs/cairo's keccak_test.rs has it.
        assert_eq!(
            starknet_keccak(b"__execute__"),
            Felt::from_hex("0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad")
                .unwrap()
        );
    }
}

/// `f` as pathfinder-crypto's felt.
pub fn to_pathfinder(f: &Felt) -> pathfinder_crypto::Felt {
    pathfinder_crypto::Felt::from_be_bytes(f.to_bytes_be()).expect("a felt is below the field modulus")
}

/// pathfinder-crypto's felt `f` as ours.
pub fn from_pathfinder(f: pathfinder_crypto::Felt) -> Felt {
    Felt::from_bytes_be(f.as_be_bytes())
}
