//! FRI folding, shared by prover and verifier.
//! Layer k lives on the coset `h^(2^k)·<w^(2^k)>`; positions j and j + size/2 hold f(x) and
//! f(-x), and fold to `(f(x)+f(-x))/2 + ζ·(f(x)-f(-x))/(2x)` at position j of layer k+1.

use crate::domain::Domain;
#[cfg(feature = "prover")]
use crate::field::batch_inverse;
use crate::field::FE;

/// Folds one pair given x (the point of the first element).
pub fn fold_pair(a: &FE, b: &FE, x_inv: &FE, zeta: &FE, two_inv: &FE) -> FE {
    ((a + b) + zeta * (a - b) * x_inv) * two_inv
}

pub fn two_inv() -> FE {
    FE::from(2u64).inv().unwrap_or_else(|_| FE::zero())
}

/// `offset · gen^i` for i in 0..len.
#[cfg(feature = "prover")]
pub fn coset_points(offset: &FE, gen: &FE, len: usize) -> Vec<FE> {
    let mut v = Vec::with_capacity(len);
    let mut x = *offset;
    for _ in 0..len {
        v.push(x);
        x *= gen;
    }
    v
}

/// Pairs folded per block (one batch inversion of their points each).
#[cfg(feature = "prover")]
const FOLD_BLOCK: usize = 1024;

/// Folds a whole layer k (prover side).
#[cfg(feature = "prover")]
pub fn fold_layer(f: &[FE], d: &Domain, k: u32, zeta: &FE) -> Vec<FE> {
    let half = f.len() / 2;
    let offset = d.h.pow(1u64 << k);
    let gen = d.w.pow(1u64 << k);
    let ti = two_inv();
    crate::par::map_chunks(half, FOLD_BLOCK, |r| {
        let mut xs = coset_points(&(offset * gen.pow(r.start as u64)), &gen, r.len());
        batch_inverse(&mut xs);
        r.zip(&xs).map(|(j, x_inv)| fold_pair(&f[j], &f[j + half], x_inv, zeta, &ti)).collect()
    })
}

/// The point at position `p` of layer `k`.
pub fn layer_point(d: &Domain, k: u32, p: usize) -> FE {
    d.h.pow(1u64 << k) * d.w.pow((p as u64) << k)
}

/// Evaluates the final-layer polynomial (coefficients, low to high) at x.
pub fn eval_poly(coeffs: &[FE], x: &FE) -> FE {
    coeffs.iter().rev().fold(FE::zero(), |acc, c| acc * x + c)
}
