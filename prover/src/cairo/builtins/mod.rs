//! The builtins of the Cairo AIR, one module each, and the registry that lists them.
//!
//! A builtin owns its columns (a block next to the CPU's and, for an argument of its own,
//! columns after the sorted ones and aux columns), the rows of its instances, its
//! constraints and boundaries, and what its memory cells hold. The layout, the AIR, the
//! trace builder, the public input and the runner reach the builtins only through
//! [`Builtin`] and [`BUILTINS`], so a new builtin is one module plus one registry line.
//!
//! The output builtin is not one of them: it has no columns and no constraints, its cells
//! are public memory (see `public_input`).

pub mod bitwise;
pub mod pedersen;
pub mod poseidon;
pub mod range_check;

use super::layout::{Layout, Place};
use super::public_input::{CairoPublicInput, Segment};
use crate::air::{Boundary, RowSet};
use crate::field::{fe, FE};
#[cfg(feature = "prover")]
use crate::error::ProveError;

/// The registry, in the order of the proof format: a builtin's position is its bit in the
/// layout byte and orders its columns, constraints, boundaries and segment bytes, so a
/// new builtin goes at the end.
pub const BUILTINS: [&dyn Builtin; 4] = [&range_check::RangeCheck, &bitwise::Bitwise, &poseidon::Poseidon, &pedersen::Pedersen];

/// The order cairo-lang (and cairo-vm) require of `%builtins` after `output`; it is also
/// the order of main's implicit arguments and of the builtin segments in memory.
const CAIRO_ORDER: [&str; 10] =
    ["pedersen", "range_check", "ecdsa", "bitwise", "ec_op", "keccak", "poseidon", "range_check96", "add_mod", "mul_mod"];

/// A builtin's position in [`BUILTINS`].
pub fn index(name: &str) -> Option<usize> {
    BUILTINS.iter().position(|b| b.name() == name)
}

/// The positions in [`BUILTINS`], in Cairo's order.
pub fn cairo_order() -> Vec<usize> {
    let mut v: Vec<usize> = (0..BUILTINS.len()).collect();
    v.sort_by_key(|&i| CAIRO_ORDER.iter().position(|&name| name == BUILTINS[i].name()));
    v
}

/// One builtin of the Cairo AIR. Instances take `rows()` consecutive rows each (the last
/// one repeats to fill the trace) and every row accesses `slots()` memory cells of its
/// instance (by default all `cells()`). Column indices come from a [`Place`]: main
/// columns, then aux columns.
pub trait Builtin: Sync {
    /// Cairo's name: the `%builtins` entry, cairo-vm's segment, the program hash header.
    fn name(&self) -> &'static str;
    /// Memory cells per instance.
    fn cells(&self) -> usize;
    /// Memory cells each row accesses.
    fn slots(&self) -> usize {
        self.cells()
    }
    /// Trace rows per instance.
    fn rows(&self) -> usize;
    /// Columns of its block.
    fn columns(&self, l: &Layout) -> usize;
    /// Columns after the sorted ones, for an argument of its own.
    fn tail_columns(&self, _l: &Layout) -> usize {
        0
    }
    /// Aux columns, for an argument of its own.
    fn aux_columns(&self, _l: &Layout) -> usize {
        0
    }
    /// The largest degree of its constraints (a periodic column counts 1).
    fn degree(&self) -> usize;
    /// Its periodic columns (see `Air::periodic_columns`).
    fn periodic_columns(&self) -> Vec<Vec<FE>> {
        Vec::new()
    }
    /// Where each of its transition constraints holds, in the order `eval` writes them.
    fn transition_rows(&self, l: &Layout) -> Vec<RowSet>;
    /// Its transition constraints on a row pair, with its own periodic columns.
    fn eval(&self, at: &Place, cur: &[FE], next: &[FE], periodic: &[FE], challenges: &[FE], out: &mut [FE]);
    /// Appends the (address, value) of each of its `slots()` accesses on a row of main
    /// columns.
    fn memory(&self, at: &Place, row: &[FE], out: &mut Vec<(FE, FE)>);
    /// Its boundary constraints, given the segment the public input claims for it.
    fn boundaries(&self, at: &Place, pi: &CairoPublicInput, segment: Option<Segment>, last: usize) -> Vec<Boundary>;
    /// Its instances laid over the trace (None if they do not fit in `f.n` rows). It may
    /// record what the verifier needs to know about its rows in the public input.
    #[cfg(feature = "prover")]
    fn fill(&self, f: &Fill, pi: &mut CairoPublicInput) -> Result<Option<Part>, ProveError>;
    /// Its aux columns, from the main columns.
    #[cfg(feature = "prover")]
    fn build_aux(&self, _at: &Place, _main: &[Vec<FE>], _challenges: &[FE]) -> Vec<Vec<FE>> {
        Vec::new()
    }
}

/// The boundaries of a builtin's instance-address column: the first block holds the
/// instance at `base` and the last the one at `stop - cells` (the address steps by 0 or
/// `cells` between blocks, so the blocks hold every instance in order). Without instances
/// the blocks hold a dummy and the column is left free.
pub fn instance_bounds(col: usize, cells: usize, segment: Option<Segment>, last: usize) -> Vec<Boundary> {
    match segment.filter(|s| s.stop > s.base) {
        Some(s) => vec![Boundary { col, row: 0, value: fe(s.base) }, Boundary { col, row: last, value: fe(s.stop - cells as u64) }],
        None => Vec::new(),
    }
}

/// What a builtin's `fill` gets: the memory, the trace length, its claimed segment and
/// where a dummy instance may go.
#[cfg(feature = "prover")]
pub struct Fill<'a> {
    pub layout: Layout,
    pub memory: &'a [Option<FE>],
    pub n: usize,
    pub segment: Option<Segment>,
    /// An address past everything the run and the claimed segments use.
    pub fresh: u64,
    /// The largest address accessed so far: by the CPU, the public memory and the
    /// builtins before this one.
    pub max_addr: u64,
}

#[cfg(feature = "prover")]
impl Fill<'_> {
    /// Memory cell `a`, if set.
    pub fn get(&self, a: u64) -> Option<FE> {
        self.memory.get(a as usize).cloned().flatten()
    }

    /// The segment's instances, one per block of `b.rows()` rows: block i holds instance
    /// min(i, m - 1) (padding repeats the last one), and a builtin declared but unused
    /// holds one `dummy`. `read` gets an instance's first address. None if the trace is too
    /// short for all m.
    pub fn tile<T: Clone>(
        &self,
        b: &dyn Builtin,
        dummy: impl FnOnce() -> T,
        mut read: impl FnMut(u64) -> Result<T, ProveError>,
    ) -> Result<Option<Vec<T>>, ProveError> {
        let (cells, rows) = (b.cells() as u64, b.rows());
        let (base, m) = self.segment.map_or((0, 0), |s| (s.base, s.stop.saturating_sub(s.base) / cells));
        if (m as usize) * rows > self.n {
            return Ok(None);
        }
        let insts: Vec<T> = if m == 0 { vec![dummy()] } else { (0..m).map(|k| read(base + cells * k)).collect::<Result<_, _>>()? };
        Ok(Some((0..self.n / rows).map(|i| insts[i.min(insts.len() - 1)].clone()).collect()))
    }
}

/// A builtin's share of a trace of n rows.
#[cfg(feature = "prover")]
pub struct Part {
    /// The memory accesses of every row, `slots()` a row.
    pub accesses: Vec<(u64, FE)>,
    /// Its block columns, n values each.
    pub columns: Vec<Vec<FE>>,
    /// Its tail columns, n values each.
    pub tail: Vec<Vec<FE>>,
}

/// The accesses of blocks of `rows` rows each of which accesses all its instance's cells.
#[cfg(feature = "prover")]
pub fn every_row_accesses<const K: usize>(cells: impl Iterator<Item = [(u64, FE); K]>, rows: usize) -> Vec<(u64, FE)> {
    cells.flat_map(|c| std::iter::repeat_n(c, rows).flatten()).collect()
}

/// x + p as a 256-bit big-endian integer (x < 2^251, so it does not overflow): the bits of
/// a non-canonical decomposition, which the tests forge.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_are_unique_and_in_cairo_order() {
        for (i, b) in BUILTINS.iter().enumerate() {
            assert_eq!(index(b.name()), Some(i));
            assert!(CAIRO_ORDER.contains(&b.name()), "{} has no place in Cairo's order", b.name());
        }
        let names: Vec<&str> = cairo_order().into_iter().map(|i| BUILTINS[i].name()).collect();
        assert_eq!(names, ["pedersen", "range_check", "bitwise", "poseidon"]);
    }
}
