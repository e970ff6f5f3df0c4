//! The Hades permutation of Starknet's Poseidon (Stark252, state of 3, 8 full and 83 partial
//! rounds, S-box x^3), as cairo-vm's poseidon builtin computes it, written so the AIR and
//! the trace builder share one definition: the caller supplies each S-box output.
//!
//! Round constants and the MDS mix come from lambdaworks' `PoseidonCairoStark252` (the
//! optimized constants: partial rounds add a constant to s2 only, like starknet-crypto's
//! `poseidon_permute_comp`).

use super::layout::{PS_CUBES, PS_FULL_ROUNDS, PS_PARTIAL_ROUNDS};
use crate::field::FE;
use lambdaworks_crypto::hash::poseidon::parameters::PermutationParameters;
use lambdaworks_crypto::hash::poseidon::starknet::PoseidonCairoStark252 as P;

/// Runs the permutation on `input`. The k-th S-box (k < `PS_CUBES`, in round order: three
/// per full round, one per partial round) gets its input `pre` and `sbox(k, pre)` decides
/// what it outputs (the honest value is `pre^3`). Returns the output state.
pub fn hades(input: &[FE; 3], mut sbox: impl FnMut(usize, &FE) -> FE) -> [FE; 3] {
    let rc = <P as PermutationParameters>::ROUND_CONSTANTS;
    let half = PS_FULL_ROUNDS / 2;
    let mut s = *input;
    let (mut k, mut c) = (0usize, 0usize);
    for round in 0..PS_FULL_ROUNDS + PS_PARTIAL_ROUNDS {
        if round < half || round >= half + PS_PARTIAL_ROUNDS {
            for (i, v) in s.iter_mut().enumerate() {
                let pre = *v + rc[c + i];
                *v = sbox(k, &pre);
                k += 1;
            }
            c += 3;
        } else {
            let pre = s[2] + rc[c];
            s[2] = sbox(k, &pre);
            k += 1;
            c += 1;
        }
        <P as PermutationParameters>::mix(&mut s);
    }
    debug_assert_eq!((k, c), (PS_CUBES, rc.len()));
    s
}

/// The honest permutation, with its S-box outputs (the trace's cube columns).
pub fn hades_with_cubes(input: &[FE; 3]) -> ([FE; 3], Vec<FE>) {
    let mut cubes = Vec::with_capacity(PS_CUBES);
    let out = hades(input, |_, pre| {
        let c = pre.square() * pre;
        cubes.push(c);
        c
    });
    (out, cubes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::fe;
    use lambdaworks_crypto::hash::poseidon::Poseidon;

    #[test]
    fn matches_lambdaworks_hades() {
        for input in [[fe(0), fe(0), fe(0)], [fe(1), fe(2), fe(3)], [FE::zero() - fe(1), fe(7), fe(1 << 40)]] {
            let mut want = input.to_vec();
            P::hades_permutation(&mut want);
            let (out, cubes) = hades_with_cubes(&input);
            assert_eq!(out.to_vec(), want);
            assert_eq!(cubes.len(), PS_CUBES);
        }
    }
}
