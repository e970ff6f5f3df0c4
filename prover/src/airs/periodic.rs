//! Periodic-column AIR: one column `a` that restarts at 0 every 4 rows and adds the
//! periodic constant `k` (period 8: 1, 2, ..., 8) on each of the next three rows; on the
//! last row of every 4-row cycle `a` must equal the periodic column `total` (6 or 18).
//! It exercises periodic columns and the `Cycle`/`OffCycle` row sets of the engine.

use crate::air::{Air, Boundary, RowSet};
use crate::field::{fe, FE};

pub struct PeriodicAir {
    pub trace_length: usize,
    /// The expected sums per cycle, as a period-8 column (only rows 3 and 7 matter).
    pub totals: [u64; 2],
}

const CYCLE: usize = 4;

impl PeriodicAir {
    /// The honest trace for `n` rows (n a power of two, at least 8).
    pub fn generate(n: usize) -> (Self, Vec<Vec<FE>>) {
        let k = |r: usize| (r % 8) as u64 + 1;
        let a: Vec<FE> = (0..n).map(|r| fe((r - r % CYCLE..r).map(k).sum())).collect();
        (PeriodicAir { trace_length: n, totals: [1 + 2 + 3, 5 + 6 + 7] }, vec![a])
    }
}

impl Air for PeriodicAir {
    fn statement(&self) -> Vec<u8> {
        let mut s = b"periodic".to_vec();
        s.extend(self.totals.iter().flat_map(|t| t.to_be_bytes()));
        s
    }
    fn trace_length(&self) -> usize {
        self.trace_length
    }
    fn num_main(&self) -> usize {
        1
    }
    fn constraint_degree(&self) -> usize {
        1
    }
    fn periodic_columns(&self) -> Vec<Vec<FE>> {
        let k = (1..=8).map(fe).collect();
        let mut total = vec![FE::zero(); 8];
        total[3] = fe(self.totals[0]);
        total[7] = fe(self.totals[1]);
        vec![k, total]
    }
    fn transition_rows(&self) -> Vec<RowSet> {
        vec![
            RowSet::OffCycle { period: CYCLE, first: CYCLE - 1, count: 1 },
            RowSet::Cycle { period: CYCLE, first: 0, count: 1 },
            RowSet::Cycle { period: CYCLE, first: CYCLE - 1, count: 1 },
        ]
    }
    fn eval_transition(&self, cur: &[FE], next: &[FE], periodic: &[FE], _: &[FE], out: &mut [FE]) {
        out[0] = next[0] - cur[0] - periodic[0];
        out[1] = cur[0];
        out[2] = cur[0] - periodic[1];
    }
    fn boundaries(&self, _: &[FE]) -> Vec<Boundary> {
        Vec::new()
    }
}
