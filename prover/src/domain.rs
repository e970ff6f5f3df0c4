//! Trace domain `<g>` (size n) and the LDE coset `h·<w>` (size m = n·blowup), `g = w^blowup`.

use crate::air::RowSet;
use crate::field::{coset_offset, root_of_unity, FE};

#[derive(Clone, Debug)]
pub struct Domain {
    pub log_n: u32,
    pub n: usize,
    pub blowup: usize,
    pub log_m: u32,
    pub m: usize,
    pub g: FE,
    pub w: FE,
    pub h: FE,
}

impl Domain {
    /// None if the sizes are out of range (keeps hostile proofs from asking for huge domains).
    pub fn new(log_n: u32, blowup_log: u32) -> Option<Self> {
        if !(1..=28).contains(&log_n) || blowup_log > 6 {
            return None;
        }
        let log_m = log_n + blowup_log;
        let w = root_of_unity(log_m)?;
        let g = w.pow(1u64 << blowup_log);
        Some(Domain {
            log_n,
            n: 1 << log_n,
            blowup: 1 << blowup_log,
            log_m,
            m: 1 << log_m,
            g,
            w,
            h: coset_offset(),
        })
    }

    /// The i-th point of the LDE coset.
    pub fn lde_point(&self, i: usize) -> FE {
        self.h * self.w.pow(i as u64)
    }

    /// The polynomial vanishing exactly on the rows of `rows`:
    /// `(x^n - 1) / prod_{j=1..=e} (x - g^{n-j})` for `AllBut(e)`, `x - g^r` for `Only(r)`,
    /// [`Domain::cycle_zerofier`] for `Cycle` and `(x^n - 1)` divided by it for `OffCycle`.
    pub fn zerofier(&self, x: &FE, rows: RowSet) -> FE {
        match rows {
            RowSet::AllBut(e) => {
                let mut den = FE::one();
                for j in 1..=e.min(self.n) {
                    den *= x - self.g.pow((self.n - j) as u64);
                }
                (x.pow(self.n as u64) - FE::one()) * den.inv().unwrap_or_else(|_| FE::zero())
            }
            RowSet::Only(r) => x - self.g.pow(r as u64),
            RowSet::Cycle { period, first, count } => {
                self.cycle_zerofier(&x.pow((self.n / period) as u64), period, first, count)
            }
            RowSet::OffCycle { period, first, count } => {
                let c = self.cycle_zerofier(&x.pow((self.n / period) as u64), period, first, count);
                (x.pow(self.n as u64) - FE::one()) * c.inv().unwrap_or_else(|_| FE::zero())
            }
        }
    }

    /// `prod_{o in first..first+count} (y - g^(o·n/period))` at `y = x^(n/period)`: zero
    /// exactly on the rows `r` with `r mod period` in `first..first+count`.
    pub fn cycle_zerofier(&self, y: &FE, period: usize, first: usize, count: usize) -> FE {
        let step = self.g.pow((self.n / period) as u64);
        let mut root = step.pow(first as u64);
        let mut acc = FE::one();
        for _ in 0..count {
            acc *= y - root;
            root *= step;
        }
        acc
    }

    /// A periodic column's value at `x`: the polynomial `p` of degree `< period` with
    /// `p(g^(r·n/period)) = values[r]`, at `x^(n/period)`. Barycentric formula over the
    /// `period`-th roots of unity; `x` must be off the trace domain.
    pub fn periodic_at(&self, values: &[FE], x: &FE) -> FE {
        let period = values.len();
        let y = x.pow((self.n / period) as u64);
        let step = self.g.pow((self.n / period) as u64);
        let mut roots = Vec::with_capacity(period);
        let mut dens = Vec::with_capacity(period);
        let mut root = FE::one();
        for _ in 0..period {
            dens.push(y - root);
            roots.push(root);
            root *= step;
        }
        crate::field::batch_inverse(&mut dens);
        let mut sum = FE::zero();
        for ((v, w), d) in values.iter().zip(&roots).zip(&dens) {
            sum += v * w * d;
        }
        let scale = (y.pow(period as u64) - FE::one()) * FE::from(period as u64).inv().unwrap_or_else(|_| FE::zero());
        sum * scale
    }
}
