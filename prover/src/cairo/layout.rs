//! Column layout of the Cairo AIR: one trace row per Cairo step.
//!
//! Main columns: 15 flags, 3 biased offsets, the instruction word, pc/ap/fp, the three
//! operand addresses and values, res, t0, t1, mul; then `mem_extra` spare memory slots
//! (public-memory dummies and hole fillers), `rc_fill` spare range-check values, the
//! range_check builtin instance (address, eight 16-bit parts, `rcb_fill` spare part
//! values) when present, and finally the sorted memory pairs, the sorted offsets and the
//! sorted builtin parts (all committed with the main trace).
//! The offsets and the builtin parts are range-checked by two separate arguments, so a
//! program whose builtin values are small does not pay for filling [0, 2^15) with spares.
//! Aux columns: running products of the memory and the two range-check arguments.

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
}

impl Layout {
    /// Layout without the range_check builtin.
    pub fn new(mem_extra: usize, rc_fill: usize) -> Self {
        Layout { mem_extra, rc_fill, rc_builtin: false, rcb_fill: 0 }
    }
    /// Layout with one range_check builtin instance per row.
    pub fn with_range_check(mem_extra: usize, rc_fill: usize, rcb_fill: usize) -> Self {
        Layout { mem_extra, rc_fill, rc_builtin: true, rcb_fill }
    }
    /// Memory accesses per row: pc, dst, op0, op1, spares, builtin cell.
    pub fn mem_slots(&self) -> usize {
        4 + self.mem_extra + self.rc_builtin as usize
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
    fn sorted_mem_base(&self) -> usize {
        self.rcb_addr() + if self.rc_builtin { 1 + RC_PARTS + self.rcb_fill } else { 0 }
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
    /// Unsorted memory slot s as (address column, value column); the builtin slot's value
    /// is a combination of its parts, so it has no value column (None).
    pub fn mem_slot(&self, s: usize) -> (usize, Option<usize>) {
        match s {
            0 => (PC, Some(INST)),
            1 => (DST_ADDR, Some(DST)),
            2 => (OP0_ADDR, Some(OP0)),
            3 => (OP1_ADDR, Some(OP1)),
            s if s < 4 + self.mem_extra => (self.extra_addr(s - 4), Some(self.extra_val(s - 4))),
            _ => (self.rcb_addr(), None),
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
        for l in [Layout::new(2, 1), Layout::with_range_check(2, 1, 2)] {
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
        }
    }
}
