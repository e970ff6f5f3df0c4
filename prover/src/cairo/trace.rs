//! Builds the Cairo AIR's trace from an execution (registers per step + relocated
//! memory), in phases: the CPU rows of the steps, then for a trace length n the CPU's
//! memory accesses, the builtins' instances (each builtin fills its own columns), the
//! memory holes, the offsets' range check, the spare memory slots and the sorted memory,
//! and last the columns in layout order. n starts at the smallest power of two that holds
//! the steps and every builtin's block; at each n the spare slots grow (a few columns)
//! before n doubles (every column), until every phase fits. The aux running products are
//! built once the challenges are known.

use super::air::CairoAir;
use super::builtins::{Fill, Part};
use super::cpu;
use super::instruction::fe_to_u64;
use super::layout::Layout;
use super::public_input::CairoPublicInput;
use super::range::RangeFill;
use crate::error::ProveError;
use crate::field::{batch_inverse, fe, FE};

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

type CpuRow = [FE; cpu::COLUMNS];

/// The main trace (columns) and the completed public input. The trace is the execution
/// padded with copies of its final `jmp rel 0` step, long enough for the builtins' blocks
/// to hold every instance, and with enough spare slots (more per row, else more rows) to
/// hold the public-memory dummies and every memory and range-check hole.
pub fn build_main(exec: &Execution, min_log_n: u32) -> Result<(CairoPublicInput, Vec<Vec<FE>>), ProveError> {
    if exec.registers.is_empty() {
        return Err(terr("empty execution".into()));
    }
    let mut pi = exec.public_input.clone();
    let cpu = cpu_rows(exec)?;
    let public = pi.public_memory();
    let fresh = fresh_address(exec, &cpu, &public);
    let mut n = first_length(&pi.layout, cpu.len(), min_log_n);
    loop {
        let mut short = String::new();
        for layout in spare_slot_options(exec.public_input.layout) {
            pi.layout = layout;
            match lay_out(exec, &cpu, &public, fresh, n, &mut pi)? {
                Ok(cols) => return Ok((pi, cols)),
                Err(why) => short = why,
            }
        }
        n = doubled(n, &short)?;
    }
}

/// The layouts to try at one trace length, cheapest first: the runner's, then more spare
/// memory slots and spare range-check parts per row. A range_check builtin over
/// 128-bit values (uint256 limbs, dict keys) leaves most of the 2^16 part values as holes
/// to fill: with 1 spare part a row that alone would force 2^16 rows, where 8 spare parts
/// (21 more columns) fill them in 2^13.
fn spare_slot_options(base: Layout) -> Vec<Layout> {
    let rcb: &[usize] = if base.rcb_fill == 0 { &[0] } else { &[1, 2, 4, 8, 16] };
    let mut v = vec![base];
    for mem_extra in [base.mem_extra, 4, 8] {
        for &rcb_fill in rcb {
            let l = Layout { mem_extra: mem_extra.max(base.mem_extra), rcb_fill: rcb_fill.max(base.rcb_fill), ..base };
            if !v.contains(&l) {
                v.push(l);
            }
        }
    }
    v
}

/// The CPU columns of every step.
fn cpu_rows(exec: &Execution) -> Result<Vec<CpuRow>, ProveError> {
    exec.registers.iter().map(|&(pc, ap, fp)| cpu::row(&exec.memory, pc, ap, fp)).collect()
}

/// An address past everything the run and the claimed segments use (for the dummy cells
/// of a declared but unused range_check).
fn fresh_address(exec: &Execution, cpu: &[CpuRow], public: &[(u64, FE)]) -> u64 {
    let cpu_max = cpu.iter().flat_map(|r| cpu::ACCESSES.map(|(a, _)| fe_to_u64(&r[a]).unwrap_or(0)));
    let seg_stops = exec.public_input.segments.iter().flatten().map(|s| s.stop);
    cpu_max.chain(public.iter().map(|x| x.0)).map(|a| a + 1).chain(seg_stops).fold(exec.memory.len() as u64, u64::max)
}

/// The shortest trace to try: the steps, at least `2^min_log_n` rows and a block of each
/// builtin.
fn first_length(l: &Layout, steps: usize, min_log_n: u32) -> usize {
    l.present().map(|(_, b)| b.rows()).fold(steps.next_power_of_two().max(1 << min_log_n), usize::max)
}

/// The next trace length to try, or `error` if the trace may not grow.
fn doubled(n: usize, error: &str) -> Result<usize, ProveError> {
    if n >= 1 << 26 {
        return Err(terr(error.into()));
    }
    Ok(n * 2)
}

/// The main columns for `n` rows (and the public input's range-check bounds), or why `n`
/// is too short (the error to give if the trace may not grow).
fn lay_out(
    exec: &Execution,
    cpu: &[CpuRow],
    public: &[(u64, FE)],
    fresh: u64,
    n: usize,
    pi: &mut CairoPublicInput,
) -> Result<Result<Vec<Vec<FE>>, String>, ProveError> {
    let l = pi.layout;
    let mut accesses = cpu_accesses(cpu, n, l.mem_slots())?;
    let parts = match builtin_parts(exec, public, fresh, n, pi, &mut accesses)? {
        Ok(parts) => parts,
        Err(name) => return Ok(Err(format!("too many {name} instances"))),
    };
    let holes = memory_holes(&accesses, public)?;
    let offsets = RangeFill::new(&offsets(cpu, n), l.rc_fill, n);
    let offsets = match offsets {
        Some(o) if public.len() + holes.len() <= n * l.mem_extra => o,
        _ => {
            if std::env::var_os("KRAKEN_TRACE_DEBUG").is_some() {
                let fits = offsets.is_some();
                eprintln!("n={n}: public {} + memory holes {} > {}, or offset holes fit: {fits}", public.len(), holes.len(), n * l.mem_extra);
            }
            return Ok(Err("trace too large to cover memory holes".into()));
        }
    };
    let extra = spare_memory(&exec.memory, public.len(), &holes, n * l.mem_extra);
    let sorted = sorted_memory(&accesses, &extra[public.len()..], public);
    pi.rc_min = offsets.min as u16;
    pi.rc_max = offsets.max as u16;
    if offsets.max >= 1 << 16 {
        return Err(terr("range-checked value out of [0, 2^16)".into()));
    }
    Ok(Ok(columns(&l, cpu, n, &extra, &offsets, parts, &sorted)))
}

/// The CPU's memory accesses, row by row (padding rows repeat the last step).
fn cpu_accesses(cpu: &[CpuRow], n: usize, mem_slots: usize) -> Result<Vec<(u64, FE)>, ProveError> {
    let mut accesses = Vec::with_capacity(n * mem_slots);
    for i in 0..n {
        let r = &cpu[i.min(cpu.len() - 1)];
        for (a, v) in cpu::ACCESSES {
            let addr = fe_to_u64(&r[a]).ok_or_else(|| terr("address out of range".into()))?;
            accesses.push((addr, r[v]));
        }
    }
    Ok(accesses)
}

/// Each builtin's instances over `n` rows, in registry order; every row's accesses join
/// `accesses`. `Err` names a builtin whose instances do not fit.
fn builtin_parts(
    exec: &Execution,
    public: &[(u64, FE)],
    fresh: u64,
    n: usize,
    pi: &mut CairoPublicInput,
    accesses: &mut Vec<(u64, FE)>,
) -> Result<Result<Vec<Part>, &'static str>, ProveError> {
    let mut max_addr = accesses.iter().chain(public).map(|x| x.0).max().unwrap_or(0);
    let mut parts = Vec::new();
    for (i, b) in pi.layout.present() {
        let f = Fill { layout: pi.layout, memory: &exec.memory, n, segment: pi.segments[i], fresh, max_addr };
        let Some(part) = b.fill(&f, pi)? else { return Ok(Err(b.name())) };
        debug_assert_eq!(part.accesses.len(), n * b.slots());
        accesses.extend_from_slice(&part.accesses);
        max_addr = part.accesses.iter().map(|x| x.0).fold(max_addr, u64::max);
        parts.push(part);
    }
    Ok(Ok(parts))
}

/// The addresses between the lowest and the highest accessed or public cell that nothing
/// covers.
fn memory_holes(accesses: &[(u64, FE)], public: &[(u64, FE)]) -> Result<Vec<u64>, ProveError> {
    let max_addr = accesses.iter().chain(public).map(|x| x.0).max().unwrap_or(0);
    if max_addr > 1 << 32 {
        return Err(terr("memory too large".into()));
    }
    let mut covered = vec![false; max_addr as usize + 1];
    for (a, _) in accesses.iter().chain(public) {
        covered[*a as usize] = true;
    }
    let min_addr = covered.iter().position(|&c| c).unwrap_or(0);
    Ok((min_addr..covered.len()).filter(|&a| !covered[a]).map(|a| a as u64).collect())
}

/// The three offsets of every row.
fn offsets(cpu: &[CpuRow], n: usize) -> Vec<u64> {
    let rows = (0..n).map(|i| &cpu[i.min(cpu.len() - 1)]);
    rows.flat_map(|r| [cpu::OFF_DST, cpu::OFF_OP0, cpu::OFF_OP1].map(|c| fe_to_u64(&r[c]).unwrap_or(0))).collect()
}

/// The spare memory slots: one dummy (0, 0) per public cell (the sorted copy holds the
/// cell instead), the hole fillers, then more dummies.
fn spare_memory(mem: &[Option<FE>], public: usize, holes: &[u64], slots: usize) -> Vec<(u64, FE)> {
    let mut extra = vec![(0, FE::zero()); public];
    extra.extend(holes.iter().map(|&a| (a, mem.get(a as usize).cloned().flatten().unwrap_or_else(FE::zero))));
    extra.resize(slots, (0, FE::zero()));
    extra
}

/// The sorted memory: every access and spare but the public-memory dummies, and the public
/// cells in their place.
fn sorted_memory(accesses: &[(u64, FE)], spares: &[(u64, FE)], public: &[(u64, FE)]) -> Vec<(u64, FE)> {
    let mut sorted: Vec<(u64, FE)> = accesses.to_vec();
    sorted.extend_from_slice(spares);
    sorted.extend_from_slice(public);
    sorted.sort_by_key(|x| x.0);
    sorted
}

/// The main columns in layout order.
fn columns(l: &Layout, cpu: &[CpuRow], n: usize, extra: &[(u64, FE)], offsets: &RangeFill, parts: Vec<Part>, sorted: &[(u64, FE)]) -> Vec<Vec<FE>> {
    let row = |i: usize| &cpu[i.min(cpu.len() - 1)];
    let mut cols: Vec<Vec<FE>> = (0..cpu::COLUMNS).map(|c| (0..n).map(|i| row(i)[c]).collect()).collect();
    cols.extend(pair_columns(extra, l.mem_extra));
    cols.extend(offsets.spare_columns());
    let mut tails = Vec::new();
    for p in parts {
        cols.extend(p.columns);
        tails.extend(p.tail);
    }
    cols.extend(pair_columns(sorted, l.mem_slots()));
    cols.extend(offsets.sorted_columns());
    cols.extend(tails);
    debug_assert_eq!(cols.len(), l.num_main());
    cols
}

/// Row-major (address, value) pairs, `width` a row, as an address and a value column each.
fn pair_columns(pairs: &[(u64, FE)], width: usize) -> Vec<Vec<FE>> {
    let column = |k: usize| pairs[k..].iter().step_by(width);
    (0..width).flat_map(|k| [column(k).map(|p| fe(p.0)).collect(), column(k).map(|p| p.1).collect()]).collect()
}

/// The memory running products.
pub(super) fn memory_products(air: &CairoAir, main: &[Vec<FE>], zm: &FE, al: &FE) -> Vec<Vec<FE>> {
    let l = air.pi.layout;
    let (n, sm) = (air.trace_length, l.mem_slots());
    let (mut num, mut den) = (Vec::with_capacity(n * sm), Vec::with_capacity(n * sm));
    for i in 0..n {
        let r: Vec<FE> = main.iter().map(|c| c[i]).collect();
        for (s, (a, v)) in air.mem_pairs(&r).into_iter().enumerate() {
            num.push(zm - (a + al * v));
            den.push(zm - (r[l.sorted_addr(s)] + al * r[l.sorted_val(s)]));
        }
    }
    running_products(&num, den, sm)
}

/// The columns of a running product over `width` slots a row: slot s of row i holds the
/// product of num/den over every slot up to it, row-major.
pub(super) fn running_products(num: &[FE], mut den: Vec<FE>, width: usize) -> Vec<Vec<FE>> {
    batch_inverse(&mut den);
    let mut cols: Vec<Vec<FE>> = vec![Vec::with_capacity(num.len() / width); width];
    let mut p = FE::one();
    for (i, (x, y)) in num.iter().zip(&den).enumerate() {
        p = p * x * y;
        cols[i % width].push(p);
    }
    cols
}
