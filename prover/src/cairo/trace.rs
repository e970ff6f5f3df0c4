//! Builds the Cairo AIR's trace from an execution (registers per step + relocated memory):
//! the CPU columns, spare memory slots (public-memory dummies, hole fillers), range-check
//! fillers, the range_check builtin decomposition, the bitwise and pedersen builtin blocks,
//! the poseidon rows, the sorted columns, and the aux running products once the challenges
//! are known.

use super::air::CairoAir;
use super::instruction::{decode, fe_to_u64, OFFSET_BIAS};
use super::layout::*;
use super::pedersen::{self, InstanceRows};
use super::public_input::CairoPublicInput;
use crate::error::ProveError;
use crate::field::{batch_inverse, fe, FE};
use std::rc::Rc;

/// A Cairo run as the prover needs it (independent of the VM that produced it).
#[derive(Clone, Debug)]
pub struct Execution {
    /// (pc, ap, fp) per step, relocated.
    pub registers: Vec<(u64, u64, u64)>,
    /// Relocated memory; index = address.
    pub memory: Vec<Option<FE>>,
    /// Public input (rc_min/rc_max are filled in by `build_main`).
    pub public_input: CairoPublicInput,
}

fn terr(s: String) -> ProveError {
    ProveError::Trace(s)
}

/// CPU columns of one step.
fn cpu_row(mem: &[Option<FE>], pc: u64, ap: u64, fp: u64) -> Result<[FE; CPU_COLUMNS], ProveError> {
    let get = |a: u64| mem.get(a as usize).cloned().flatten().unwrap_or_else(FE::zero);
    let inst = mem
        .get(pc as usize)
        .cloned()
        .flatten()
        .ok_or_else(|| terr(format!("no instruction at pc {pc}")))?;
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
    let mut row: [FE; CPU_COLUMNS] = std::array::from_fn(|_| FE::zero());
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

/// 16-bit limbs of a value below 2^128.
fn rc_parts(v: &FE) -> Option<[u64; RC_PARTS]> {
    let b = crate::field::fe_to_bytes(v);
    if b[..16].iter().any(|&c| c != 0) {
        return None;
    }
    let mut p = [0u64; RC_PARTS];
    for (k, part) in p.iter_mut().enumerate() {
        let i = 32 - 2 * (k + 1);
        *part = u16::from_be_bytes([b[i], b[i + 1]]) as u64;
    }
    Some(p)
}

/// One bitwise instance as the trace holds it: address, x and y (big-endian bytes, below
/// 2^251) and the value of its x&y cell.
#[derive(Clone)]
struct BwInstance {
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

impl BwInstance {
    fn read(mem: &[Option<FE>], ia: u64) -> Result<Self, ProveError> {
        let get = |a: u64| mem.get(a as usize).cloned().flatten();
        let bytes = |a: u64| -> Result<[u8; 32], ProveError> {
            let b = crate::field::fe_to_bytes(&get(a).unwrap_or_else(FE::zero));
            // Below 2^251: the top five bits of the 256-bit big-endian value are zero.
            if b[0] >> (BW_TOTAL_BITS - 248) != 0 {
                return Err(terr(format!("bitwise input at {a} >= 2^{BW_TOTAL_BITS}")));
            }
            Ok(b)
        };
        #[allow(unused_mut)]
        let (mut x, y) = (bytes(ia)?, bytes(ia + 1)?);
        let (xv, yv) = (Self::value(&x), Self::value(&y));
        // The x&y cell as memory holds it (cairo-vm deduced it; the AIR checks it).
        let and = match get(ia + 2) {
            Some(v) => v,
            None => Self::value(&std::array::from_fn(|i| x[i] & y[i])),
        };
        #[cfg(test)]
        if FORGE_NONCANONICAL_X.with(|f| f.get()) == Some(ia) {
            x = add_modulus(&x);
        }
        Ok(BwInstance { ia, x, y, xv, yv, and })
    }
    fn value(b: &[u8; 32]) -> FE {
        crate::field::fe_from_bytes(b).unwrap_or_else(FE::zero)
    }
    /// The five memory cells (x, y, x&y, x^y, x|y) as the AIR derives them.
    fn cells(&self) -> [(u64, FE); BW_CELLS] {
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

/// x + p as a 256-bit big-endian integer (x < 2^251, so it does not overflow).
#[cfg(test)]
pub(crate) fn add_modulus(x: &[u8; 32]) -> [u8; 32] {
    let p = crate::field::fe_to_bytes(&(FE::zero() - FE::one()));
    let mut out = [0u8; 32];
    let mut carry = 1u16; // p = (p - 1) + 1
    for i in (0..32).rev() {
        let s = x[i] as u16 + p[i] as u16 + carry;
        out[i] = s as u8;
        carry = s >> 8;
    }
    out
}

/// The bitwise block columns (`BW_COLUMNS` of them, `n` rows) for one instance per block.
fn bitwise_columns(blocks: &[BwInstance], n: usize) -> Vec<Vec<FE>> {
    let mut cols: Vec<Vec<FE>> = (0..BW_COLUMNS).map(|_| Vec::with_capacity(n)).collect();
    let last = fe((BW_ROWS - 1) as u64);
    let inv: Vec<FE> = (0..BW_ROWS)
        .map(|r| (fe(r as u64) - last).inv().unwrap_or_else(|_| FE::zero()))
        .collect();
    let two16 = fe(1 << 16);
    for i in 0..n {
        let (b, r) = (&blocks[i / BW_ROWS], i % BW_ROWS);
        let (cx, cy) = (BwInstance::chunk(&b.x, r), BwInstance::chunk(&b.y, r));
        cols[BW_IA].push(fe(b.ia));
        cols[BW_CNT].push(fe(r as u64));
        cols[BW_S].push(if r == BW_ROWS - 1 { FE::one() } else { FE::zero() });
        cols[BW_INV].push(inv[r]);
        for (k, chunk) in [cx, cy, cx & cy].into_iter().enumerate() {
            let acc = if r == 0 { FE::zero() } else { cols[BW_ACC + k][i - 1] * two16 };
            cols[BW_ACC + k].push(acc + fe(chunk));
        }
        cols[BW_VAL].push(b.xv);
        cols[BW_VAL + 1].push(b.yv);
        cols[BW_VAL + 2].push(b.and);
        for j in 0..BW_BITS {
            cols[BW_XBITS + j].push(fe((cx >> j) & 1));
            cols[BW_YBITS + j].push(fe((cy >> j) & 1));
        }
    }
    cols
}

/// One poseidon instance: address, input, output and the S-box outputs (cubes).
#[derive(Clone)]
struct PsInstance {
    ia: u64,
    input: [FE; 3],
    output: [FE; 3],
    cubes: Vec<FE>,
}

// Test-only forging: the address of a poseidon instance whose output is taken from memory
// (which the test forged) and whose last three cubes are solved to produce it, so that only
// the last round's cube constraints break.
#[cfg(test)]
thread_local! {
    pub(crate) static FORGE_POSEIDON_OUTPUT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

impl PsInstance {
    fn new(ia: u64, input: [FE; 3]) -> Self {
        let (output, cubes) = super::poseidon::hades_with_cubes(&input);
        PsInstance { ia, input, output, cubes }
    }
    fn read(mem: &[Option<FE>], ia: u64) -> Self {
        let get = |a: u64| mem.get(a as usize).cloned().flatten().unwrap_or_else(FE::zero);
        #[allow(unused_mut)]
        let mut p = Self::new(ia, [get(ia), get(ia + 1), get(ia + 2)]);
        #[cfg(test)]
        if FORGE_POSEIDON_OUTPUT.with(|f| f.get()) == Some(ia) {
            // The last round's cubes are mix^-1(output); mix = [[3,1,1],[1,-1,1],[1,1,-2]]
            // and its inverse is [[1,3,2],[3,-7,-2],[2,-2,-4]] / 8.
            let o = [get(ia + 3), get(ia + 4), get(ia + 5)];
            let inv8 = fe(8).inv().unwrap_or_else(|_| FE::zero());
            let m = [[1i64, 3, 2], [3, -7, -2], [2, -2, -4]];
            let k = PS_CUBES - 3;
            for (i, row) in m.iter().enumerate() {
                let mut v = FE::zero();
                for (j, &c) in row.iter().enumerate() {
                    let c = if c < 0 { FE::zero() - fe(c.unsigned_abs()) } else { fe(c as u64) };
                    v += c * o[j];
                }
                p.cubes[k + i] = v * inv8;
            }
            p.output = o;
        }
        p
    }
    fn cells(&self) -> [(u64, FE); PS_CELLS] {
        std::array::from_fn(|j| (self.ia + j as u64, if j < 3 { self.input[j] } else { self.output[j - 3] }))
    }
}

/// One pedersen instance: address, the inputs and hash cell as memory holds them, and the
/// block's rows (shared by the padding blocks that repeat it).
#[derive(Clone)]
struct PdInstance {
    ia: u64,
    x: FE,
    y: FE,
    hash: FE,
    rows: Rc<InstanceRows>,
}

// Test-only forging: the address of a pedersen instance whose x is decomposed as the
// integer x + p (a non-canonical decomposition that the below-p constraints must reject).
#[cfg(test)]
thread_local! {
    pub(crate) static FORGE_PEDERSEN_NONCANONICAL_X: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

impl PdInstance {
    fn new(ia: u64, x: FE, y: FE, hash: Option<FE>) -> Self {
        #[allow(unused_mut)]
        let mut x_bits = pedersen::canonical_bits(&x);
        #[cfg(test)]
        if FORGE_PEDERSEN_NONCANONICAL_X.with(|f| f.get()) == Some(ia) {
            x_bits = pedersen::bits_of(&add_modulus(&crate::field::fe_to_bytes(&x)));
        }
        let rows = pedersen::instance_rows(&x_bits, &pedersen::canonical_bits(&y));
        // The hash cell as memory holds it (cairo-vm computed it; the AIR checks it).
        let hash = hash.unwrap_or(rows.hash);
        PdInstance { ia, x, y, hash, rows: Rc::new(rows) }
    }
    fn read(mem: &[Option<FE>], ia: u64) -> Self {
        let get = |a: u64| mem.get(a as usize).cloned().flatten();
        Self::new(ia, get(ia).unwrap_or_else(FE::zero), get(ia + 1).unwrap_or_else(FE::zero), get(ia + 2))
    }
    fn cells(&self) -> [(u64, FE); PD_CELLS] {
        [(self.ia, self.x), (self.ia + 1, self.y), (self.ia + 2, self.hash)]
    }
}

/// The pedersen block columns (`PD_COLUMNS` of them, `n` rows) for one instance per block.
fn pedersen_columns(blocks: &[PdInstance], n: usize) -> Vec<Vec<FE>> {
    let mut cols: Vec<Vec<FE>> = (0..PD_COLUMNS).map(|_| Vec::with_capacity(n)).collect();
    for b in blocks {
        let r = &b.rows;
        for i in 0..PD_ROWS {
            cols[PD_IA].push(fe(b.ia));
            cols[PD_SUFFIX].push(r.suffix[i]);
            cols[PD_SUM_X].push(r.sum_x[i]);
            cols[PD_SUM_Y].push(r.sum_y[i]);
            cols[PD_SLOPE].push(r.slope[i]);
            cols[PD_VAL].push(b.x);
            cols[PD_VAL + 1].push(b.y);
            cols[PD_VAL + 2].push(b.hash);
            cols[PD_TOP].push(r.top[i]);
            cols[PD_MID].push(r.mid[i]);
            cols[PD_LOW].push(r.low[i]);
        }
    }
    cols
}

/// The main trace (columns) and the completed public input. The trace is the execution
/// padded with copies of its final `jmp rel 0` step, doubled until the spare slots can
/// hold the public-memory dummies and every memory and range-check hole, and the bitwise
/// blocks every bitwise instance.
pub fn build_main(exec: &Execution, min_log_n: u32) -> Result<(CairoPublicInput, Vec<Vec<FE>>), ProveError> {
    let steps = exec.registers.len();
    if steps == 0 {
        return Err(terr("empty execution".into()));
    }
    let mut pi = exec.public_input.clone();
    let l = pi.layout;
    let mem = &exec.memory;
    let cpu: Vec<[FE; CPU_COLUMNS]> = exec
        .registers
        .iter()
        .map(|&(pc, ap, fp)| cpu_row(mem, pc, ap, fp))
        .collect::<Result<_, _>>()?;
    let public = pi.public_memory();
    let get = |a: u64| mem.get(a as usize).cloned().flatten().unwrap_or_else(FE::zero);

    let mut n = steps.next_power_of_two().max(1 << min_log_n);
    if l.bitwise {
        n = n.max(BW_ROWS);
    }
    if l.pedersen {
        n = n.max(PD_ROWS);
    }
    // An address past everything the run and the claimed segments use (for the dummy cells
    // of declared but unused builtins).
    let fresh = {
        let cpu_max = cpu.iter().flat_map(|r| [PC, DST_ADDR, OP0_ADDR, OP1_ADDR].map(|c| fe_to_u64(&r[c]).unwrap_or(0)));
        let seg_stops = [pi.pedersen, pi.range_check, pi.bitwise, pi.poseidon].into_iter().flatten().map(|s| s.stop);
        cpu_max.chain(public.iter().map(|x| x.0)).map(|a| a + 1).chain(seg_stops).fold(mem.len() as u64, u64::max)
    };
    loop {
        let row_of = |i: usize| &cpu[i.min(steps - 1)];
        // Builtin cells: row i covers address base + i (clamped to the last cell). Without
        // instances, every row holds a dummy (fresh address, value 0): the AIR pins the
        // address only when there are instances, and the cell at `base` may belong to the
        // next segment (and hold any value).
        let rcb: Vec<(u64, [u64; RC_PARTS])> = match pi.range_check {
            Some(rc) if l.rc_builtin && rc.stop == rc.base => vec![(fresh, [0; RC_PARTS]); n],
            Some(rc) if l.rc_builtin => {
                if (rc.stop - rc.base) as usize > n {
                    n *= 2;
                    continue;
                }
                let last = rc.stop.saturating_sub(1).max(rc.base);
                (0..n as u64)
                    .map(|i| {
                        let a = (rc.base + i).min(last);
                        let v = get(a);
                        rc_parts(&v).map(|p| (a, p)).ok_or_else(|| terr(format!("range_check value at {a} >= 2^128")))
                    })
                    .collect::<Result<_, _>>()?
            }
            _ => Vec::new(),
        };
        let rcb_value = |p: &[u64; RC_PARTS]| p.iter().rev().fold(FE::zero(), |acc, x| acc * fe(1 << 16) + fe(*x));

        // Memory accesses that the rows make, and which addresses are covered.
        let mut accesses: Vec<(u64, FE)> = Vec::with_capacity(n * l.mem_slots());
        for i in 0..n {
            let r = row_of(i);
            for (a, v) in [(PC, INST), (DST_ADDR, DST), (OP0_ADDR, OP0), (OP1_ADDR, OP1)] {
                let addr = fe_to_u64(&r[a]).ok_or_else(|| terr("address out of range".into()))?;
                accesses.push((addr, r[v]));
            }
        }
        for (a, p) in &rcb {
            accesses.push((*a, rcb_value(p)));
        }
        let mut max_addr = accesses.iter().map(|x| x.0).chain(public.iter().map(|x| x.0)).max().unwrap_or(0);
        // Bitwise: block b holds instance min(b, m - 1) (padding repeats the last one). A
        // program that declares bitwise but never uses it gets one all-zero dummy instance
        // on fresh addresses past the end of memory (the AIR leaves its address free).
        let bw_blocks: Vec<BwInstance> = match pi.bitwise {
            Some(bw) if l.bitwise => {
                let z = FE::zero();
                let dummy = || BwInstance { ia: max_addr + 1, x: [0; 32], y: [0; 32], xv: z, yv: z, and: z };
                let read = |k: u64| BwInstance::read(mem, bw.base + BW_CELLS as u64 * k);
                match tile(pi.bitwise_instances(), BW_ROWS, n, dummy, read)? {
                    Some(blocks) => blocks,
                    None => {
                        n = doubled(n, "bitwise")?;
                        continue;
                    }
                }
            }
            _ => Vec::new(),
        };
        for i in 0..n {
            if let Some(b) = bw_blocks.get(i / BW_ROWS) {
                let cells = b.cells();
                max_addr = max_addr.max(cells[BW_CELLS - 1].0);
                accesses.extend(cells);
            }
        }
        // Poseidon: row i holds instance min(i, m - 1); a declared but unused builtin gets
        // one dummy instance (input 0) on fresh addresses, as for bitwise.
        let ps_rows: Vec<PsInstance> = match pi.poseidon {
            Some(ps) if l.poseidon => {
                let dummy = || PsInstance::new(max_addr + 1, [FE::zero(), FE::zero(), FE::zero()]);
                let read = |k: u64| Ok(PsInstance::read(mem, ps.base + PS_CELLS as u64 * k));
                match tile(pi.poseidon_instances(), 1, n, dummy, read)? {
                    Some(rows) => rows,
                    None => {
                        n = doubled(n, "poseidon")?;
                        continue;
                    }
                }
            }
            _ => Vec::new(),
        };
        for p in &ps_rows {
            let cells = p.cells();
            max_addr = max_addr.max(cells[PS_CELLS - 1].0);
            accesses.extend(cells);
        }
        // Pedersen: block b holds instance min(b, m - 1); a declared but unused builtin gets
        // one dummy instance (inputs 0) on fresh addresses, as for bitwise.
        let pd_blocks: Vec<PdInstance> = match pi.pedersen {
            Some(pd) if l.pedersen => {
                let dummy = || PdInstance::new(max_addr + 1, FE::zero(), FE::zero(), None);
                let read = |k: u64| Ok(PdInstance::read(mem, pd.base + PD_CELLS as u64 * k));
                match tile(pi.pedersen_instances(), PD_ROWS, n, dummy, read)? {
                    Some(blocks) => blocks,
                    None => {
                        n = doubled(n, "pedersen")?;
                        continue;
                    }
                }
            }
            _ => Vec::new(),
        };
        for b in &pd_blocks {
            let cells = b.cells();
            max_addr = max_addr.max(cells[PD_CELLS - 1].0);
            for _ in 0..PD_ROWS {
                accesses.extend(cells.iter().cloned());
            }
        }
        if max_addr > 1 << 32 {
            return Err(terr("memory too large".into()));
        }
        let mut covered = vec![false; max_addr as usize + 1];
        for (a, _) in accesses.iter().chain(public.iter()) {
            covered[*a as usize] = true;
        }
        let min_addr = covered.iter().position(|&c| c).unwrap_or(0);
        let holes: Vec<u64> = (min_addr..covered.len()).filter(|&a| !covered[a]).map(|a| a as u64).collect();

        // Range-checked values (offsets; builtin parts separately) and their holes.
        let mut rc_vals: Vec<u64> = Vec::with_capacity(n * l.rc_slots());
        for i in 0..n {
            let r = row_of(i);
            for c in [OFF_DST, OFF_OP0, OFF_OP1] {
                rc_vals.push(fe_to_u64(&r[c]).unwrap_or(0));
            }
        }
        let (rc_min, rc_max, rc_holes) = range_and_holes(&rc_vals);
        let part_vals: Vec<u64> = rcb.iter().flat_map(|(_, p)| p.iter().copied()).collect();
        let (b_min, b_max, b_holes) = range_and_holes(&part_vals);

        if public.len() + holes.len() > n * l.mem_extra
            || rc_holes.len() > n * l.rc_fill
            || b_holes.len() > n * l.rcb_fill
        {
            if std::env::var_os("KRAKEN_TRACE_DEBUG").is_some() {
                eprintln!(
                    "n={n}: public {} + memory holes {} > {}, rc holes {} > {}, part holes {} > {}",
                    public.len(),
                    holes.len(),
                    n * l.mem_extra,
                    rc_holes.len(),
                    n * l.rc_fill,
                    b_holes.len(),
                    n * l.rcb_fill
                );
            }
            if n >= 1 << 26 {
                return Err(terr("trace too large to cover memory holes".into()));
            }
            n *= 2;
            continue;
        }

        // Spare memory slots: |P| dummies (0, 0), then hole fillers, then more dummies.
        let mut extra: Vec<(u64, FE)> = vec![(0, FE::zero()); public.len()];
        extra.extend(holes.iter().map(|&a| (a, get(a))));
        extra.resize(n * l.mem_extra, (0, FE::zero()));
        let mut rc_fill: Vec<u64> = rc_holes.clone();
        rc_fill.resize(n * l.rc_fill, rc_min);
        let mut b_fill: Vec<u64> = b_holes.clone();
        b_fill.resize(n * l.rcb_fill, b_min);

        // Sorted memory: every access, with the dummies swapped for the public cells.
        let mut sorted: Vec<(u64, FE)> = accesses.clone();
        sorted.extend(extra[public.len()..].iter().cloned());
        sorted.extend(public.iter().cloned());
        sorted.sort_by_key(|x| x.0);
        let mut sorted_rc: Vec<u64> = rc_vals.clone();
        sorted_rc.extend_from_slice(&rc_fill);
        sorted_rc.sort_unstable();
        let mut sorted_b: Vec<u64> = part_vals.clone();
        sorted_b.extend_from_slice(&b_fill);
        sorted_b.sort_unstable();
        debug_assert_eq!(sorted.len(), n * l.mem_slots());
        debug_assert_eq!(sorted_rc.len(), n * l.rc_slots());

        let mut cols: Vec<Vec<FE>> = vec![Vec::with_capacity(n); l.num_main()];
        if l.bitwise {
            for (k, c) in bitwise_columns(&bw_blocks, n).into_iter().enumerate() {
                cols[l.bw_col(k)] = c;
            }
        }
        if l.pedersen {
            for (k, c) in pedersen_columns(&pd_blocks, n).into_iter().enumerate() {
                cols[l.pd_col(k)] = c;
            }
        }
        for p in &ps_rows {
            cols[l.ps_col(PS_IA)].push(fe(p.ia));
            for j in 0..3 {
                cols[l.ps_col(PS_IN + j)].push(p.input[j]);
            }
            for (j, c) in p.cubes.iter().enumerate() {
                cols[l.ps_col(PS_CUBE + j)].push(*c);
            }
        }
        let (sm, sr) = (l.mem_slots(), l.rc_slots());
        for i in 0..n {
            let r = row_of(i);
            for (c, v) in r.iter().enumerate() {
                cols[c].push(*v);
            }
            for k in 0..l.mem_extra {
                let (a, v) = &extra[i * l.mem_extra + k];
                cols[l.extra_addr(k)].push(fe(*a));
                cols[l.extra_val(k)].push(*v);
            }
            for k in 0..l.rc_fill {
                cols[l.rc_fill_col(k)].push(fe(rc_fill[i * l.rc_fill + k]));
            }
            if l.rc_builtin {
                let (a, p) = &rcb[i];
                cols[l.rcb_addr()].push(fe(*a));
                for k in 0..RC_PARTS {
                    cols[l.rcb_part(k)].push(fe(p[k]));
                }
                for k in 0..l.rcb_fill {
                    cols[l.rcb_fill_col(k)].push(fe(b_fill[i * l.rcb_fill + k]));
                }
                for s in 0..l.rcb_slots() {
                    cols[l.sorted_rcb(s)].push(fe(sorted_b[i * l.rcb_slots() + s]));
                }
            }
            for s in 0..sm {
                let (a, v) = &sorted[i * sm + s];
                cols[l.sorted_addr(s)].push(fe(*a));
                cols[l.sorted_val(s)].push(*v);
            }
            for s in 0..sr {
                cols[l.sorted_rc(s)].push(fe(sorted_rc[i * sr + s]));
            }
        }
        pi.rc_min = rc_min as u16;
        pi.rc_max = rc_max as u16;
        if l.rc_builtin {
            pi.rcb_min = b_min as u16;
            pi.rcb_max = b_max as u16;
        }
        if rc_max >= 1 << 16 {
            return Err(terr("range-checked value out of [0, 2^16)".into()));
        }
        return Ok((pi, cols));
    }
}

/// A builtin's instances laid out one per block of `rows` rows in a trace of `n` rows:
/// block b holds instance min(b, m - 1) (padding repeats the last one), and a builtin
/// declared but unused holds one `dummy`. None if the trace is too short for all `m`.
fn tile<T: Clone>(
    m: u64,
    rows: usize,
    n: usize,
    dummy: impl FnOnce() -> T,
    read: impl FnMut(u64) -> Result<T, ProveError>,
) -> Result<Option<Vec<T>>, ProveError> {
    if (m as usize) * rows > n {
        return Ok(None);
    }
    let insts: Vec<T> = if m == 0 { vec![dummy()] } else { (0..m).map(read).collect::<Result<_, _>>()? };
    Ok(Some((0..n / rows).map(|b| insts[b.min(insts.len() - 1)].clone()).collect()))
}

/// The next trace length to try when `what`'s instances do not fit.
fn doubled(n: usize, what: &str) -> Result<usize, ProveError> {
    if n >= 1 << 26 {
        return Err(terr(format!("too many {what} instances")));
    }
    Ok(n * 2)
}

/// min, max and the missing values in between.
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

/// Running products of the memory and range-check permutation arguments.
pub fn build_aux(air: &CairoAir, main: &[Vec<FE>], ch: &[FE]) -> Vec<Vec<FE>> {
    let l = air.pi.layout;
    let n = air.trace_length;
    let (sm, sr, sb) = (l.mem_slots(), l.rc_slots(), l.rcb_slots());
    let w = sm + sr + sb;
    let (zm, al, zr) = (&ch[0], &ch[1], &ch[2]);
    let row = |i: usize| -> Vec<FE> { main.iter().map(|c| c[i]).collect() };
    let mut num = Vec::with_capacity(n * w);
    let mut den = Vec::with_capacity(n * w);
    for i in 0..n {
        let r = row(i);
        let pairs = air.mem_pairs(&r);
        for (s, (a, v)) in pairs.into_iter().enumerate() {
            num.push(zm - (a + al * v));
            den.push(zm - (r[l.sorted_addr(s)] + al * r[l.sorted_val(s)]));
        }
        for s in 0..sr {
            num.push(zr - r[l.rc_slot(s)]);
            den.push(zr - r[l.sorted_rc(s)]);
        }
        for s in 0..sb {
            num.push(zr - r[l.rcb_slot(s)]);
            den.push(zr - r[l.sorted_rcb(s)]);
        }
    }
    batch_inverse(&mut den);
    let mut aux: Vec<Vec<FE>> = vec![Vec::with_capacity(n); w];
    let (mut pm, mut pr, mut pb) = (FE::one(), FE::one(), FE::one());
    for i in 0..n {
        let base = i * w;
        for s in 0..sm {
            pm = pm * num[base + s] * den[base + s];
            aux[s].push(pm);
        }
        for s in 0..sr {
            pr = pr * num[base + sm + s] * den[base + sm + s];
            aux[sm + s].push(pr);
        }
        for s in 0..sb {
            pb = pb * num[base + sm + sr + s] * den[base + sm + sr + s];
            aux[sm + sr + s].push(pb);
        }
    }
    aux
}
