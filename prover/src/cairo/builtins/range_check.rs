//! The range_check builtin: an instance is one memory cell whose value is below 2^128.
//!
//! One instance per row. Block columns: the cell's address, the value's eight 16-bit parts
//! (value = sum part_k·2^16k), and `rcb_fill` spare parts. The address steps by 0 or 1
//! from `base` to `stop - 1`. The parts and spares go through a range-check argument of
//! their own, apart from the offsets' (sorted copy in the tail columns, running product in
//! the aux columns, bounds `rcb_min` and `rcb_max` in the public input), so a program
//! whose values are small does not pay for filling [0, 2^15) with spares.
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
/// Parts of a value (8 × 16 bits = 128 bits).
pub const PARTS: usize = 8;
/// Block columns: the address, then the parts, then the spare parts.
pub const ADDR: usize = 0;
pub const PART: usize = 1;

pub struct RangeCheck;

/// The argument over the parts and the spares (which follow them in the block).
fn argument(at: &Place) -> RangeArgument {
    let slots = PARTS + at.layout.rcb_fill;
    RangeArgument { values: at.block + PART, count: PARTS, spares: at.block + PART + PARTS, slots, sorted: at.tail, product: at.aux }
}

/// The value of a cell: sum part_k·2^16k.
fn value(parts: impl DoubleEndedIterator<Item = FE>) -> FE {
    let two16 = fe(1 << 16);
    parts.rev().fold(FE::zero(), |v, p| v * two16 + p)
}

impl Builtin for RangeCheck {
    fn name(&self) -> &'static str {
        NAME
    }
    fn cells(&self) -> usize {
        1
    }
    fn rows(&self) -> usize {
        1
    }
    fn columns(&self, l: &Layout) -> usize {
        1 + PARTS + l.rcb_fill
    }
    fn tail_columns(&self, l: &Layout) -> usize {
        PARTS + l.rcb_fill
    }
    fn aux_columns(&self, l: &Layout) -> usize {
        PARTS + l.rcb_fill
    }
    fn degree(&self) -> usize {
        2
    }

    fn transition_rows(&self, l: &Layout) -> Vec<RowSet> {
        // The address step looks at the next row.
        let mut v = vec![RowSet::AllBut(1)];
        v.extend(RangeArgument::transition_rows(PARTS + l.rcb_fill));
        v
    }

    fn eval(&self, at: &Place, c: &[FE], n: &[FE], _: &[FE], ch: &[FE], out: &mut [FE]) {
        // Addresses step by 0 or 1.
        let d = n[at.block + ADDR] - c[at.block + ADDR];
        out[0] = d * (d - FE::one());
        let k = 1 + argument(at).eval(c, n, &ch[CH_RC_Z], &mut out[1..]);
        debug_assert_eq!(k, out.len());
    }

    fn memory(&self, at: &Place, row: &[FE], out: &mut Vec<(FE, FE)>) {
        out.push((row[at.block + ADDR], value((0..PARTS).map(|k| row[at.block + PART + k]))));
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
            parts(&v).map(|p| (a, p)).ok_or_else(|| ProveError::Trace(format!("range_check value at {a} >= 2^128")))
        };
        let Some(cells) = f.tile(self, || (f.fresh, [0; PARTS]), read)? else { return Ok(None) };
        let values: Vec<u64> = cells.iter().flat_map(|(_, p)| p.iter().copied()).collect();
        let Some(parts) = RangeFill::new(&values, f.layout.rcb_fill, f.n) else { return Ok(None) };
        pi.rcb_min = parts.min as u16;
        pi.rcb_max = parts.max as u16;
        let mut columns = vec![cells.iter().map(|(a, _)| fe(*a)).collect::<Vec<FE>>()];
        columns.extend((0..PARTS).map(|k| cells.iter().map(|(_, p)| fe(p[k])).collect()));
        columns.extend(parts.spare_columns());
        Ok(Some(Part {
            cells: cells.iter().map(|(a, p)| vec![(*a, value(p.iter().map(|&x| fe(x))))]).collect(),
            columns,
            tail: parts.sorted_columns(),
        }))
    }

    #[cfg(feature = "prover")]
    fn build_aux(&self, at: &Place, main: &[Vec<FE>], ch: &[FE]) -> Vec<Vec<FE>> {
        argument(at).build_aux(main, &ch[CH_RC_Z])
    }
}

/// The 16-bit parts of a value below 2^128 (low part first).
#[cfg(feature = "prover")]
fn parts(v: &FE) -> Option<[u64; PARTS]> {
    let b = crate::field::fe_to_bytes(v);
    if b[..16].iter().any(|&c| c != 0) {
        return None;
    }
    let mut p = [0u64; PARTS];
    for (k, part) in p.iter_mut().enumerate() {
        let i = 32 - 2 * (k + 1);
        *part = u16::from_be_bytes([b[i], b[i + 1]]) as u64;
    }
    Some(p)
}
