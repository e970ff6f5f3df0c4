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
        &self.h * self.w.pow(i as u64)
    }

    /// The polynomial vanishing exactly on the rows of `rows`:
    /// `(x^n - 1) / prod_{j=1..=e} (x - g^{n-j})` for `AllBut(e)`, `x - g^r` for `Only(r)`.
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
        }
    }
}
