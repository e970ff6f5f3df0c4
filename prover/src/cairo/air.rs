//! The Cairo AIR: CPU constraints of the Cairo whitepaper (§9), the memory argument
//! (continuous, single-valued, with public memory), the range check of the offsets, and
//! the output, pedersen, range_check, bitwise and poseidon builtins.

use super::instruction::*;
use super::layout::*;
use super::public_input::CairoPublicInput;
use crate::air::{Air, Boundary, RowSet};
use crate::field::{fe, FE};

pub struct CairoAir {
    pub pi: CairoPublicInput,
    pub trace_length: usize,
    /// Layout copy (also inside `pi`).
    l: Layout,
    /// `sum_i 2^i f_i` weights and constants, precomputed.
    two16: FE,
    two32: FE,
    two48: FE,
    bias: FE,
}

/// Challenges: memory (z, alpha), range check (z).
const CH_MEM_Z: usize = 0;
const CH_MEM_A: usize = 1;
const CH_RC_Z: usize = 2;

impl CairoAir {
    pub fn new(pi: CairoPublicInput, trace_length: usize) -> Self {
        let l = pi.layout;
        CairoAir { pi, trace_length, l, two16: fe(1 << 16), two32: fe(1 << 32), two48: fe(1 << 48), bias: fe(OFFSET_BIAS) }
    }

    /// Value of the builtin memory slot: sum_k part_k · 2^(16k).
    fn rcb_value(&self, row: &[FE]) -> FE {
        let mut v = FE::zero();
        for k in (0..RC_PARTS).rev() {
            v = v * self.two16 + row[self.l.rcb_part(k)];
        }
        v
    }

    /// Pedersen cell j's value on a row: X, Y or H.
    fn pd_value(&self, row: &[FE], j: usize) -> FE {
        row[self.l.pd_col(PD_VAL + j)]
    }

    /// The poseidon instance's output on a row, from its inputs and committed cubes.
    fn ps_output(&self, row: &[FE]) -> [FE; 3] {
        let c = |k: usize| row[self.l.ps_col(k)];
        let input = [c(PS_IN), c(PS_IN + 1), c(PS_IN + 2)];
        super::poseidon::hades(&input, |k, _| c(PS_CUBE + k))
    }

    /// Every unsorted memory slot of a row as (address, value).
    pub fn mem_pairs(&self, row: &[FE]) -> Vec<(FE, FE)> {
        let out = if self.l.poseidon { Some(self.ps_output(row)) } else { None };
        (0..self.l.mem_slots()).map(|s| self.mem_pair_with(row, s, out.as_ref())).collect()
    }

    /// Unsorted memory slot s of a row as (address, value).
    pub fn mem_pair(&self, row: &[FE], s: usize) -> (FE, FE) {
        self.mem_pair_with(row, s, None)
    }

    /// As `mem_pair`, with the row's poseidon output if already computed.
    fn mem_pair_with(&self, row: &[FE], s: usize, ps_out: Option<&[FE; 3]>) -> (FE, FE) {
        match self.l.mem_slot(s) {
            MemSlot::Cols(a, v) => (row[a], row[v]),
            MemSlot::RcBuiltin => (row[self.l.rcb_addr()], self.rcb_value(row)),
            MemSlot::Bitwise(j) => {
                let c = |k: usize| &row[self.l.bw_col(k)];
                let (x, y, a) = (c(BW_VAL), c(BW_VAL + 1), c(BW_VAL + 2));
                let v = match j {
                    0 => *x,
                    1 => *y,
                    2 => *a,
                    3 => x + y - a.double(),
                    _ => x + y - a,
                };
                (c(BW_IA) + fe(j as u64), v)
            }
            MemSlot::Poseidon(j) => {
                let ia = &row[self.l.ps_col(PS_IA)];
                let v = match (j, ps_out) {
                    (0..=2, _) => row[self.l.ps_col(PS_IN + j)],
                    (_, Some(o)) => o[j - 3],
                    _ => self.ps_output(row)[j - 3],
                };
                (ia + fe(j as u64), v)
            }
            MemSlot::Pedersen(j) => (row[self.l.pd_col(PD_IA)] + fe(j as u64), self.pd_value(row, j)),
        }
    }

    /// zm^|P| / prod_P (zm - (a + alpha·v)): what the memory running product must end at.
    pub fn public_memory_product(&self, zm: &FE, alpha: &FE) -> FE {
        let pm = self.pi.public_memory();
        let mut den = FE::one();
        for (a, v) in &pm {
            den *= zm - (fe(*a) + alpha * v);
        }
        zm.pow(pm.len() as u64) * den.inv().unwrap_or_else(|_| FE::zero())
    }

    fn counts(&self) -> (usize, usize) {
        (self.l.mem_slots(), self.l.rc_slots())
    }
}

/// Number of CPU constraints (see `eval_cpu`).
const CPU_CONSTRAINTS: usize = 30;

/// Bits of the top chunk (block row 0) that must be zero: positions >= 251.
const BW_TOP_ZERO: std::ops::Range<usize> = (BW_TOTAL_BITS - (BW_ROWS - 1) * BW_BITS)..BW_BITS;
/// Number of bitwise constraints (see `eval_bitwise`); they come last.
pub const BW_CONSTRAINTS: usize = 2 * BW_BITS + 3 + 3 + 2 * (BW_BITS - (BW_TOTAL_BITS - (BW_ROWS - 1) * BW_BITS)) + 3 + 3 + 1;

impl Air for CairoAir {
    fn statement(&self) -> Vec<u8> {
        let mut s = b"kraken-cairo-v1".to_vec();
        s.extend_from_slice(&self.pi.to_bytes());
        s
    }
    fn trace_length(&self) -> usize {
        self.trace_length
    }
    fn num_main(&self) -> usize {
        self.l.num_main()
    }
    fn num_aux(&self) -> usize {
        self.l.num_aux()
    }
    fn num_challenges(&self) -> usize {
        3
    }
    fn constraint_degree(&self) -> usize {
        // The poseidon S-boxes are cubes and the pedersen point additions have degree 3;
        // everything else has degree 2.
        if self.l.poseidon || self.l.pedersen {
            3
        } else {
            2
        }
    }

    fn periodic_columns(&self) -> Vec<Vec<FE>> {
        if !self.l.pedersen {
            return Vec::new();
        }
        let c = super::pedersen::constants();
        let mut last = vec![FE::zero(); PD_ROWS];
        last[PD_ROWS - 1] = FE::one();
        vec![c.point_x.clone(), c.point_y.clone(), last]
    }

    fn transition_rows(&self) -> Vec<RowSet> {
        let mut v = vec![RowSet::AllBut(0); CPU_CONSTRAINTS];
        // pc, ap, fp updates look at the next row.
        for k in [23, 24, 25, 26] {
            v[k] = RowSet::AllBut(1);
        }
        let (sm, sr) = self.counts();
        // Memory: continuity + single value, within rows then across rows.
        v.extend(std::iter::repeat_n(RowSet::AllBut(0), 2 * (sm - 1)));
        v.extend([RowSet::AllBut(1), RowSet::AllBut(1)]);
        // Memory running product: within rows, across rows, first link.
        v.extend(std::iter::repeat_n(RowSet::AllBut(0), sm - 1));
        v.push(RowSet::AllBut(1));
        v.push(RowSet::Only(0));
        // Range check: continuity within/across rows; product within/across/first.
        v.extend(std::iter::repeat_n(RowSet::AllBut(0), sr - 1));
        v.push(RowSet::AllBut(1));
        v.extend(std::iter::repeat_n(RowSet::AllBut(0), sr - 1));
        v.push(RowSet::AllBut(1));
        v.push(RowSet::Only(0));
        if self.l.rc_builtin {
            // Builtin addresses step by 0 or 1; the parts' range check as above.
            v.push(RowSet::AllBut(1));
            let sb = self.l.rcb_slots();
            v.extend(std::iter::repeat_n(RowSet::AllBut(0), sb - 1));
            v.push(RowSet::AllBut(1));
            v.extend(std::iter::repeat_n(RowSet::AllBut(0), sb - 1));
            v.push(RowSet::AllBut(1));
            v.push(RowSet::Only(0));
        }
        if self.l.bitwise {
            // Every bitwise constraint wraps around (the trace ends on a block's last row)
            // except the instance-address step, which must not wrap back to the base.
            v.extend(std::iter::repeat_n(RowSet::AllBut(0), BW_CONSTRAINTS - 1));
            v.push(RowSet::AllBut(1));
        }
        if self.l.poseidon {
            // One cube per S-box on every row; the instance address step does not wrap.
            v.extend(std::iter::repeat_n(RowSet::AllBut(0), PS_CUBES));
            v.push(RowSet::AllBut(1));
        }
        if self.l.pedersen {
            v.extend(pedersen_rows());
        }
        v
    }

    fn eval_transition(&self, c: &[FE], n: &[FE], per: &[FE], ch: &[FE], out: &mut [FE]) {
        eval_cpu(self, c, n, &mut out[..CPU_CONSTRAINTS]);
        let l = &self.l;
        let (sm, sr) = self.counts();
        let mut k = CPU_CONSTRAINTS;
        let one = FE::one();
        // Sorted memory: a' - a in {0, 1}; equal addresses carry equal values.
        for s in 0..sm - 1 {
            let da = c[l.sorted_addr(s + 1)] - c[l.sorted_addr(s)];
            let dv = c[l.sorted_val(s + 1)] - c[l.sorted_val(s)];
            out[k] = da * (da - one);
            out[k + 1] = dv * (da - one);
            k += 2;
        }
        {
            let da = n[l.sorted_addr(0)] - c[l.sorted_addr(sm - 1)];
            let dv = n[l.sorted_val(0)] - c[l.sorted_val(sm - 1)];
            out[k] = da * (da - one);
            out[k + 1] = dv * (da - one);
            k += 2;
        }
        // Memory running product p_s = p_{s-1} · (z - (a_s + αv_s)) / (z - (a'_s + αv'_s)).
        let (zm, al) = (&ch[CH_MEM_Z], &ch[CH_MEM_A]);
        let unsorted = |row: &[FE], s: usize| {
            let (a, v) = self.mem_pair(row, s);
            zm - (a + al * v)
        };
        let sorted = |row: &[FE], s: usize| zm - (row[l.sorted_addr(s)] + al * row[l.sorted_val(s)]);
        let ps_out = if l.poseidon { Some(self.ps_output(c)) } else { None };
        for s in 1..sm {
            let (a, v) = self.mem_pair_with(c, s, ps_out.as_ref());
            out[k] = c[l.mem_prod(s)] * sorted(c, s) - c[l.mem_prod(s - 1)] * (zm - (a + al * v));
            k += 1;
        }
        out[k] = n[l.mem_prod(0)] * sorted(n, 0) - c[l.mem_prod(sm - 1)] * unsorted(n, 0);
        out[k + 1] = c[l.mem_prod(0)] * sorted(c, 0) - unsorted(c, 0);
        k += 2;
        // Range check: sorted values step by 0 or 1; running product q.
        for s in 0..sr - 1 {
            let d = c[l.sorted_rc(s + 1)] - c[l.sorted_rc(s)];
            out[k] = d * (d - one);
            k += 1;
        }
        {
            let d = n[l.sorted_rc(0)] - c[l.sorted_rc(sr - 1)];
            out[k] = d * (d - one);
            k += 1;
        }
        let zr = &ch[CH_RC_Z];
        for s in 1..sr {
            out[k] = c[l.rc_prod(s)] * (zr - c[l.sorted_rc(s)]) - c[l.rc_prod(s - 1)] * (zr - c[l.rc_slot(s)]);
            k += 1;
        }
        out[k] = n[l.rc_prod(0)] * (zr - n[l.sorted_rc(0)]) - c[l.rc_prod(sr - 1)] * (zr - n[l.rc_slot(0)]);
        out[k + 1] = c[l.rc_prod(0)] * (zr - c[l.sorted_rc(0)]) - (zr - c[l.rc_slot(0)]);
        k += 2;
        if l.rc_builtin {
            let d = n[l.rcb_addr()] - c[l.rcb_addr()];
            out[k] = d * (d - one);
            k += 1;
            let sb = l.rcb_slots();
            for s in 0..sb - 1 {
                let d = c[l.sorted_rcb(s + 1)] - c[l.sorted_rcb(s)];
                out[k] = d * (d - one);
                k += 1;
            }
            let d = n[l.sorted_rcb(0)] - c[l.sorted_rcb(sb - 1)];
            out[k] = d * (d - one);
            k += 1;
            for s in 1..sb {
                out[k] = c[l.rcb_prod(s)] * (zr - c[l.sorted_rcb(s)])
                    - c[l.rcb_prod(s - 1)] * (zr - c[l.rcb_slot(s)]);
                k += 1;
            }
            out[k] = n[l.rcb_prod(0)] * (zr - n[l.sorted_rcb(0)])
                - c[l.rcb_prod(sb - 1)] * (zr - n[l.rcb_slot(0)]);
            out[k + 1] = c[l.rcb_prod(0)] * (zr - c[l.sorted_rcb(0)]) - (zr - c[l.rcb_slot(0)]);
            k += 2;
        }
        if l.bitwise {
            eval_bitwise(self, c, n, &mut out[k..k + BW_CONSTRAINTS]);
            k += BW_CONSTRAINTS;
        }
        if l.poseidon {
            // Each committed cube is the cube of its S-box input.
            let col = |row: &[FE], j: usize| row[l.ps_col(j)];
            let input = [col(c, PS_IN), col(c, PS_IN + 1), col(c, PS_IN + 2)];
            let cubes = &mut out[k..k + PS_CUBES];
            super::poseidon::hades(&input, |j, pre| {
                let cube = col(c, PS_CUBE + j);
                cubes[j] = cube - pre.square() * pre;
                cube
            });
            k += PS_CUBES;
            // The instance address steps by 0 or 6 between rows.
            let d = col(n, PS_IA) - col(c, PS_IA);
            out[k] = d * (d - fe(PS_CELLS as u64));
            k += 1;
        }
        if l.pedersen {
            eval_pedersen(self, c, n, per, &mut out[k..k + PD_CONSTRAINTS]);
            k += PD_CONSTRAINTS;
        }
        debug_assert_eq!(k, out.len());
    }

    fn boundaries(&self, ch: &[FE]) -> Vec<Boundary> {
        let last = self.trace_length - 1;
        let l = &self.l;
        let (sm, sr) = self.counts();
        let pi = &self.pi;
        let mut b = vec![
            Boundary { col: PC, row: 0, value: fe(pi.initial_pc) },
            Boundary { col: AP, row: 0, value: fe(pi.initial_ap) },
            Boundary { col: FP, row: 0, value: fe(pi.initial_ap) },
            Boundary { col: PC, row: last, value: fe(pi.final_pc) },
            Boundary { col: AP, row: last, value: fe(pi.final_ap) },
            Boundary {
                col: l.mem_prod(sm - 1),
                row: last,
                value: self.public_memory_product(&ch[CH_MEM_Z], &ch[CH_MEM_A]),
            },
            Boundary { col: l.rc_prod(sr - 1), row: last, value: FE::one() },
            Boundary { col: l.sorted_rc(0), row: 0, value: fe(pi.rc_min as u64) },
            Boundary { col: l.sorted_rc(sr - 1), row: last, value: fe(pi.rc_max as u64) },
        ];
        if let Some(rc) = pi.range_check {
            let sb = l.rcb_slots();
            // The builtin cells are [base, stop). Without instances the builtin column holds
            // dummies (extra accesses only constrain the prover), so its address is free.
            if rc.stop > rc.base {
                b.push(Boundary { col: l.rcb_addr(), row: 0, value: fe(rc.base) });
                b.push(Boundary { col: l.rcb_addr(), row: last, value: fe(rc.stop - 1) });
            }
            b.push(Boundary { col: l.rcb_prod(sb - 1), row: last, value: FE::one() });
            b.push(Boundary { col: l.sorted_rcb(0), row: 0, value: fe(pi.rcb_min as u64) });
            b.push(Boundary { col: l.sorted_rcb(sb - 1), row: last, value: fe(pi.rcb_max as u64) });
        }
        if l.bitwise {
            // Row 0 starts a block; with n a multiple of BW_ROWS the blocks tile the trace.
            b.push(Boundary { col: l.bw_col(BW_CNT), row: 0, value: FE::zero() });
            // The instances cover [base, stop): the first block holds the instance at base,
            // the last one the instance at stop - 5, and the address steps by 0 or 5.
            // Without instances the block columns are unconstrained dummies.
            if let Some(bw) = pi.bitwise.filter(|s| s.stop > s.base) {
                b.push(Boundary { col: l.bw_col(BW_IA), row: 0, value: fe(bw.base) });
                b.push(Boundary { col: l.bw_col(BW_IA), row: last, value: fe(bw.stop - BW_CELLS as u64) });
            }
        }
        // Poseidon: row 0 holds the instance at base, the last row the one at stop - 6.
        if let Some(ps) = pi.poseidon.filter(|s| l.poseidon && s.stop > s.base) {
            b.push(Boundary { col: l.ps_col(PS_IA), row: 0, value: fe(ps.base) });
            b.push(Boundary { col: l.ps_col(PS_IA), row: last, value: fe(ps.stop - PS_CELLS as u64) });
        }
        // Pedersen: the first block holds the instance at base, the last the one at stop - 3.
        if let Some(pd) = pi.pedersen.filter(|s| l.pedersen && s.stop > s.base) {
            b.push(Boundary { col: l.pd_col(PD_IA), row: 0, value: fe(pd.base) });
            b.push(Boundary { col: l.pd_col(PD_IA), row: last, value: fe(pd.stop - PD_CELLS as u64) });
        }
        b
    }

    #[cfg(feature = "prover")]
    fn build_aux(&self, main: &[Vec<FE>], ch: &[FE]) -> Vec<Vec<FE>> {
        super::trace::build_aux(self, main, ch)
    }
}

/// Number of pedersen constraints (see `pedersen_rows` and `eval_pedersen`); they come last.
pub const PD_CONSTRAINTS: usize = 25;

/// Where each pedersen constraint holds. Blocks are 512 rows, halves 256: rows 0..251 of a
/// half carry bits, 252..255 none, and the last row of each half hands over to the next
/// half or block (no addition there).
fn pedersen_rows() -> Vec<RowSet> {
    let half = |first: usize, count: usize| RowSet::Cycle { period: PD_HALF, first, count };
    let block = |first: usize| RowSet::Cycle { period: PD_ROWS, first, count: 1 };
    let steps = RowSet::OffCycle { period: PD_HALF, first: PD_HALF - 1, count: 1 };
    let within_block = RowSet::OffCycle { period: PD_ROWS, first: PD_ROWS - 1, count: 1 };
    vec![
        steps,                                      // 0: the bit is a bit
        half(PD_BITS, PD_HALF - PD_BITS),           // 1: no bits past 251
        steps,                                      // 2-4: the conditional point addition
        steps,
        steps,
        block(PD_HALF - 1),                         // 5-6: the sum carries into the y half
        block(PD_HALF - 1),
        block(0),                                   // 7-8: each instance starts at the shift point
        block(0),
        block(0),                                   // 9: x is the first half's input
        block(PD_HALF),                             // 10: y the second's
        block(PD_ROWS - 1),                         // 11: H is the final sum's x
        within_block,                               // 12-14: X, Y, H constant over the block
        within_block,
        within_block,
        RowSet::AllBut(1),                          // 15: the address steps by 0 or 3 between blocks
        steps,                                      // 16-18: below-p witnesses constant over a half
        steps,
        steps,
        half(PD_BITS - 1, 1),                       // 19: top = bit 251
        half(196, 1),                               // 20: mid = top · bit 196
        half(192, 1),                               // 21: low = mid · bit 192
        half(197, PD_BITS - 1 - 197),               // 22: top => bits 197..250 are zero
        half(193, 3),                               // 23: mid => bits 193..195 are zero
        half(0, 192),                               // 24: low => bits 0..191 are zero
    ]
}

/// Periodic columns of the pedersen AIR: the point added on the row, and the last-row flag.
const PER_PX: usize = 0;
const PER_PY: usize = 1;
const PER_LAST: usize = 2;

/// Pedersen builtin constraints on a row pair (see `pedersen` and `layout`).
///
/// With the bits b_i = s_i - 2 s_(i+1) the suffix spells an integer N = sum b_i 2^i below
/// 2^252 that is congruent to the input; the last six constraints make N < p (so N is the
/// input itself, not input + p): if bit 251 is set (N >= 2^251) then, as
/// p = 2^251 + 17·2^192 + 1, bits 197..250 are zero, and if bit 196 is set too then bits
/// 193..195 are zero, and if bit 192 is set as well then bits 0..191 are zero.
fn eval_pedersen(air: &CairoAir, c: &[FE], n: &[FE], per: &[FE], out: &mut [FE]) {
    let l = &air.l;
    let col = |row: &[FE], k: usize| row[l.pd_col(k)];
    let (s, x, y, slope) = (col(c, PD_SUFFIX), col(c, PD_SUM_X), col(c, PD_SUM_Y), col(c, PD_SLOPE));
    let (nx, ny) = (col(n, PD_SUM_X), col(n, PD_SUM_Y));
    let b = s - col(n, PD_SUFFIX).double();
    let (px, py) = (&per[PER_PX], &per[PER_PY]);
    let shift = &super::pedersen::constants().shift;
    out[0] = b * (b - FE::one());
    out[1] = s;
    // If b = 1: slope·(x - px) = y - py, x' = slope² - x - px, y' = slope·(x - x') - y.
    out[2] = b * (slope * (x - px) - (y - py));
    out[3] = nx - x - b * (slope.square() - x.double() - px);
    out[4] = ny - y - b * (slope * (x - nx) - y.double());
    out[5] = nx - x;
    out[6] = ny - y;
    out[7] = x - shift.0;
    out[8] = y - shift.1;
    out[9] = s - col(c, PD_VAL);
    out[10] = s - col(c, PD_VAL + 1);
    out[11] = x - col(c, PD_VAL + 2);
    for j in 0..3 {
        out[12 + j] = col(n, PD_VAL + j) - col(c, PD_VAL + j);
    }
    let d = col(n, PD_IA) - col(c, PD_IA);
    out[15] = d * (d - fe(PD_CELLS as u64) * per[PER_LAST]);
    let (top, mid, low) = (col(c, PD_TOP), col(c, PD_MID), col(c, PD_LOW));
    out[16] = col(n, PD_TOP) - top;
    out[17] = col(n, PD_MID) - mid;
    out[18] = col(n, PD_LOW) - low;
    out[19] = top - s;
    out[20] = mid - top * b;
    out[21] = low - mid * b;
    out[22] = top * b;
    out[23] = mid * b;
    out[24] = low * b;
}

/// Bitwise builtin constraints on a row pair (see `layout` for the block layout).
fn eval_bitwise(air: &CairoAir, c: &[FE], n: &[FE], out: &mut [FE]) {
    let l = &air.l;
    let one = FE::one();
    let col = |row: &[FE], k: usize| row[l.bw_col(k)];
    let (s, cnt) = (col(c, BW_S), col(c, BW_CNT));
    let not_s = one - s;
    let last = fe((BW_ROWS - 1) as u64);
    let mut k = 0;
    // Bits are bits.
    for j in 0..2 * BW_BITS {
        let b = col(c, BW_XBITS + j);
        out[k] = b * (b - one);
        k += 1;
    }
    // Block structure: cnt counts 0..15 and wraps; s = [cnt == 15], witnessed by inv.
    out[k] = col(n, BW_CNT) - (cnt + one) * not_s;
    out[k + 1] = s * (cnt - last);
    out[k + 2] = (cnt - last) * col(c, BW_INV) - not_s;
    k += 3;
    // Accumulators (high chunk first), restarted on a block's first row.
    let (mut cx, mut cy, mut ca) = (FE::zero(), FE::zero(), FE::zero());
    for j in (0..BW_BITS).rev() {
        let (bx, by) = (col(n, BW_XBITS + j), col(n, BW_YBITS + j));
        ca = ca.double() + bx * by;
        cx = cx.double() + bx;
        cy = cy.double() + by;
    }
    let carry = not_s * air.two16;
    for (i, chunk) in [cx, cy, ca].into_iter().enumerate() {
        out[k + i] = col(n, BW_ACC + i) - carry * col(c, BW_ACC + i) - chunk;
    }
    k += 3;
    // The top chunk's bits at positions >= 251 are zero, so x, y < 2^251.
    for j in BW_TOP_ZERO {
        out[k] = s * col(n, BW_XBITS + j);
        out[k + 1] = s * col(n, BW_YBITS + j);
        k += 2;
    }
    // X, Y, A are constant over the block and equal the accumulators on its last row.
    for i in 0..3 {
        out[k + i] = not_s * (col(n, BW_VAL + i) - col(c, BW_VAL + i));
        out[k + 3 + i] = s * (col(c, BW_ACC + i) - col(c, BW_VAL + i));
    }
    k += 6;
    // The instance address is constant over the block and steps by 0 or 5 between blocks.
    let d = col(n, BW_IA) - col(c, BW_IA);
    out[k] = d * (d - fe(BW_CELLS as u64) * s);
    k += 1;
    debug_assert_eq!(k, BW_CONSTRAINTS);
}

/// The whitepaper's CPU constraints on one row (and the next, for register updates).
fn eval_cpu(air: &CairoAir, c: &[FE], n: &[FE], out: &mut [FE]) {
    let one = FE::one();
    let f = |i: usize| &c[F0 + i];
    let off = |col: usize| c[col] - air.bias;
    // Instruction decomposition into biased offsets and flags.
    let mut flags = FE::zero();
    for i in (0..15).rev() {
        flags = flags.double() + f(i);
    }
    out[0] = c[INST]
        - (c[OFF_DST] + air.two16 * c[OFF_OP0] + air.two32 * c[OFF_OP1] + air.two48 * flags);
    for i in 0..15 {
        out[1 + i] = f(i) * (f(i) - one);
    }
    // Operand addresses.
    out[16] = c[DST_ADDR] - (f(DST_REG) * c[FP] + (one - f(DST_REG)) * c[AP] + off(OFF_DST));
    out[17] = c[OP0_ADDR] - (f(OP0_REG) * c[FP] + (one - f(OP0_REG)) * c[AP] + off(OFF_OP0));
    let op1_src_op0 = one - f(OP1_IMM) - f(OP1_FP) - f(OP1_AP);
    out[18] = c[OP1_ADDR]
        - (f(OP1_IMM) * c[PC] + f(OP1_AP) * c[AP] + f(OP1_FP) * c[FP] + op1_src_op0 * c[OP0] + off(OFF_OP1));
    // res.
    out[19] = c[MUL] - c[OP0] * c[OP1];
    let res_op1 = one - f(RES_ADD) - f(RES_MUL) - f(PC_JNZ);
    out[20] = (one - f(PC_JNZ)) * c[RES]
        - (f(RES_ADD) * (c[OP0] + c[OP1]) + f(RES_MUL) * c[MUL] + res_op1 * c[OP1]);
    // Conditional jump helpers: t0 = jnz·dst, t1 = t0·res (res = 1/dst when jumping).
    out[21] = c[T0] - f(PC_JNZ) * c[DST];
    out[22] = c[T1] - c[T0] * c[RES];
    let size = f(OP1_IMM) + one;
    let pc_next_regular = c[PC] + size;
    out[23] = (c[T1] - f(PC_JNZ)) * (n[PC] - pc_next_regular);
    let regular = one - f(PC_JUMP_ABS) - f(PC_JUMP_REL) - f(PC_JNZ);
    out[24] = c[T0] * (n[PC] - (c[PC] + c[OP1])) + (one - f(PC_JNZ)) * n[PC]
        - (regular * pc_next_regular + f(PC_JUMP_ABS) * c[RES] + f(PC_JUMP_REL) * (c[PC] + c[RES]));
    // ap and fp updates.
    out[25] = n[AP] - (c[AP] + f(AP_ADD) * c[RES] + f(AP_ADD1) + f(OPCODE_CALL).double());
    out[26] = n[FP]
        - (f(OPCODE_RET) * c[DST]
            + f(OPCODE_CALL) * (c[AP] + fe(2))
            + (one - f(OPCODE_CALL) - f(OPCODE_RET)) * c[FP]);
    // call pushes fp and the return pc; assert_eq.
    out[27] = f(OPCODE_CALL) * (c[DST] - c[FP]);
    out[28] = f(OPCODE_CALL) * (c[OP0] - pc_next_regular);
    out[29] = f(OPCODE_ASSERT_EQ) * (c[DST] - c[RES]);
}
