//! Transcript steps shared by prover and verifier, so both derive the same challenges.

use crate::air::Air;
use crate::domain::Domain;
use crate::field::FE;
use crate::options::ProofOptions;
use crate::transcript::Transcript;

const PROTOCOL_TAG: &[u8] = b"kraken-stark-v1";

/// Binds protocol, options, trace size and the AIR's statement before anything else.
pub fn start<A: Air>(air: &A, options: &ProofOptions, log_n: u32) -> Transcript {
    let mut t = Transcript::new(PROTOCOL_TAG);
    t.append_bytes(&options.to_bytes());
    t.append_bytes(&log_n.to_be_bytes());
    t.append_bytes(&air.statement());
    t
}

/// `[1, x, x^2, ...]` (random linear combinations; soundness loss len/|F|, negligible).
pub fn powers(x: &FE, len: usize) -> Vec<FE> {
    let mut v = Vec::with_capacity(len);
    let mut p = FE::one();
    for _ in 0..len {
        v.push(p);
        p *= x;
    }
    v
}

/// Out-of-domain point: resampled until z, z·g and z^d are off the LDE coset and z is off
/// the trace domain, so no DEEP or zerofier denominator vanishes.
pub fn sample_z(t: &mut Transcript, d: &Domain, degree: usize) -> FE {
    loop {
        let z = t.challenge();
        let hm = d.h.pow(d.m as u64);
        let on_coset = |x: &FE| x.pow(d.m as u64) == hm;
        let zd = z.pow(degree as u64);
        if z.pow(d.n as u64) != FE::one() && !on_coset(&z) && !on_coset(&zd) && z != FE::zero() {
            return z;
        }
    }
}

pub fn query_indices(t: &mut Transcript, q: usize, bound: usize) -> Vec<usize> {
    (0..q).map(|_| t.challenge_index(bound)).collect()
}
