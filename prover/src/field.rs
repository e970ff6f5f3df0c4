//! The Stark252 field (Cairo's prime field) and the few helpers the engine needs on top of
//! lambdaworks: canonical byte encodings and evaluation-domain parameters.

use lambdaworks_math::field::element::FieldElement;
pub use lambdaworks_math::field::fields::fft_friendly::stark_252_prime_field::Stark252PrimeField as F;
use lambdaworks_math::field::traits::IsFFTField;
use lambdaworks_math::traits::ByteConversion;

/// A Stark252 field element.
pub type FE = FieldElement<F>;

/// Offset of the low-degree-extension coset: 3 generates the multiplicative group, so the
/// coset `3·<w>` never meets the trace domain `<g>`.
pub fn coset_offset() -> FE {
    FE::from(3u64)
}

/// Big-endian 32-byte encoding (canonical).
pub fn fe_to_bytes(x: &FE) -> [u8; 32] {
    x.to_bytes_be()
}

/// Decodes a big-endian 32-byte value, refusing encodings of values >= p so every element
/// has exactly one encoding (a flipped byte can never decode to the same element).
pub fn fe_from_bytes(b: &[u8; 32]) -> Option<FE> {
    let x = FE::from_bytes_be(b).ok()?;
    if x.to_bytes_be() == *b {
        Some(x)
    } else {
        None
    }
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
