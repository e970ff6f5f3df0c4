//! Column layout of the Cairo AIR: one trace row per Cairo step.
//!
//! Main columns: 15 flags, 3 biased offsets, the instruction word, pc/ap/fp, the three
//! operand addresses and values, res, t0, t1, mul; then `mem_extra` spare memory slots
//! (public-memory dummies and hole fillers), `rc_fill` spare range-check values, the
//! range_check builtin instance (address, eight 16-bit parts, `rcb_fill` spare part
//! values) when present, the bitwise builtin block columns when present (see below), and
//! finally the sorted memory pairs, the sorted offsets and the sorted builtin parts (all
//! committed with the main trace).
//! The offsets and the builtin parts are range-checked by two separate arguments, so a
//! program whose builtin values are small does not pay for filling [0, 2^15) with spares.
//! Aux columns: running products of the memory and the two range-check arguments.
//!
//! Bitwise builtin: one instance (x, y, x&y, x^y, x|y at `ia .. ia+4`) per block of
//! [`BW_ROWS`] = 16 rows, [`BW_BITS`] = 16 bits of x and of y per row (high chunk first), so
//! 256 bit positions per instance of which the top 5 must be zero (inputs < 2^251). Columns:
//! `ia` (instance address), `cnt` (row in block, 0..15), `s` (1 on the block's last row),
//! `inv` (witness that `s = [cnt == 15]`), the accumulators of x, y and x&y, the instance
//! values X, Y, A (constant over the block), then 16 bits of x and 16 bits of y. Every row
//! makes the instance's five memory accesses (`ia + j`, value from X, Y, A).
//!
//! Poseidon builtin: one instance (input s0, s1, s2 and output s0', s1', s2' at
//! `ia .. ia+5`) per row. Columns: `ia`, the three inputs, and the cube (S-box output) of
//! every round: 3 per full round (8) and 1 per partial round (83), [`PS_CUBES`] = 107. The
//! output is a linear function of the last cubes; each cube is constrained to be the cube of
//! the S-box input that the earlier columns determine (degree 3).

pub const F0: usize = 0; // flags f0..f14 at 0..15
pub const OFF_DST: usize = 15;
pub const OFF_OP0: usize = 16;
pub const OFF_OP1: usize = 17;
pub const INST: usize = 18;
pub const PC: usize = 19;
pub const AP: usize = 20;
pub const FP: usize = 21;
pub const DST_ADDR: usize = 22;
pub const DST: usize = 23;
pub const OP0_ADDR: usize = 24;
pub const OP0: usize = 25;
pub const OP1_ADDR: usize = 26;
pub const OP1: usize = 27;
pub const RES: usize = 28;
pub const T0: usize = 29;
pub const T1: usize = 30;
pub const MUL: usize = 31;
pub const CPU_COLUMNS: usize = 32;

/// Parts of a range_check builtin value (8 × 16 bits = 128 bits).
pub const RC_PARTS: usize = 8;

/// Rows per bitwise instance.
pub const BW_ROWS: usize = 16;
/// Bits of x (and of y) decomposed per row; `BW_ROWS * BW_BITS = 256`.
pub const BW_BITS: usize = 16;
/// Bitwise inputs are below 2^BW_TOTAL_BITS (cairo-vm's `TOTAL_N_BITS`).
pub const BW_TOTAL_BITS: usize = 251;
/// Memory cells per bitwise instance: x, y, x&y, x^y, x|y.
pub const BW_CELLS: usize = 5;
/// Offsets of the bitwise block columns from `Layout::bw_col(0)`.
pub const BW_IA: usize = 0;
pub const BW_CNT: usize = 1;
pub const BW_S: usize = 2;
pub const BW_INV: usize = 3;
/// Accumulators of x, y, x&y (3 columns).
pub const BW_ACC: usize = 4;
/// Instance values X, Y, A = x&y (3 columns).
pub const BW_VAL: usize = 7;
/// Bits of x (BW_BITS columns), then bits of y (BW_BITS columns); bit j has weight 2^j.
pub const BW_XBITS: usize = 10;
pub const BW_YBITS: usize = BW_XBITS + BW_BITS;
pub const BW_COLUMNS: usize = BW_YBITS + BW_BITS;

/// Poseidon (Hades over Stark252, 3-element state) parameters.
pub const PS_FULL_ROUNDS: usize = 8;
pub const PS_PARTIAL_ROUNDS: usize = 83;
/// S-box outputs committed per instance.
pub const PS_CUBES: usize = 3 * PS_FULL_ROUNDS + PS_PARTIAL_ROUNDS;
/// Memory cells per poseidon instance: 3 inputs, 3 outputs.
pub const PS_CELLS: usize = 6;
/// Offsets of the poseidon columns from `Layout::ps_col(0)`.
pub const PS_IA: usize = 0;
pub const PS_IN: usize = 1;
pub const PS_CUBE: usize = 4;
pub const PS_COLUMNS: usize = PS_CUBE + PS_CUBES;

/// Rows per pedersen instance: 256 per input, of which the first 252 carry a bit.
pub const PD_ROWS: usize = 512;
pub const PD_HALF: usize = 256;
/// Bits of a pedersen input (field elements are below p < 2^252).
pub const PD_BITS: usize = 252;
/// Memory cells per pedersen instance: x, y, H(x, y).
pub const PD_CELLS: usize = 3;
/// Offsets of the pedersen columns from `Layout::pd_col(0)`.
pub const PD_IA: usize = 0;
pub const PD_SUFFIX: usize = 1;
pub const PD_SUM_X: usize = 2;
pub const PD_SUM_Y: usize = 3;
pub const PD_SLOPE: usize = 4;
/// Instance values X, Y, H (3 columns).
pub const PD_VAL: usize = 5;
/// Below-p witnesses: bit 251, bit 251 · bit 196, bit 251 · bit 196 · bit 192.
pub const PD_TOP: usize = 8;
pub const PD_MID: usize = 9;
pub const PD_LOW: usize = 10;
pub const PD_COLUMNS: usize = 11;

/// Where an unsorted memory slot's address and value come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemSlot {
    /// An address column and a value column.
    Cols(usize, usize),
    /// The range_check builtin cell: address column, value = sum part_k · 2^(16k).
    RcBuiltin,
    /// Bitwise cell j: address `ia + j`, value X, Y, A, X+Y-2A or X+Y-A.
    Bitwise(usize),
    /// Poseidon cell j: address `ia + j`, an input (j < 3) or an output.
    Poseidon(usize),
    /// Pedersen cell j: address `ia + j`, value X, Y or H.
    Pedersen(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Spare memory slots per row.
    pub mem_extra: usize,
    /// Spare range-check slots per row.
    pub rc_fill: usize,
    /// One range_check builtin instance per row.
    pub rc_builtin: bool,
    /// Spare builtin-part slots per row (only with `rc_builtin`).
    pub rcb_fill: usize,
    /// One bitwise builtin instance per `BW_ROWS` rows.
    pub bitwise: bool,
    /// One poseidon builtin instance per row.
    pub poseidon: bool,
    /// One pedersen builtin instance per `PD_ROWS` rows.
    pub pedersen: bool,
}

impl Layout {
    /// Layout without the range_check builtin.
    pub fn new(mem_extra: usize, rc_fill: usize) -> Self {
        Layout { mem_extra, rc_fill, rc_builtin: false, rcb_fill: 0, bitwise: false, poseidon: false, pedersen: false }
    }
    /// Layout with one range_check builtin instance per row.
    pub fn with_range_check(mem_extra: usize, rc_fill: usize, rcb_fill: usize) -> Self {
        Layout { mem_extra, rc_fill, rc_builtin: true, rcb_fill, bitwise: false, poseidon: false, pedersen: false }
    }
    /// The same layout with the bitwise builtin.
    pub fn with_bitwise(self) -> Self {
        Layout { bitwise: true, ..self }
    }
    /// The same layout with the poseidon builtin.
    pub fn with_poseidon(self) -> Self {
        Layout { poseidon: true, ..self }
    }
    /// The same layout with the pedersen builtin.
    pub fn with_pedersen(self) -> Self {
        Layout { pedersen: true, ..self }
    }
    /// Memory accesses per row: pc, dst, op0, op1, spares, range_check cell, bitwise cells,
    /// poseidon cells, pedersen cells.
    pub fn mem_slots(&self) -> usize {
        self.pd_slot0() + if self.pedersen { PD_CELLS } else { 0 }
    }
    /// The first poseidon slot (where they would start).
    fn ps_slot0(&self) -> usize {
        4 + self.mem_extra + self.rc_builtin as usize + if self.bitwise { BW_CELLS } else { 0 }
    }
    /// The first pedersen slot.
    fn pd_slot0(&self) -> usize {
        self.ps_slot0() + if self.poseidon { PS_CELLS } else { 0 }
    }
    /// Range-checked offsets per row: three offsets and spares.
    pub fn rc_slots(&self) -> usize {
        3 + self.rc_fill
    }
    /// Range-checked builtin parts per row: eight parts and spares (0 without the builtin).
    pub fn rcb_slots(&self) -> usize {
        if self.rc_builtin {
            RC_PARTS + self.rcb_fill
        } else {
            0
        }
    }
    pub fn extra_addr(&self, k: usize) -> usize {
        CPU_COLUMNS + 2 * k
    }
    pub fn extra_val(&self, k: usize) -> usize {
        CPU_COLUMNS + 2 * k + 1
    }
    pub fn rc_fill_col(&self, k: usize) -> usize {
        CPU_COLUMNS + 2 * self.mem_extra + k
    }
    /// Address column of the builtin instance (parts follow it).
    pub fn rcb_addr(&self) -> usize {
        CPU_COLUMNS + 2 * self.mem_extra + self.rc_fill
    }
    pub fn rcb_part(&self, k: usize) -> usize {
        self.rcb_addr() + 1 + k
    }
    pub fn rcb_fill_col(&self, k: usize) -> usize {
        self.rcb_addr() + 1 + RC_PARTS + k
    }
    /// Bitwise block column `k` (one of the `BW_*` offsets).
    pub fn bw_col(&self, k: usize) -> usize {
        self.rcb_addr() + if self.rc_builtin { 1 + RC_PARTS + self.rcb_fill } else { 0 } + k
    }
    /// Poseidon column `k` (one of the `PS_*` offsets).
    pub fn ps_col(&self, k: usize) -> usize {
        self.bw_col(0) + if self.bitwise { BW_COLUMNS } else { 0 } + k
    }
    /// Pedersen column `k` (one of the `PD_*` offsets).
    pub fn pd_col(&self, k: usize) -> usize {
        self.ps_col(0) + if self.poseidon { PS_COLUMNS } else { 0 } + k
    }
    fn sorted_mem_base(&self) -> usize {
        self.pd_col(0) + if self.pedersen { PD_COLUMNS } else { 0 }
    }
    pub fn sorted_addr(&self, s: usize) -> usize {
        self.sorted_mem_base() + 2 * s
    }
    pub fn sorted_val(&self, s: usize) -> usize {
        self.sorted_mem_base() + 2 * s + 1
    }
    pub fn sorted_rc(&self, s: usize) -> usize {
        self.sorted_mem_base() + 2 * self.mem_slots() + s
    }
    pub fn sorted_rcb(&self, s: usize) -> usize {
        self.sorted_rc(self.rc_slots()) + s
    }
    pub fn num_main(&self) -> usize {
        self.sorted_rcb(self.rcb_slots())
    }
    /// Aux: memory running products, then range-check running products.
    pub fn mem_prod(&self, s: usize) -> usize {
        self.num_main() + s
    }
    pub fn rc_prod(&self, s: usize) -> usize {
        self.num_main() + self.mem_slots() + s
    }
    pub fn rcb_prod(&self, s: usize) -> usize {
        self.num_main() + self.mem_slots() + self.rc_slots() + s
    }
    pub fn num_aux(&self) -> usize {
        self.mem_slots() + self.rc_slots() + self.rcb_slots()
    }
    /// Unsorted memory slot s: the CPU's four accesses, the spares, then the builtin cells.
    pub fn mem_slot(&self, s: usize) -> MemSlot {
        let rc = self.rc_builtin as usize;
        match s {
            0 => MemSlot::Cols(PC, INST),
            1 => MemSlot::Cols(DST_ADDR, DST),
            2 => MemSlot::Cols(OP0_ADDR, OP0),
            3 => MemSlot::Cols(OP1_ADDR, OP1),
            s if s < 4 + self.mem_extra => MemSlot::Cols(self.extra_addr(s - 4), self.extra_val(s - 4)),
            s if s < 4 + self.mem_extra + rc => MemSlot::RcBuiltin,
            s if s < self.ps_slot0() => MemSlot::Bitwise(s - 4 - self.mem_extra - rc),
            s if s < self.pd_slot0() => MemSlot::Poseidon(s - self.ps_slot0()),
            s => MemSlot::Pedersen(s - self.pd_slot0()),
        }
    }
    /// Unsorted offset range-check slot s (a column holding a value in [0, 2^16)).
    pub fn rc_slot(&self, s: usize) -> usize {
        match s {
            0 => OFF_DST,
            1 => OFF_OP0,
            2 => OFF_OP1,
            s => self.rc_fill_col(s - 3),
        }
    }
    /// Unsorted builtin-part range-check slot s.
    pub fn rcb_slot(&self, s: usize) -> usize {
        if s < RC_PARTS {
            self.rcb_part(s)
        } else {
            self.rcb_fill_col(s - RC_PARTS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_disjoint_and_dense() {
        for l in [
            Layout::new(2, 1),
            Layout::with_range_check(2, 1, 2),
            Layout::new(2, 1).with_bitwise(),
            Layout::with_range_check(2, 1, 2).with_bitwise(),
            Layout::new(2, 1).with_poseidon(),
            Layout::with_range_check(2, 1, 2).with_bitwise().with_poseidon(),
            Layout::new(2, 1).with_pedersen(),
            Layout::with_range_check(2, 1, 2).with_bitwise().with_poseidon().with_pedersen(),
        ] {
            let mut cols: Vec<usize> = (0..CPU_COLUMNS).collect();
            for k in 0..l.mem_extra {
                cols.push(l.extra_addr(k));
                cols.push(l.extra_val(k));
            }
            cols.extend((0..l.rc_fill).map(|k| l.rc_fill_col(k)));
            if l.rc_builtin {
                cols.push(l.rcb_addr());
                cols.extend((0..RC_PARTS).map(|k| l.rcb_part(k)));
                cols.extend((0..l.rcb_fill).map(|k| l.rcb_fill_col(k)));
            }
            if l.bitwise {
                cols.extend((0..BW_COLUMNS).map(|k| l.bw_col(k)));
            }
            if l.poseidon {
                cols.extend((0..PS_COLUMNS).map(|k| l.ps_col(k)));
            }
            if l.pedersen {
                cols.extend((0..PD_COLUMNS).map(|k| l.pd_col(k)));
            }
            for s in 0..l.mem_slots() {
                cols.push(l.sorted_addr(s));
                cols.push(l.sorted_val(s));
            }
            cols.extend((0..l.rc_slots()).map(|s| l.sorted_rc(s)));
            cols.extend((0..l.rcb_slots()).map(|s| l.sorted_rcb(s)));
            let mut sorted = cols.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted, (0..l.num_main()).collect::<Vec<_>>());
            let slots: Vec<MemSlot> = (0..l.mem_slots()).map(|s| l.mem_slot(s)).collect();
            assert_eq!(slots.iter().filter(|s| **s == MemSlot::RcBuiltin).count(), l.rc_builtin as usize);
            let bw: Vec<MemSlot> = (0..BW_CELLS).map(MemSlot::Bitwise).collect();
            let ps: Vec<MemSlot> = (0..PS_CELLS).map(MemSlot::Poseidon).collect();
            assert_eq!(slots.windows(BW_CELLS).any(|w| w == bw), l.bitwise);
            assert_eq!(slots.windows(PS_CELLS).any(|w| w == ps), l.poseidon);
            let pd: Vec<MemSlot> = (0..PD_CELLS).map(MemSlot::Pedersen).collect();
            assert_eq!(slots.ends_with(&pd), l.pedersen);
        }
    }
}
