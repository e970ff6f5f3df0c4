//! Fiat-Shamir transcript: lambdaworks' Keccak256 transcript, with index sampling that
//! advances the state (lambdaworks' `sample_u64` does not) and a grinding check.

use crate::field::{fe_to_bytes, from_lambdaworks, FE};
use crate::merkle::Blake2b256;
use blake2::Digest;
use lambdaworks_crypto::fiat_shamir::default_transcript::DefaultTranscript;
use lambdaworks_crypto::fiat_shamir::is_transcript::IsTranscript;
use lambdaworks_math::field::fields::fft_friendly::stark_252_prime_field::Stark252PrimeField;

pub struct Transcript {
    /// Over lambdaworks' own Stark252 type, which its transcript knows how to sample.
    inner: DefaultTranscript<Stark252PrimeField>,
}

impl Transcript {
    /// A transcript seeded with a protocol tag; callers then bind the statement.
    pub fn new(tag: &[u8]) -> Self {
        Transcript { inner: DefaultTranscript::new(tag) }
    }

    pub fn append_bytes(&mut self, bytes: &[u8]) {
        // Length prefix so that two different sequences of appends never hash alike.
        self.inner.append_bytes(&(bytes.len() as u64).to_be_bytes());
        self.inner.append_bytes(bytes);
    }

    pub fn append_fe(&mut self, x: &FE) {
        self.inner.append_bytes(&fe_to_bytes(x));
    }

    pub fn append_fes(&mut self, xs: &[FE]) {
        for x in xs {
            self.append_fe(x);
        }
    }

    pub fn challenge(&mut self) -> FE {
        from_lambdaworks(&self.inner.sample_field_element())
    }

    /// Uniform index in `[0, bound)`; `bound` must be a power of two (no modulo bias).
    pub fn challenge_index(&mut self, bound: usize) -> usize {
        debug_assert!(bound.is_power_of_two());
        let h = self.inner.sample();
        let v = u64::from_be_bytes(h[..8].try_into().unwrap_or([0; 8]));
        (v % bound as u64) as usize
    }

    /// Seed for the proof of work: the current state, without advancing it.
    pub fn grinding_seed(&self) -> [u8; 32] {
        self.inner.state()
    }
}

/// True if Blake2b-256(seed || nonce) starts with `bits` zero bits (Blake2b, like the
/// Merkle trees: a quarter million hashes of grinding take a third of Keccak's time).
pub fn grinding_ok(seed: &[u8; 32], nonce: u64, bits: u8) -> bool {
    if bits == 0 {
        return true;
    }
    let mut h = Blake2b256::new();
    h.update(seed);
    h.update(nonce.to_be_bytes());
    let d = h.finalize();
    let lead = u64::from_be_bytes(d[..8].try_into().unwrap_or([0xff; 8]));
    lead.leading_zeros() >= bits as u32
}

/// Smallest nonce that passes `grinding_ok` (deterministic, so proving is reproducible),
/// searched a batch of chunks at a time on the proving threads.
#[cfg(feature = "prover")]
pub fn grind(seed: &[u8; 32], bits: u8) -> u64 {
    const CHUNK: u64 = 1 << 12;
    const BATCH: u64 = 64;
    let chunks: Vec<u64> = (0..BATCH).collect();
    (0u64..)
        .find_map(|round| {
            let first = |&c: &u64| {
                let start = (round * BATCH + c) * CHUNK;
                (start..start + CHUNK).find(|n| grinding_ok(seed, *n, bits))
            };
            crate::par::map(&chunks, first).into_iter().flatten().next()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_appends_same_challenges_and_indices_advance() {
        let mut a = Transcript::new(b"t");
        let mut b = Transcript::new(b"t");
        a.append_bytes(b"x");
        b.append_bytes(b"x");
        assert_eq!(a.challenge(), b.challenge());
        let i: Vec<usize> = (0..8).map(|_| a.challenge_index(1 << 20)).collect();
        assert!(i.windows(2).any(|w| w[0] != w[1]));
        let mut c = Transcript::new(b"t");
        c.append_bytes(b"y");
        assert_ne!(c.challenge(), b.challenge());
    }

    #[test]
    fn grinding_finds_and_checks_nonce() {
        // 8 bits ends in the first chunk; 19 bits, for this seed, past the first batch of
        // chunks the threads search together.
        let seed = [1u8; 32];
        for bits in [8, 19] {
            let n = grind(&seed, bits);
            assert!(grinding_ok(&seed, n, bits));
            assert!((0..n).all(|m| !grinding_ok(&seed, m, bits)), "{bits} bits: {n} is not the smallest");
            println!("{bits} bits: nonce {n}");
        }
        assert!(grind(&seed, 19) > 64 << 12);
    }
}
