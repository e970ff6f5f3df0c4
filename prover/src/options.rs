//! Proof options and the conjectured security level they give.

use crate::error::VerifyError;

/// Parameters of a proof. They travel inside the proof and are bound into the transcript;
/// the verifier additionally enforces a minimum security level (see [`crate::VerifierPolicy`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProofOptions {
    /// log2 of the low-degree-extension blowup factor.
    pub blowup_log: u8,
    /// Number of FRI queries.
    pub queries: u16,
    /// Proof-of-work bits required before sampling queries.
    pub grinding_bits: u8,
    /// FRI stops folding when the polynomial has at most `2^fri_final_log` coefficients,
    /// which are then sent in the clear.
    pub fri_final_log: u8,
}

/// Collision resistance of the 256-bit hash used for commitments caps every level.
const HASH_CAP_BITS: u32 = 128;

impl ProofOptions {
    /// ~100 bits conjectured: blowup 4, 41 queries, 18 grinding bits. Query openings are
    /// most of a proof's bytes; 2^18 hashes of grinding (under a tenth of a second, on
    /// every proving thread) save four of them, about a tenth of the proof.
    pub fn conjectured_100() -> Self {
        ProofOptions { blowup_log: 2, queries: 41, grinding_bits: 18, fri_final_log: 3 }
    }

    /// 128 bits conjectured: blowup 8, 40 queries, 8 grinding bits.
    pub fn conjectured_128() -> Self {
        ProofOptions { blowup_log: 3, queries: 40, grinding_bits: 8, fri_final_log: 3 }
    }

    /// Small options for tests only (~32 bits): never use for real claims.
    pub fn test_only() -> Self {
        ProofOptions { blowup_log: 2, queries: 12, grinding_bits: 2, fri_final_log: 2 }
    }

    pub fn blowup(&self) -> usize {
        1usize << self.blowup_log
    }

    /// Conjectured security (ethSTARK conjecture): each query costs the attacker log2(blowup)
    /// bits, plus the grinding bits; capped by the hash's collision resistance. The field has
    /// 252 bits, so the out-of-domain and FRI-challenge terms never bind here.
    pub fn security_bits(&self) -> u32 {
        let q = self.queries as u32 * self.blowup_log as u32 + self.grinding_bits as u32;
        q.min(HASH_CAP_BITS)
    }

    /// Rejects options no prover or verifier should accept (degenerate or unbounded work).
    pub fn validate(&self) -> Result<(), VerifyError> {
        let ok = (1..=6).contains(&self.blowup_log)
            && (1..=512).contains(&self.queries)
            && self.grinding_bits <= 32
            && self.fri_final_log <= 10;
        if ok {
            Ok(())
        } else {
            Err(VerifyError::BadOptions)
        }
    }

    pub(crate) fn to_bytes(self) -> [u8; 5] {
        let q = self.queries.to_be_bytes();
        [self.blowup_log, q[0], q[1], self.grinding_bits, self.fri_final_log]
    }
}

impl std::fmt::Display for ProofOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "blowup {} | {} queries | {} grinding bits | FRI final degree < {} | ~{} bits conjectured security",
            self.blowup(),
            self.queries,
            self.grinding_bits,
            1u32 << self.fri_final_log,
            self.security_bits()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_reach_their_levels() {
        assert_eq!(ProofOptions::conjectured_100().security_bits(), 100);
        assert_eq!(ProofOptions::conjectured_128().security_bits(), 128);
        assert!(ProofOptions::conjectured_128().validate().is_ok());
        let bad = ProofOptions { queries: 0, ..ProofOptions::conjectured_100() };
        assert!(bad.validate().is_err());
    }
}
