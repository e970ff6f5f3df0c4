//! FFTs over the trace domain `<g>` with twiddles computed once per proof and shared by
//! every column. The low-degree extension is `blowup` FFTs of size n, one per coset
//! `h·w^k·<g>` of the LDE domain (`h·w^(k + blowup·j) = h·w^k·g^j`): fewer butterflies than
//! one FFT of size m, and each fits in a core's cache. Field arithmetic is exact, so the
//! values are those of any other evaluation method.

use crate::domain::Domain;
use crate::field::FE;

pub struct Fft {
    log_n: u32,
    blowup: usize,
    /// The powers of g, bit-reversed (the twiddles of the in-place DIT FFT), n/2 of them.
    twiddles: Vec<FE>,
    /// The same for g^-1 (interpolation).
    inv_twiddles: Vec<FE>,
    n_inv: FE,
    /// `(h·w^k)^i`: coset k's coefficient scaling, at `k·n + i`.
    shifts: Vec<FE>,
}

/// `i` with its low `bits` bits reversed.
fn bitrev(i: usize, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        i.reverse_bits() >> (usize::BITS - bits)
    }
}

/// `root^bitrev(i)` for i in 0..len (len a power of two).
fn bitrev_powers(root: &FE, len: usize) -> Vec<FE> {
    let powers = crate::fri::coset_points(&FE::one(), root, len);
    let bits = len.trailing_zeros();
    (0..len).map(|i| powers[bitrev(i, bits)]).collect()
}

/// In-place radix-2 DIT FFT, natural order in, bit-reversed order out.
fn fft_in_place(a: &mut [FE], twiddles: &[FE]) {
    let mut half = a.len() / 2;
    while half >= 1 {
        for (group, chunk) in a.chunks_exact_mut(2 * half).enumerate() {
            let (lo, hi) = chunk.split_at_mut(half);
            // The first group's twiddle is 1.
            if group == 0 {
                for (x, y) in lo.iter_mut().zip(hi) {
                    let t = *y;
                    *y = *x - t;
                    *x += t;
                }
            } else {
                let w = &twiddles[group];
                for (x, y) in lo.iter_mut().zip(hi) {
                    let t = w * *y;
                    *y = *x - t;
                    *x += t;
                }
            }
        }
        half /= 2;
    }
}

impl Fft {
    pub fn new(d: &Domain) -> Self {
        let g_inv = d.g.inv().unwrap_or_else(|_| FE::one());
        let mut shifts = Vec::with_capacity(d.m);
        let mut offset = d.h;
        for _ in 0..d.blowup {
            shifts.extend(crate::fri::coset_points(&FE::one(), &offset, d.n));
            offset *= d.w;
        }
        Fft {
            log_n: d.log_n,
            blowup: d.blowup,
            twiddles: bitrev_powers(&d.g, d.n / 2),
            inv_twiddles: bitrev_powers(&g_inv, d.n / 2),
            n_inv: FE::from(d.n as u64).inv().unwrap_or_else(|_| FE::zero()),
            shifts,
        }
    }

    /// The coefficients (low to high, n of them) of the polynomial of degree < n that takes
    /// `evals[j]` at `g^j`.
    pub fn interpolate(&self, evals: &[FE]) -> Vec<FE> {
        let mut a = evals.to_vec();
        fft_in_place(&mut a, &self.inv_twiddles);
        (0..a.len()).map(|i| self.n_inv * a[bitrev(i, self.log_n)]).collect()
    }

    /// The values of the polynomial with `coeffs` (at most n) at every LDE point `h·w^i`.
    pub fn extend(&self, coeffs: &[FE]) -> Vec<FE> {
        let n = 1usize << self.log_n;
        let mut out = vec![FE::zero(); n * self.blowup];
        let mut a = vec![FE::zero(); n];
        for k in 0..self.blowup {
            let shift = &self.shifts[k * n..(k + 1) * n];
            for ((x, c), s) in a.iter_mut().zip(coeffs).zip(shift) {
                *x = c * s;
            }
            a[coeffs.len().min(n)..].fill(FE::zero());
            fft_in_place(&mut a, &self.twiddles);
            for (j, v) in out[k..].iter_mut().step_by(self.blowup).enumerate() {
                *v = a[bitrev(j, self.log_n)];
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::fe;
    use lambdaworks_math::polynomial::Polynomial;

    #[test]
    fn matches_lambdaworks() {
        for (log_n, blowup_log) in [(1, 0), (1, 2), (4, 2), (6, 3)] {
            let d = Domain::new(log_n, blowup_log).unwrap();
            let f = Fft::new(&d);
            let evals: Vec<FE> = (0..d.n as u64).map(|i| fe(i * i + 7) * fe(3).pow(i)).collect();
            let coeffs = f.interpolate(&evals);
            let want = Polynomial::interpolate_fft::<crate::field::F>(&evals).unwrap();
            assert_eq!(Polynomial::new(&coeffs), want);
            let lde = Polynomial::evaluate_offset_fft::<crate::field::F>(&want, d.blowup, Some(d.n), &d.h).unwrap();
            assert_eq!(f.extend(&coeffs), lde);
            // Fewer coefficients than n (a composition part of lower degree).
            let short = &coeffs[..d.n / 2];
            let lde = Polynomial::evaluate_offset_fft::<crate::field::F>(&Polynomial::new(short), d.blowup, Some(d.n), &d.h)
                .unwrap();
            assert_eq!(f.extend(short), lde);
        }
    }
}
