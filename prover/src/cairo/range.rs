//! A range-check argument: value columns, their sorted copy, which steps by 0 or 1 (so it
//! covers a range without gaps) from a public minimum to a public maximum, and a running
//! product that proves the sorted copy is a permutation of the values. The AIR has one over
//! the instruction offsets; the range_check builtin has one over its 16-bit parts. Spare
//! value slots fill the holes of the range.

use crate::air::{Boundary, RowSet};
use crate::field::{fe, FE};

/// The columns of one argument (indices into a row of main then aux columns).
#[derive(Clone, Copy, Debug)]
pub struct RangeArgument {
    /// The first of `count` consecutive value columns.
    pub values: usize,
    pub count: usize,
    /// The first of the consecutive spare columns, which follow the values as slots.
    pub spares: usize,
    /// Value and spare slots per row.
    pub slots: usize,
    /// The first of `slots` sorted columns.
    pub sorted: usize,
    /// The first of `slots` running-product (aux) columns.
    pub product: usize,
}

impl RangeArgument {
    /// The column of unsorted slot `s`.
    fn value(&self, s: usize) -> usize {
        if s < self.count {
            self.values + s
        } else {
            self.spares + s - self.count
        }
    }

    /// Where each constraint of `eval` holds, in its order, for `slots` slots a row.
    pub fn transition_rows(slots: usize) -> Vec<RowSet> {
        let within = std::iter::repeat_n(RowSet::AllBut(0), slots - 1);
        let mut v: Vec<RowSet> = within.clone().collect();
        v.push(RowSet::AllBut(1));
        v.extend(within);
        v.extend([RowSet::AllBut(1), RowSet::Only(0)]);
        v
    }

    /// The sorted values step by 0 or 1 (within a row, then into the next), and the running
    /// product q_s = q_(s-1) · (z - value_s) / (z - sorted_s) (within a row, into the next,
    /// first link). Returns the number of constraints written.
    pub fn eval(&self, c: &[FE], n: &[FE], z: &FE, out: &mut [FE]) -> usize {
        let (one, sorted, prod, slots) = (FE::one(), self.sorted, self.product, self.slots);
        let mut k = 0;
        for s in 0..slots - 1 {
            let d = c[sorted + s + 1] - c[sorted + s];
            out[k] = d * (d - one);
            k += 1;
        }
        let d = n[sorted] - c[sorted + slots - 1];
        out[k] = d * (d - one);
        k += 1;
        for s in 1..slots {
            out[k] = c[prod + s] * (z - c[sorted + s]) - c[prod + s - 1] * (z - c[self.value(s)]);
            k += 1;
        }
        out[k] = n[prod] * (z - n[sorted]) - c[prod + slots - 1] * (z - n[self.value(0)]);
        out[k + 1] = c[prod] * (z - c[sorted]) - (z - c[self.value(0)]);
        k + 2
    }

    /// The product ends at 1 (a permutation); the sorted copy starts at `min` and ends at `max`.
    pub fn boundaries(&self, min: u16, max: u16, last: usize) -> [Boundary; 3] {
        let slots = self.slots;
        [
            Boundary { col: self.product + slots - 1, row: last, value: FE::one() },
            Boundary { col: self.sorted, row: 0, value: fe(min as u64) },
            Boundary { col: self.sorted + slots - 1, row: last, value: fe(max as u64) },
        ]
    }

    /// The running-product columns.
    #[cfg(feature = "prover")]
    pub fn build_aux(&self, main: &[Vec<FE>], z: &FE) -> Vec<Vec<FE>> {
        let n = main[0].len();
        let slots: Vec<(&[FE], &[FE])> = (0..self.slots).map(|s| (&main[self.value(s)][..], &main[self.sorted + s][..])).collect();
        let (mut num, mut den) = (Vec::with_capacity(n * self.slots), Vec::with_capacity(n * self.slots));
        for i in 0..n {
            for (value, sorted) in &slots {
                num.push(z - value[i]);
                den.push(z - sorted[i]);
            }
        }
        super::trace::running_products(&num, den, self.slots)
    }
}

/// An argument's values laid over the trace: the bounds, the spares and the sorted copy.
#[cfg(feature = "prover")]
pub struct RangeFill {
    pub min: u64,
    pub max: u64,
    spares: Vec<u64>,
    spares_per_row: usize,
    sorted: Vec<u64>,
    slots: usize,
}

#[cfg(feature = "prover")]
impl RangeFill {
    /// `values`, row by row over `n` rows, and `spares_per_row` spare slots a row that hold
    /// the holes between the smallest and the largest value, then the smallest. None if
    /// the holes do not fit.
    pub fn new(values: &[u64], spares_per_row: usize, n: usize) -> Option<Self> {
        let (min, max, holes) = range_and_holes(values);
        if holes.len() > n * spares_per_row {
            return None;
        }
        let mut spares = holes;
        spares.resize(n * spares_per_row, min);
        let mut sorted = values.to_vec();
        sorted.extend_from_slice(&spares);
        sorted.sort_unstable();
        Some(RangeFill { min, max, spares, spares_per_row, sorted, slots: values.len() / n + spares_per_row })
    }

    pub fn spare_columns(&self) -> Vec<Vec<FE>> {
        columns(&self.spares, self.spares_per_row)
    }

    pub fn sorted_columns(&self) -> Vec<Vec<FE>> {
        columns(&self.sorted, self.slots)
    }
}

/// Row-major values, `width` a row, as columns.
#[cfg(feature = "prover")]
fn columns(values: &[u64], width: usize) -> Vec<Vec<FE>> {
    (0..width).map(|k| values[k..].iter().step_by(width).map(|&v| fe(v)).collect()).collect()
}

/// min, max and the missing values in between.
#[cfg(feature = "prover")]
fn range_and_holes(vals: &[u64]) -> (u64, u64, Vec<u64>) {
    if vals.is_empty() {
        return (0, 0, Vec::new());
    }
    let min = *vals.iter().min().unwrap_or(&0);
    let max = *vals.iter().max().unwrap_or(&0);
    let mut seen = vec![false; (max - min + 1) as usize];
    for v in vals {
        seen[(v - min) as usize] = true;
    }
    let holes = (0..seen.len()).filter(|&i| !seen[i]).map(|i| min + i as u64).collect();
    (min, max, holes)
}
