//! The bitwise builtin: an instance is five memory cells x, y, x&y, x^y, x|y, with x and y
//! below 2^251.
//!
//! One instance per block of [`ROWS`] = 16 rows, [`BITS`] = 16 bits of x and of y per row
//! (high chunk first), so 256 bit positions per instance of which the top 5 must be zero.
//! Block columns: `ia` (instance address), `cnt` (row in block, 0..15), `s` (1 on the
//! block's last row), `inv` (witness that `s = [cnt == 15]`), the accumulators of x, y and
//! x&y, the instance values X, Y, A (constant over the block), then 16 bits of x and 16
//! bits of y. Every row accesses the instance's five cells (`ia + j`, value X, Y, A,
//! X + Y - 2A or X + Y - A).

use super::{instance_bounds, Builtin};
use crate::air::{Boundary, RowSet};
use crate::cairo::layout::{Layout, Place};
use crate::cairo::public_input::{CairoPublicInput, Segment};
use crate::field::{fe, FE};
#[cfg(feature = "prover")]
use super::{Fill, Part};
#[cfg(feature = "prover")]
use crate::error::ProveError;

pub const NAME: &str = "bitwise";
/// Rows per instance.
pub const ROWS: usize = 16;
/// Bits of x (and of y) decomposed per row; `ROWS * BITS = 256`.
pub const BITS: usize = 16;
/// Inputs are below 2^TOTAL_BITS (cairo-vm's `TOTAL_N_BITS`).
pub const TOTAL_BITS: usize = 251;
/// Memory cells per instance: x, y, x&y, x^y, x|y.
pub const CELLS: usize = 5;
/// Block columns.
pub const IA: usize = 0;
pub const CNT: usize = 1;
pub const S: usize = 2;
pub const INV: usize = 3;
/// Accumulators of x, y, x&y (3 columns).
pub const ACC: usize = 4;
/// Instance values X, Y, A = x&y (3 columns).
pub const VAL: usize = 7;
/// Bits of x (BITS columns), then bits of y (BITS columns); bit j has weight 2^j.
pub const XBITS: usize = 10;
pub const YBITS: usize = XBITS + BITS;
pub const COLUMNS: usize = YBITS + BITS;

/// Bits of the top chunk (block row 0) that must be zero: positions >= 251.
const TOP_ZERO: std::ops::Range<usize> = (TOTAL_BITS - (ROWS - 1) * BITS)..BITS;
/// Number of constraints (see `eval`).
const CONSTRAINTS: usize = 2 * BITS + 3 + 3 + 2 * (BITS - (TOTAL_BITS - (ROWS - 1) * BITS)) + 3 + 3 + 1;

pub struct Bitwise;

impl Builtin for Bitwise {
    fn name(&self) -> &'static str {
        NAME
    }
    fn cells(&self) -> usize {
        CELLS
    }
    fn rows(&self) -> usize {
        ROWS
    }
    fn columns(&self, _: &Layout) -> usize {
        COLUMNS
    }
    fn degree(&self) -> usize {
        2
    }

    fn transition_rows(&self, _: &Layout) -> Vec<RowSet> {
        // Every constraint wraps around (the trace ends on a block's last row) except the
        // instance-address step, which must not wrap back to the base.
        let mut v = vec![RowSet::AllBut(0); CONSTRAINTS - 1];
        v.push(RowSet::AllBut(1));
        v
    }

    fn eval(&self, at: &Place, c: &[FE], n: &[FE], _: &[FE], _: &[FE], out: &mut [FE]) {
        let one = FE::one();
        let col = |row: &[FE], k: usize| row[at.block + k];
        let (s, cnt) = (col(c, S), col(c, CNT));
        let not_s = one - s;
        let last = fe((ROWS - 1) as u64);
        let mut k = 0;
        // Bits are bits.
        for j in 0..2 * BITS {
            let b = col(c, XBITS + j);
            out[k] = b * (b - one);
            k += 1;
        }
        // Block structure: cnt counts 0..15 and wraps; s = [cnt == 15], witnessed by inv.
        out[k] = col(n, CNT) - (cnt + one) * not_s;
        out[k + 1] = s * (cnt - last);
        out[k + 2] = (cnt - last) * col(c, INV) - not_s;
        k += 3;
        // Accumulators (high chunk first), restarted on a block's first row.
        let (mut cx, mut cy, mut ca) = (FE::zero(), FE::zero(), FE::zero());
        for j in (0..BITS).rev() {
            let (bx, by) = (col(n, XBITS + j), col(n, YBITS + j));
            ca = ca.double() + bx * by;
            cx = cx.double() + bx;
            cy = cy.double() + by;
        }
        let carry = not_s * fe(1 << 16);
        for (i, chunk) in [cx, cy, ca].into_iter().enumerate() {
            out[k + i] = col(n, ACC + i) - carry * col(c, ACC + i) - chunk;
        }
        k += 3;
        // The top chunk's bits at positions >= 251 are zero, so x, y < 2^251.
        for j in TOP_ZERO {
            out[k] = s * col(n, XBITS + j);
            out[k + 1] = s * col(n, YBITS + j);
            k += 2;
        }
        // X, Y, A are constant over the block and equal the accumulators on its last row.
        for i in 0..3 {
            out[k + i] = not_s * (col(n, VAL + i) - col(c, VAL + i));
            out[k + 3 + i] = s * (col(c, ACC + i) - col(c, VAL + i));
        }
        k += 6;
        // The instance address is constant over the block and steps by 0 or 5 between blocks.
        let d = col(n, IA) - col(c, IA);
        out[k] = d * (d - fe(CELLS as u64) * s);
        k += 1;
        debug_assert_eq!(k, CONSTRAINTS);
    }

    fn memory(&self, at: &Place, row: &[FE], out: &mut Vec<(FE, FE)>) {
        let c = |k: usize| &row[at.block + k];
        let (x, y, a) = (c(VAL), c(VAL + 1), c(VAL + 2));
        let values = [*x, *y, *a, x + y - a.double(), x + y - a];
        out.extend(values.into_iter().enumerate().map(|(j, v)| (c(IA) + fe(j as u64), v)));
    }

    fn boundaries(&self, at: &Place, _: &CairoPublicInput, segment: Option<Segment>, last: usize) -> Vec<Boundary> {
        // Row 0 starts a block; with n a multiple of ROWS the blocks tile the trace.
        let mut b = vec![Boundary { col: at.block + CNT, row: 0, value: FE::zero() }];
        b.extend(instance_bounds(at.block + IA, CELLS, segment, last));
        b
    }

    #[cfg(feature = "prover")]
    fn fill(&self, f: &Fill, _: &mut CairoPublicInput) -> Result<Option<Part>, ProveError> {
        // A program that declares bitwise but never uses it gets one all-zero dummy
        // instance past every cell accessed so far (the AIR leaves its address free).
        let z = FE::zero();
        let dummy = || Instance { ia: f.max_addr + 1, x: [0; 32], y: [0; 32], xv: z, yv: z, and: z };
        let Some(blocks) = f.tile(self, dummy, |ia| Instance::read(f, ia))? else { return Ok(None) };
        Ok(Some(Part {
            accesses: super::every_row_accesses(blocks.iter().map(Instance::cells), ROWS),
            columns: columns(&blocks, f.n),
            tail: Vec::new(),
        }))
    }
}

/// One instance as the trace holds it: address, x and y (big-endian bytes, below 2^251)
/// and the value of its x&y cell.
#[cfg(feature = "prover")]
#[derive(Clone)]
struct Instance {
    ia: u64,
    /// The bits the trace decomposes (normally the canonical bytes of `xv` and `yv`).
    x: [u8; 32],
    y: [u8; 32],
    xv: FE,
    yv: FE,
    and: FE,
}

// Test-only forging: the address of an instance whose x is decomposed as the 256-bit
// integer x + p (a non-canonical decomposition that the top-bits constraint must reject).
#[cfg(test)]
thread_local! {
    pub(crate) static FORGE_NONCANONICAL_X: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

#[cfg(feature = "prover")]
impl Instance {
    fn read(f: &Fill, ia: u64) -> Result<Self, ProveError> {
        let bytes = |a: u64| -> Result<[u8; 32], ProveError> {
            let b = crate::field::fe_to_bytes(&f.get(a).unwrap_or_else(FE::zero));
            // Below 2^251: the top five bits of the 256-bit big-endian value are zero.
            if b[0] >> (TOTAL_BITS - 248) != 0 {
                return Err(ProveError::Trace(format!("bitwise input at {a} >= 2^{TOTAL_BITS}")));
            }
            Ok(b)
        };
        #[allow(unused_mut)]
        let (mut x, y) = (bytes(ia)?, bytes(ia + 1)?);
        let (xv, yv) = (Self::value(&x), Self::value(&y));
        // The x&y cell as memory holds it (cairo-vm deduced it; the AIR checks it).
        let and = match f.get(ia + 2) {
            Some(v) => v,
            None => Self::value(&std::array::from_fn(|i| x[i] & y[i])),
        };
        #[cfg(test)]
        if FORGE_NONCANONICAL_X.with(|c| c.get()) == Some(ia) {
            x = super::add_modulus(&x);
        }
        Ok(Instance { ia, x, y, xv, yv, and })
    }
    fn value(b: &[u8; 32]) -> FE {
        crate::field::fe_from_bytes(b).unwrap_or_else(FE::zero)
    }
    /// The five memory cells (x, y, x&y, x^y, x|y) as the AIR derives them.
    fn cells(&self) -> [(u64, FE); CELLS] {
        let (x, y, a) = (self.xv, self.yv, self.and);
        let xor = x + y - a.double();
        let or = x + y - a;
        [(self.ia, x), (self.ia + 1, y), (self.ia + 2, a), (self.ia + 3, xor), (self.ia + 4, or)]
    }
    /// Chunk r (0 = high) of 16 bits of x or y.
    fn chunk(b: &[u8; 32], r: usize) -> u64 {
        u16::from_be_bytes([b[2 * r], b[2 * r + 1]]) as u64
    }
}

/// The block columns (`COLUMNS` of them, `n` rows) for one instance per block.
#[cfg(feature = "prover")]
fn columns(blocks: &[Instance], n: usize) -> Vec<Vec<FE>> {
    let mut cols: Vec<Vec<FE>> = (0..COLUMNS).map(|_| Vec::with_capacity(n)).collect();
    let last = fe((ROWS - 1) as u64);
    let inv: Vec<FE> = (0..ROWS).map(|r| (fe(r as u64) - last).inv().unwrap_or_else(|_| FE::zero())).collect();
    let two16 = fe(1 << 16);
    for i in 0..n {
        let (b, r) = (&blocks[i / ROWS], i % ROWS);
        let (cx, cy) = (Instance::chunk(&b.x, r), Instance::chunk(&b.y, r));
        cols[IA].push(fe(b.ia));
        cols[CNT].push(fe(r as u64));
        cols[S].push(if r == ROWS - 1 { FE::one() } else { FE::zero() });
        cols[INV].push(inv[r]);
        for (k, chunk) in [cx, cy, cx & cy].into_iter().enumerate() {
            let acc = if r == 0 { FE::zero() } else { cols[ACC + k][i - 1] * two16 };
            cols[ACC + k].push(acc + fe(chunk));
        }
        cols[VAL].push(b.xv);
        cols[VAL + 1].push(b.yv);
        cols[VAL + 2].push(b.and);
        for j in 0..BITS {
            cols[XBITS + j].push(fe((cx >> j) & 1));
            cols[YBITS + j].push(fe((cy >> j) & 1));
        }
    }
    cols
}
