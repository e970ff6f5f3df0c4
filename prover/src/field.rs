//! The Stark252 field (Cairo's prime field, arithmetic in `stark252.rs`) and the few
//! helpers the engine needs on top of lambdaworks: canonical byte encodings and
//! evaluation-domain parameters.

use lambdaworks_math::field::element::FieldElement;
use lambdaworks_math::field::traits::IsFFTField;
use lambdaworks_math::traits::ByteConversion;
use lambdaworks_math::unsigned_integer::element::U256;

pub use crate::stark252::{from_lambdaworks, to_lambdaworks, Stark252 as F};

/// A Stark252 field element.
pub type FE = FieldElement<F>;

/// Offset of the low-degree-extension coset: 3 generates the multiplicative group, so the
/// coset `3·<w>` never meets the trace domain `<g>`.
pub fn coset_offset() -> FE {
    FE::from(3u64)
}

const P_MINUS_ONE: U256 = U256::from_hex_unchecked("800000000000011000000000000000000000000000000000000000000000000");

/// Big-endian 32-byte encoding (canonical).
pub fn fe_to_bytes(x: &FE) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&x.representative().to_bytes_be());
    out
}

/// Decodes a big-endian 32-byte value, refusing encodings of values >= p so every element
/// has exactly one encoding (a flipped byte can never decode to the same element).
pub fn fe_from_bytes(b: &[u8; 32]) -> Option<FE> {
    let value = U256::from_bytes_be(b).ok()?;
    (value <= P_MINUS_ONE).then(|| FE::from(&value))
}

/// Generator of the multiplicative subgroup of order `2^log_order`.
pub fn root_of_unity(log_order: u32) -> Option<FE> {
    F::get_primitive_root_of_unity(log_order as u64).ok()
}

/// Element from a u64 (convenience for AIRs and tests).
pub fn fe(x: u64) -> FE {
    FE::from(x)
}

/// Inverts every element in place; zeros are left as zero (callers only pass non-zero
/// denominators, ensured by domain choice).
pub fn batch_inverse(xs: &mut [FE]) {
    if FE::inplace_batch_inverse(xs).is_err() {
        for x in xs.iter_mut() {
            *x = x.inv().unwrap_or_else(|_| FE::zero());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_roundtrip_and_non_canonical_rejected() {
        let x = fe(123456789);
        assert_eq!(fe_from_bytes(&fe_to_bytes(&x)), Some(x));
        // p = 2^251 + 17·2^192 + 1; 0xff.. is above p.
        assert_eq!(fe_from_bytes(&[0xff; 32]), None);
        let minus_one = -fe(1);
        assert_eq!(fe_from_bytes(&fe_to_bytes(&minus_one)), Some(minus_one));
    }

    #[test]
    fn roots_have_the_right_order() {
        let w = root_of_unity(4).unwrap();
        assert_eq!(w.pow(16u64), fe(1));
        assert_ne!(w.pow(8u64), fe(1));
    }
}

/// Parses a felt from decimal or `0x` hex (for CLIs); None if malformed or >= p.
pub fn felt_from_str(s: &str) -> Option<FE> {
    let s = s.trim();
    let mut acc = FE::zero();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if h.is_empty() || h.len() > 64 {
            return None;
        }
        let padded = format!("{h:0>64}");
        let mut b = [0u8; 32];
        for (i, byte) in b.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&padded[2 * i..2 * i + 2], 16).ok()?;
        }
        return fe_from_bytes(&b);
    }
    if s.is_empty() || s.len() > 80 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let ten = fe(10);
    for c in s.bytes() {
        acc = acc * ten + fe((c - b'0') as u64);
    }
    // Reject decimal values >= p (they would wrap).
    let back = felt_to_decimal(&acc);
    (back == s.trim_start_matches('0') || (acc == FE::zero() && s.bytes().all(|c| c == b'0'))).then_some(acc)
}

/// `0x`-prefixed lowercase hex of the canonical value.
pub fn felt_to_hex(x: &FE) -> String {
    let b = fe_to_bytes(x);
    let h: String = b.iter().map(|c| format!("{c:02x}")).collect();
    let t = h.trim_start_matches('0');
    format!("0x{}", if t.is_empty() { "0" } else { t })
}

/// Decimal string of the canonical value.
pub fn felt_to_decimal(x: &FE) -> String {
    // Repeated division of the 256-bit big-endian value by 10.
    let mut b = fe_to_bytes(x).to_vec();
    let mut digits = Vec::new();
    while b.iter().any(|&c| c != 0) {
        let mut rem = 0u32;
        for byte in b.iter_mut() {
            let cur = (rem << 8) | *byte as u32;
            *byte = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod str_tests {
    use super::*;

    #[test]
    fn felt_strings_roundtrip() {
        assert_eq!(felt_from_str("120"), Some(fe(120)));
        assert_eq!(felt_from_str("0x78"), Some(fe(120)));
        assert_eq!(felt_from_str("0"), Some(fe(0)));
        assert_eq!(felt_to_hex(&fe(255)), "0xff");
        assert_eq!(felt_to_decimal(&fe(1234567)), "1234567");
        let m1 = -fe(1);
        assert_eq!(felt_from_str(&felt_to_decimal(&m1)), Some(m1));
        assert_eq!(felt_from_str(&felt_to_hex(&m1)), Some(m1));
        // p itself and garbage are refused.
        assert_eq!(felt_from_str("3618502788666131213697322783095070105623107215331596699973092056135872020481"), None);
        assert_eq!(felt_from_str("12a"), None);
        assert_eq!(felt_from_str(""), None);
    }
}
