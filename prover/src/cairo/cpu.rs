//! The Cairo CPU: its columns (one trace row per step, first in the row), a step's row,
//! and the constraints of the Cairo whitepaper (§9) on a row and the next.
//!
//! Columns: the 15 instruction flags, the three biased offsets, the instruction word,
//! pc, ap and fp, the three operand addresses and values, res, t0, t1 and mul.

use super::instruction::*;
use crate::air::RowSet;
use crate::field::{fe, FE};
#[cfg(feature = "prover")]
use crate::error::ProveError;

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
pub const COLUMNS: usize = 32;

/// A step's memory accesses as (address column, value column): the instruction fetch,
/// dst, op0 and op1. They are the first memory slots of a row.
pub const ACCESSES: [(usize, usize); 4] = [(PC, INST), (DST_ADDR, DST), (OP0_ADDR, OP0), (OP1_ADDR, OP1)];

/// Number of CPU constraints (see `eval`).
pub const CONSTRAINTS: usize = 30;

/// Where each CPU constraint holds: every row, but the pc, ap and fp updates look at the
/// next row.
pub fn transition_rows() -> Vec<RowSet> {
    let mut v = vec![RowSet::AllBut(0); CONSTRAINTS];
    for k in [23, 24, 25, 26] {
        v[k] = RowSet::AllBut(1);
    }
    v
}

/// The whitepaper's CPU constraints on one row (and the next, for register updates).
pub fn eval(c: &[FE], n: &[FE], out: &mut [FE]) {
    let one = FE::one();
    let bias = fe(OFFSET_BIAS);
    let f = |i: usize| &c[F0 + i];
    let off = |col: usize| c[col] - bias;
    // Instruction decomposition into biased offsets and flags.
    let mut flags = FE::zero();
    for i in (0..15).rev() {
        flags = flags.double() + f(i);
    }
    out[0] = c[INST] - (c[OFF_DST] + fe(1 << 16) * c[OFF_OP0] + fe(1 << 32) * c[OFF_OP1] + fe(1 << 48) * flags);
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

/// The CPU columns of one step, from the relocated memory.
#[cfg(feature = "prover")]
pub fn row(mem: &[Option<FE>], pc: u64, ap: u64, fp: u64) -> Result<[FE; COLUMNS], ProveError> {
    let terr = ProveError::Trace;
    let get = |a: u64| mem.get(a as usize).cloned().flatten().unwrap_or_else(FE::zero);
    let inst = mem.get(pc as usize).cloned().flatten().ok_or_else(|| terr(format!("no instruction at pc {pc}")))?;
    let d = decode(&inst).ok_or_else(|| terr(format!("invalid instruction at pc {pc}")))?;
    let flag = |i: usize| if d.flag(i) { FE::one() } else { FE::zero() };
    let off = |k: usize| fe(d.off[k]) - fe(OFFSET_BIAS);
    let (pc_f, ap_f, fp_f) = (fe(pc), fe(ap), fe(fp));
    let addr = |x: &FE| fe_to_u64(x).ok_or_else(|| terr(format!("address out of range at pc {pc}")));
    let dst_addr = if d.flag(0) { fp_f } else { ap_f } + off(0);
    let op0_addr = if d.flag(1) { fp_f } else { ap_f } + off(1);
    let op0 = get(addr(&op0_addr)?);
    let one = FE::one();
    let src_op0 = one - flag(2) - flag(3) - flag(4);
    let op1_addr = flag(2) * pc_f + flag(4) * ap_f + flag(3) * fp_f + src_op0 * op0 + off(2);
    let dst = get(addr(&dst_addr)?);
    let op1 = get(addr(&op1_addr)?);
    let mul = op0 * op1;
    let res = if d.flag(9) {
        dst.inv().unwrap_or_else(|_| FE::zero())
    } else {
        flag(5) * (op0 + op1) + flag(6) * mul + (one - flag(5) - flag(6)) * op1
    };
    let t0 = flag(9) * dst;
    let t1 = t0 * res;
    let mut row: [FE; COLUMNS] = std::array::from_fn(|_| FE::zero());
    for i in 0..15 {
        row[F0 + i] = flag(i);
    }
    row[OFF_DST] = fe(d.off[0]);
    row[OFF_OP0] = fe(d.off[1]);
    row[OFF_OP1] = fe(d.off[2]);
    row[INST] = inst;
    row[PC] = pc_f;
    row[AP] = ap_f;
    row[FP] = fp_f;
    row[DST_ADDR] = dst_addr;
    row[DST] = dst;
    row[OP0_ADDR] = op0_addr;
    row[OP0] = op0;
    row[OP1_ADDR] = op1_addr;
    row[OP1] = op1;
    row[RES] = res;
    row[T0] = t0;
    row[T1] = t1;
    row[MUL] = mul;
    Ok(row)
}
