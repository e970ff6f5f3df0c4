//! The range_check builtin: an instance is one memory cell whose value is below 2^128.
//!
//! One instance takes [`ROWS`] = 8 rows, one 16-bit part of the value a row (low part
//! first). Block columns: the cell's address and value (constant over the block, accessed
//! on every row), the running sum of the parts so far (`acc`, which ends at the value on
//! the last row), the row's part, and `rcb_fill` spare parts. The address steps by 0 or 1
//! between blocks, from `base` to `stop - 1`. The parts and spares go through a
//! range-check argument of their own, apart from the offsets' (sorted copy in the tail
//! columns, running product in the aux columns, bounds `rcb_min` and `rcb_max` in the
//! public input), so a program whose values are small does not pay for filling [0, 2^15)
//! with spares. A part a row rather than eight keeps the builtin 7 + 3·`rcb_fill`
//! columns wide instead of 25 + 3·`rcb_fill`: programs check far fewer values than they
//! run steps.
//!
//! A program that declares range_check but uses no instance (`stop = base`) gets dummy
//! cells (value 0) at a fresh address, and the address is not pinned: the empty segment's
//! base is the next segment's first cell, which may hold any value.

use super::{instance_bounds, Builtin};
use crate::air::{Boundary, RowSet};
use crate::cairo::air::CH_RC_Z;
use crate::cairo::layout::{Layout, Place};
use crate::cairo::public_input::{CairoPublicInput, Segment};
use crate::cairo::range::RangeArgument;
use crate::field::{fe, FE};
#[cfg(feature = "prover")]
use super::{Fill, Part};
#[cfg(feature = "prover")]
use crate::cairo::range::RangeFill;
#[cfg(feature = "prover")]
use crate::error::ProveError;

pub const NAME: &str = "range_check";
/// Rows per instance: one 16-bit part each (8 × 16 bits = 128 bits).
pub const ROWS: usize = 8;
/// Block columns: the address, the value, the running sum, the part, then the spares.
pub const ADDR: usize = 0;
pub const VALUE: usize = 1;
pub const ACC: usize = 2;
pub const PART: usize = 3;

/// Periodic columns: the weight of the next row's part, and the last-row flag.
const PER_WEIGHT: usize = 0;
const PER_LAST: usize = 1;

pub struct RangeCheck;

/// The argument over the parts and the spares (which follow them in the block).
fn argument(at: &Place) -> RangeArgument {
    let slots = 1 + at.layout.rcb_fill;
    RangeArgument { values: at.block + PART, count: 1, spares: at.block + PART + 1, slots, sorted: at.tail, product: at.aux }
}

impl Builtin for RangeCheck {
    fn name(&self) -> &'static str {
        NAME
    }
    fn cells(&self) -> usize {
        1
    }
    fn rows(&self) -> usize {
        ROWS
    }
    fn columns(&self, l: &Layout) -> usize {
        PART + 1 + l.rcb_fill
    }
    fn tail_columns(&self, l: &Layout) -> usize {
        1 + l.rcb_fill
    }
    fn aux_columns(&self, l: &Layout) -> usize {
        1 + l.rcb_fill
    }
    fn degree(&self) -> usize {
        2
    }

    fn periodic_columns(&self) -> Vec<Vec<FE>> {
        let weight = (0..ROWS).map(|k| if k + 1 < ROWS { fe(1 << 16).pow(k as u64 + 1) } else { FE::zero() }).collect();
        let last = (0..ROWS).map(|k| fe((k + 1 == ROWS) as u64)).collect();
        vec![weight, last]
    }

    fn transition_rows(&self, l: &Layout) -> Vec<RowSet> {
        let within = RowSet::Cycle { period: ROWS, first: 0, count: ROWS - 1 };
        let row = |k: usize| RowSet::Cycle { period: ROWS, first: k, count: 1 };
        // The address step looks at the next row, which the trace's last row lacks.
        let mut v = vec![RowSet::AllBut(1), within, row(0), within, row(ROWS - 1)];
        v.extend(RangeArgument::transition_rows(1 + l.rcb_fill));
        v
    }

    fn eval(&self, at: &Place, c: &[FE], n: &[FE], per: &[FE], ch: &[FE], out: &mut [FE]) {
        let col = |row: &[FE], j: usize| row[at.block + j];
        // Addresses stay within a block and step by 0 or 1 after its last row.
        let d = col(n, ADDR) - col(c, ADDR);
        out[0] = d * (d - per[PER_LAST]);
        // The value is constant over the block and is the sum of its parts times 2^16k.
        out[1] = col(n, VALUE) - col(c, VALUE);
        out[2] = col(c, ACC) - col(c, PART);
        out[3] = col(n, ACC) - col(c, ACC) - per[PER_WEIGHT] * col(n, PART);
        out[4] = col(c, ACC) - col(c, VALUE);
        let k = 5 + argument(at).eval(c, n, &ch[CH_RC_Z], &mut out[5..]);
        debug_assert_eq!(k, out.len());
    }

    fn memory(&self, at: &Place, row: &[FE], out: &mut Vec<(FE, FE)>) {
        out.push((row[at.block + ADDR], row[at.block + VALUE]));
    }

    fn boundaries(&self, at: &Place, pi: &CairoPublicInput, segment: Option<Segment>, last: usize) -> Vec<Boundary> {
        if segment.is_none() {
            return Vec::new();
        }
        // The cells are [base, stop). Without instances the column holds dummies (extra
        // accesses only constrain the prover), so its address is free.
        let mut b = instance_bounds(at.block + ADDR, 1, segment, last);
        b.extend(argument(at).boundaries(pi.rcb_min, pi.rcb_max, last));
        b
    }

    #[cfg(feature = "prover")]
    fn fill(&self, f: &Fill, pi: &mut CairoPublicInput) -> Result<Option<Part>, ProveError> {
        // A dummy sits at the fresh address: the cell at `base` may belong to the next
        // segment and hold any value.
        let read = |a: u64| {
            let v = f.get(a).unwrap_or_else(FE::zero);
            parts(&v).map(|p| (a, v, p)).ok_or_else(|| ProveError::Trace(format!("range_check value at {a} >= 2^128")))
        };
        let Some(blocks) = f.tile(self, || (f.fresh, FE::zero(), [0; ROWS]), read)? else { return Ok(None) };
        let values: Vec<u64> = blocks.iter().flat_map(|(_, _, p)| p.iter().copied()).collect();
        let Some(spares) = RangeFill::new(&values, f.layout.rcb_fill, f.n) else { return Ok(None) };
        pi.rcb_min = spares.min as u16;
        pi.rcb_max = spares.max as u16;
        let mut columns: Vec<Vec<FE>> = (0..=PART).map(|_| Vec::with_capacity(f.n)).collect();
        let mut accesses = Vec::with_capacity(f.n);
        for (a, v, p) in &blocks {
            let mut acc = FE::zero();
            for (k, &part) in p.iter().enumerate() {
                acc += fe(part) * fe(1 << 16).pow(k as u64);
                columns[ADDR].push(fe(*a));
                columns[VALUE].push(*v);
                columns[ACC].push(acc);
                columns[PART].push(fe(part));
                accesses.push((*a, *v));
            }
        }
        columns.extend(spares.spare_columns());
        Ok(Some(Part { accesses, columns, tail: spares.sorted_columns() }))
    }

    #[cfg(feature = "prover")]
    fn build_aux(&self, at: &Place, main: &[Vec<FE>], ch: &[FE]) -> Vec<Vec<FE>> {
        argument(at).build_aux(main, &ch[CH_RC_Z])
    }
}

/// The 16-bit parts of a value below 2^128 (low part first).
#[cfg(feature = "prover")]
fn parts(v: &FE) -> Option<[u64; ROWS]> {
    let b = crate::field::fe_to_bytes(v);
    if b[..16].iter().any(|&c| c != 0) {
        return None;
    }
    let mut p = [0u64; ROWS];
    for (k, part) in p.iter_mut().enumerate() {
        let i = 32 - 2 * (k + 1);
        *part = u16::from_be_bytes([b[i], b[i + 1]]) as u64;
    }
    Some(p)
}
