//! The Cairo AIR: CPU constraints of the Cairo whitepaper (§9), the memory argument
//! (continuous, single-valued, with public memory), the range check of the offsets, and
//! the output and range_check builtins.

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
            v = v * &self.two16 + &row[self.l.rcb_part(k)];
        }
        v
    }

    /// Unsorted memory slot s of a row as (address, value).
    pub fn mem_pair(&self, row: &[FE], s: usize) -> (FE, FE) {
        let (a, v) = self.l.mem_slot(s);
        let val = match v {
            Some(c) => row[c].clone(),
            None => self.rcb_value(row),
        };
        (row[a].clone(), val)
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
        2
    }

    fn transition_rows(&self) -> Vec<RowSet> {
        let mut v = vec![RowSet::AllBut(0); CPU_CONSTRAINTS];
        // pc, ap, fp updates look at the next row.
        for k in [23, 24, 25, 26] {
            v[k] = RowSet::AllBut(1);
        }
        let (sm, sr) = self.counts();
        // Memory: continuity + single value, within rows then across rows.
        v.extend(std::iter::repeat(RowSet::AllBut(0)).take(2 * (sm - 1)));
        v.extend([RowSet::AllBut(1), RowSet::AllBut(1)]);
        // Memory running product: within rows, across rows, first link.
        v.extend(std::iter::repeat(RowSet::AllBut(0)).take(sm - 1));
        v.push(RowSet::AllBut(1));
        v.push(RowSet::Only(0));
        // Range check: continuity within/across rows; product within/across/first.
        v.extend(std::iter::repeat(RowSet::AllBut(0)).take(sr - 1));
        v.push(RowSet::AllBut(1));
        v.extend(std::iter::repeat(RowSet::AllBut(0)).take(sr - 1));
        v.push(RowSet::AllBut(1));
        v.push(RowSet::Only(0));
        if self.l.rc_builtin {
            // Builtin addresses step by 0 or 1; the parts' range check as above.
            v.push(RowSet::AllBut(1));
            let sb = self.l.rcb_slots();
            v.extend(std::iter::repeat(RowSet::AllBut(0)).take(sb - 1));
            v.push(RowSet::AllBut(1));
            v.extend(std::iter::repeat(RowSet::AllBut(0)).take(sb - 1));
            v.push(RowSet::AllBut(1));
            v.push(RowSet::Only(0));
        }
        v
    }

    fn eval_transition(&self, c: &[FE], n: &[FE], ch: &[FE], out: &mut [FE]) {
        eval_cpu(self, c, n, &mut out[..CPU_CONSTRAINTS]);
        let l = &self.l;
        let (sm, sr) = self.counts();
        let mut k = CPU_CONSTRAINTS;
        let one = FE::one();
        // Sorted memory: a' - a in {0, 1}; equal addresses carry equal values.
        for s in 0..sm - 1 {
            let da = &c[l.sorted_addr(s + 1)] - &c[l.sorted_addr(s)];
            let dv = &c[l.sorted_val(s + 1)] - &c[l.sorted_val(s)];
            out[k] = &da * (&da - &one);
            out[k + 1] = dv * (da - &one);
            k += 2;
        }
        {
            let da = &n[l.sorted_addr(0)] - &c[l.sorted_addr(sm - 1)];
            let dv = &n[l.sorted_val(0)] - &c[l.sorted_val(sm - 1)];
            out[k] = &da * (&da - &one);
            out[k + 1] = dv * (da - &one);
            k += 2;
        }
        // Memory running product p_s = p_{s-1} · (z - (a_s + αv_s)) / (z - (a'_s + αv'_s)).
        let (zm, al) = (&ch[CH_MEM_Z], &ch[CH_MEM_A]);
        let unsorted = |row: &[FE], s: usize| {
            let (a, v) = self.mem_pair(row, s);
            zm - (a + al * v)
        };
        let sorted = |row: &[FE], s: usize| zm - (&row[l.sorted_addr(s)] + al * &row[l.sorted_val(s)]);
        for s in 1..sm {
            out[k] = &c[l.mem_prod(s)] * sorted(c, s) - &c[l.mem_prod(s - 1)] * unsorted(c, s);
            k += 1;
        }
        out[k] = &n[l.mem_prod(0)] * sorted(n, 0) - &c[l.mem_prod(sm - 1)] * unsorted(n, 0);
        out[k + 1] = &c[l.mem_prod(0)] * sorted(c, 0) - unsorted(c, 0);
        k += 2;
        // Range check: sorted values step by 0 or 1; running product q.
        for s in 0..sr - 1 {
            let d = &c[l.sorted_rc(s + 1)] - &c[l.sorted_rc(s)];
            out[k] = &d * (&d - &one);
            k += 1;
        }
        {
            let d = &n[l.sorted_rc(0)] - &c[l.sorted_rc(sr - 1)];
            out[k] = &d * (&d - &one);
            k += 1;
        }
        let zr = &ch[CH_RC_Z];
        for s in 1..sr {
            out[k] = &c[l.rc_prod(s)] * (zr - &c[l.sorted_rc(s)]) - &c[l.rc_prod(s - 1)] * (zr - &c[l.rc_slot(s)]);
            k += 1;
        }
        out[k] = &n[l.rc_prod(0)] * (zr - &n[l.sorted_rc(0)]) - &c[l.rc_prod(sr - 1)] * (zr - &n[l.rc_slot(0)]);
        out[k + 1] = &c[l.rc_prod(0)] * (zr - &c[l.sorted_rc(0)]) - (zr - &c[l.rc_slot(0)]);
        k += 2;
        if l.rc_builtin {
            let d = &n[l.rcb_addr()] - &c[l.rcb_addr()];
            out[k] = &d * (d - &one);
            k += 1;
            let sb = l.rcb_slots();
            for s in 0..sb - 1 {
                let d = &c[l.sorted_rcb(s + 1)] - &c[l.sorted_rcb(s)];
                out[k] = &d * (&d - &one);
                k += 1;
            }
            let d = &n[l.sorted_rcb(0)] - &c[l.sorted_rcb(sb - 1)];
            out[k] = &d * (&d - &one);
            k += 1;
            for s in 1..sb {
                out[k] = &c[l.rcb_prod(s)] * (zr - &c[l.sorted_rcb(s)])
                    - &c[l.rcb_prod(s - 1)] * (zr - &c[l.rcb_slot(s)]);
                k += 1;
            }
            out[k] = &n[l.rcb_prod(0)] * (zr - &n[l.sorted_rcb(0)])
                - &c[l.rcb_prod(sb - 1)] * (zr - &n[l.rcb_slot(0)]);
            out[k + 1] = &c[l.rcb_prod(0)] * (zr - &c[l.sorted_rcb(0)]) - (zr - &c[l.rcb_slot(0)]);
            k += 2;
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
            b.push(Boundary { col: l.rcb_addr(), row: 0, value: fe(rc.base) });
            b.push(Boundary { col: l.rcb_addr(), row: last, value: fe(rc.stop.saturating_sub(1).max(rc.base)) });
            b.push(Boundary { col: l.rcb_prod(sb - 1), row: last, value: FE::one() });
            b.push(Boundary { col: l.sorted_rcb(0), row: 0, value: fe(pi.rcb_min as u64) });
            b.push(Boundary { col: l.sorted_rcb(sb - 1), row: last, value: fe(pi.rcb_max as u64) });
        }
        b
    }

    #[cfg(feature = "prover")]
    fn build_aux(&self, main: &[Vec<FE>], ch: &[FE]) -> Vec<Vec<FE>> {
        super::trace::build_aux(self, main, ch)
    }
}

/// The whitepaper's CPU constraints on one row (and the next, for register updates).
fn eval_cpu(air: &CairoAir, c: &[FE], n: &[FE], out: &mut [FE]) {
    let one = FE::one();
    let f = |i: usize| &c[F0 + i];
    let off = |col: usize| &c[col] - &air.bias;
    // Instruction decomposition into biased offsets and flags.
    let mut flags = FE::zero();
    for i in (0..15).rev() {
        flags = flags.double() + f(i);
    }
    out[0] = &c[INST]
        - (&c[OFF_DST] + &air.two16 * &c[OFF_OP0] + &air.two32 * &c[OFF_OP1] + &air.two48 * flags);
    for i in 0..15 {
        out[1 + i] = f(i) * (f(i) - &one);
    }
    // Operand addresses.
    out[16] = &c[DST_ADDR] - (f(DST_REG) * &c[FP] + (&one - f(DST_REG)) * &c[AP] + off(OFF_DST));
    out[17] = &c[OP0_ADDR] - (f(OP0_REG) * &c[FP] + (&one - f(OP0_REG)) * &c[AP] + off(OFF_OP0));
    let op1_src_op0 = &one - f(OP1_IMM) - f(OP1_FP) - f(OP1_AP);
    out[18] = &c[OP1_ADDR]
        - (f(OP1_IMM) * &c[PC] + f(OP1_AP) * &c[AP] + f(OP1_FP) * &c[FP] + op1_src_op0 * &c[OP0] + off(OFF_OP1));
    // res.
    out[19] = &c[MUL] - &c[OP0] * &c[OP1];
    let res_op1 = &one - f(RES_ADD) - f(RES_MUL) - f(PC_JNZ);
    out[20] = (&one - f(PC_JNZ)) * &c[RES]
        - (f(RES_ADD) * (&c[OP0] + &c[OP1]) + f(RES_MUL) * &c[MUL] + res_op1 * &c[OP1]);
    // Conditional jump helpers: t0 = jnz·dst, t1 = t0·res (res = 1/dst when jumping).
    out[21] = &c[T0] - f(PC_JNZ) * &c[DST];
    out[22] = &c[T1] - &c[T0] * &c[RES];
    let size = f(OP1_IMM) + &one;
    let pc_next_regular = &c[PC] + &size;
    out[23] = (&c[T1] - f(PC_JNZ)) * (&n[PC] - &pc_next_regular);
    let regular = &one - f(PC_JUMP_ABS) - f(PC_JUMP_REL) - f(PC_JNZ);
    out[24] = &c[T0] * (&n[PC] - (&c[PC] + &c[OP1])) + (&one - f(PC_JNZ)) * &n[PC]
        - (regular * &pc_next_regular + f(PC_JUMP_ABS) * &c[RES] + f(PC_JUMP_REL) * (&c[PC] + &c[RES]));
    // ap and fp updates.
    out[25] = &n[AP] - (&c[AP] + f(AP_ADD) * &c[RES] + f(AP_ADD1) + f(OPCODE_CALL).double());
    out[26] = &n[FP]
        - (f(OPCODE_RET) * &c[DST]
            + f(OPCODE_CALL) * (&c[AP] + fe(2))
            + (&one - f(OPCODE_CALL) - f(OPCODE_RET)) * &c[FP]);
    // call pushes fp and the return pc; assert_eq.
    out[27] = f(OPCODE_CALL) * (&c[DST] - &c[FP]);
    out[28] = f(OPCODE_CALL) * (&c[OP0] - pc_next_regular);
    out[29] = f(OPCODE_ASSERT_EQ) * (&c[DST] - &c[RES]);
}
