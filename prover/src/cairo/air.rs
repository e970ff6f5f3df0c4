//! The Cairo AIR: the CPU (`cpu`), the memory argument (continuous, single-valued, with
//! public memory), the range check of the offsets (`range`), and the builtins of the
//! layout (`builtins`), each with its own columns, constraints and boundaries. Constraints
//! come in that order: CPU, memory, offsets, then the builtins in registry order.

use super::builtins::Builtin;
use super::cpu::{self, AP, FP, INST, PC};
use super::layout::{Layout, Place};
use super::public_input::CairoPublicInput;
use super::range::RangeArgument;
use crate::air::{Air, Boundary, RowSet};
use crate::field::{fe, FE};
use std::ops::Range;

pub struct CairoAir {
    pub pi: CairoPublicInput,
    pub trace_length: usize,
    /// Layout copy (also inside `pi`).
    l: Layout,
    /// The range check of the offsets.
    offsets: RangeArgument,
    builtins: Vec<Placed>,
}

/// A builtin of the layout, where its columns are, and which constraints and periodic
/// columns are its.
struct Placed {
    /// Its position in the registry (and in the public input's segments).
    index: usize,
    b: &'static dyn Builtin,
    at: Place,
    constraints: Range<usize>,
    periodic: Range<usize>,
}

/// Challenges: memory (z, alpha), range check (z, shared by the offsets and the
/// range_check builtin's parts).
const CH_MEM_Z: usize = 0;
const CH_MEM_A: usize = 1;
pub(crate) const CH_RC_Z: usize = 2;

impl CairoAir {
    pub fn new(pi: CairoPublicInput, trace_length: usize) -> Self {
        let l = pi.layout;
        let offsets = RangeArgument {
            values: cpu::OFF_DST,
            count: 3,
            spares: l.rc_fill_col(0),
            slots: l.rc_slots(),
            sorted: l.sorted_rc(0),
            product: l.rc_prod(0),
        };
        let (mut k, mut p) = (core_rows(&l).len(), 0);
        let builtins = l
            .places()
            .into_iter()
            .map(|(index, b, at)| {
                let (nk, np) = (b.transition_rows(&l).len(), b.periodic_columns().len());
                let placed = Placed { index, b, at, constraints: k..k + nk, periodic: p..p + np };
                (k, p) = (k + nk, p + np);
                placed
            })
            .collect();
        CairoAir { pi, trace_length, l, offsets, builtins }
    }

    /// Every unsorted memory slot of a row (main columns) as (address, value).
    pub fn mem_pairs(&self, row: &[FE]) -> Vec<(FE, FE)> {
        let l = &self.l;
        let mut v = Vec::with_capacity(l.mem_slots());
        v.extend(cpu::ACCESSES.map(|(a, x)| (row[a], row[x])));
        v.extend((0..l.mem_extra).map(|k| (row[l.extra_addr(k)], row[l.extra_val(k)])));
        for p in &self.builtins {
            p.b.memory(&p.at, row, &mut v);
        }
        v
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

    /// The indices of builtin `name`'s transition constraints.
    #[cfg(test)]
    pub(crate) fn constraints_of(&self, name: &str) -> Option<Range<usize>> {
        self.builtins.iter().find(|p| p.b.name() == name).map(|p| p.constraints.clone())
    }

    /// Memory: the sorted pairs step by 0 or 1 in address and keep their value on equal
    /// addresses (within rows, then across); the running product
    /// p_s = p_(s-1) · (z - (a_s + αv_s)) / (z - (a'_s + αv'_s)) of the unsorted over the
    /// sorted pairs (within rows, across, first link). Returns the number written.
    fn eval_memory(&self, c: &[FE], n: &[FE], ch: &[FE], out: &mut [FE]) -> usize {
        let l = &self.l;
        let (sm, one) = (l.mem_slots(), FE::one());
        let mut k = 0;
        let mut step = |da: FE, dv: FE| {
            out[k] = da * (da - one);
            out[k + 1] = dv * (da - one);
            k += 2;
        };
        for s in 0..sm - 1 {
            step(c[l.sorted_addr(s + 1)] - c[l.sorted_addr(s)], c[l.sorted_val(s + 1)] - c[l.sorted_val(s)]);
        }
        step(n[l.sorted_addr(0)] - c[l.sorted_addr(sm - 1)], n[l.sorted_val(0)] - c[l.sorted_val(sm - 1)]);
        let (zm, al) = (&ch[CH_MEM_Z], &ch[CH_MEM_A]);
        let unsorted = |(a, v): &(FE, FE)| zm - (a + al * v);
        let sorted = |row: &[FE], s: usize| zm - (row[l.sorted_addr(s)] + al * row[l.sorted_val(s)]);
        let pairs = self.mem_pairs(c);
        for s in 1..sm {
            out[k] = c[l.mem_prod(s)] * sorted(c, s) - c[l.mem_prod(s - 1)] * unsorted(&pairs[s]);
            k += 1;
        }
        // The next row's first slot is its instruction fetch.
        out[k] = n[l.mem_prod(0)] * sorted(n, 0) - c[l.mem_prod(sm - 1)] * unsorted(&(n[PC], n[INST]));
        out[k + 1] = c[l.mem_prod(0)] * sorted(c, 0) - unsorted(&pairs[0]);
        k + 2
    }
}

/// Where the CPU, memory and offset constraints hold (the builtins' follow).
fn core_rows(l: &Layout) -> Vec<RowSet> {
    let mut v = cpu::transition_rows();
    let sm = l.mem_slots();
    // Memory: continuity + single value, within rows then across rows.
    v.extend(std::iter::repeat_n(RowSet::AllBut(0), 2 * (sm - 1)));
    v.extend([RowSet::AllBut(1), RowSet::AllBut(1)]);
    // Memory running product: within rows, across rows, first link.
    v.extend(std::iter::repeat_n(RowSet::AllBut(0), sm - 1));
    v.extend([RowSet::AllBut(1), RowSet::Only(0)]);
    v.extend(RangeArgument::transition_rows(l.rc_slots()));
    v
}

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
        self.builtins.iter().map(|p| p.b.degree()).fold(2, usize::max)
    }

    fn periodic_columns(&self) -> Vec<Vec<FE>> {
        self.builtins.iter().flat_map(|p| p.b.periodic_columns()).collect()
    }

    fn transition_rows(&self) -> Vec<RowSet> {
        let mut v = core_rows(&self.l);
        for p in &self.builtins {
            v.extend(p.b.transition_rows(&self.l));
        }
        v
    }

    fn eval_transition(&self, c: &[FE], n: &[FE], per: &[FE], ch: &[FE], out: &mut [FE]) {
        cpu::eval(c, n, &mut out[..cpu::CONSTRAINTS]);
        let mut k = cpu::CONSTRAINTS;
        k += self.eval_memory(c, n, ch, &mut out[k..]);
        k += self.offsets.eval(c, n, &ch[CH_RC_Z], &mut out[k..]);
        for p in &self.builtins {
            debug_assert_eq!(k, p.constraints.start);
            p.b.eval(&p.at, c, n, &per[p.periodic.clone()], ch, &mut out[p.constraints.clone()]);
            k = p.constraints.end;
        }
        debug_assert_eq!(k, out.len());
    }

    fn boundaries(&self, ch: &[FE]) -> Vec<Boundary> {
        let last = self.trace_length - 1;
        let (l, pi) = (&self.l, &self.pi);
        let mut b = vec![
            Boundary { col: PC, row: 0, value: fe(pi.initial_pc) },
            Boundary { col: AP, row: 0, value: fe(pi.initial_ap) },
            Boundary { col: FP, row: 0, value: fe(pi.initial_ap) },
            Boundary { col: PC, row: last, value: fe(pi.final_pc) },
            Boundary { col: AP, row: last, value: fe(pi.final_ap) },
            Boundary {
                col: l.mem_prod(l.mem_slots() - 1),
                row: last,
                value: self.public_memory_product(&ch[CH_MEM_Z], &ch[CH_MEM_A]),
            },
        ];
        b.extend(self.offsets.boundaries(pi.rc_min, pi.rc_max, last));
        for p in &self.builtins {
            b.extend(p.b.boundaries(&p.at, pi, pi.segments[p.index], last));
        }
        b
    }

    #[cfg(feature = "prover")]
    fn build_aux(&self, main: &[Vec<FE>], ch: &[FE]) -> Vec<Vec<FE>> {
        let mut aux = super::trace::memory_products(self, main, &ch[CH_MEM_Z], &ch[CH_MEM_A]);
        aux.extend(self.offsets.build_aux(main, &ch[CH_RC_Z]));
        for p in &self.builtins {
            aux.extend(p.b.build_aux(&p.at, main, ch));
        }
        aux
    }
}
