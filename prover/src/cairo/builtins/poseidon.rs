//! The poseidon builtin: an instance is six memory cells, an input state s0, s1, s2 and
//! the output of the Hades permutation of Starknet's Poseidon on it (Stark252, state of
//! 3, 8 full and 83 partial rounds, S-box x^3), as cairo-vm's builtin computes it.
//!
//! One instance takes [`ROWS`] = 16 rows, each applying a few rounds ([`SCHEDULE`]): two
//! full rounds on rows 0, 1, 14 and 15, seven partial rounds on rows 2..12 and six on
//! row 13. A row commits the S-box outputs (cubes) of its rounds, at most [`CUBES`] = 7,
//! and the squares of their inputs: each square is the square of the S-box input that the
//! row's state and its earlier cubes determine, and each cube that input times its square.
//! The state after the row's rounds (a linear function of them) is the next row's state,
//! or the output on row 15. The round constants are periodic columns. Narrow rows are the
//! point: a row per instance would take 111 columns, most of them idle, where 16 rows take
//! 25.
//!
//! Why squares: with them every constraint has degree 2, the Cairo CPU's degree, so the
//! composition polynomial of a program with poseidon is evaluated on half as many points
//! and split in two parts instead of three; seven more columns cost less than that.
//!
//! Block columns: `a` and `v`, the one memory cell the row accesses (row k accesses cell
//! `ia + min(k, 5)`: the inputs, then the outputs); the instance's input `in` and output
//! `out` (constant over the block); the state `s` at the row's start; the row's cubes;
//! their inputs' squares.
//!
//! [`row`] is written once for the AIR and the trace: the caller supplies each S-box
//! output. Round constants and the MDS mix come from lambdaworks'
//! `PoseidonCairoStark252` (the optimized constants: partial rounds add a constant to s2
//! only, like starknet-crypto's `poseidon_permute_comp`).

use super::{instance_bounds, Builtin};
use crate::air::{Boundary, RowSet};
use crate::cairo::layout::{Layout, Place};
use crate::cairo::public_input::{CairoPublicInput, Segment};
use crate::field::{fe, from_lambdaworks, to_lambdaworks, FE};
use lambdaworks_crypto::hash::poseidon::parameters::PermutationParameters;
use lambdaworks_crypto::hash::poseidon::starknet::PoseidonCairoStark252 as P;
use std::sync::OnceLock;
#[cfg(feature = "prover")]
use super::{Fill, Part};
#[cfg(feature = "prover")]
use crate::error::ProveError;

pub const NAME: &str = "poseidon";
/// Memory cells per instance: 3 inputs, 3 outputs.
pub const CELLS: usize = 6;
/// Rows per instance.
pub const ROWS: usize = 16;
/// Cube columns: the most S-boxes a row applies.
pub const CUBES: usize = 7;

/// What one row of an instance applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRounds {
    /// Two full rounds (six S-boxes).
    TwoFull,
    /// This many partial rounds (one S-box each).
    Partial(usize),
}
use RowRounds::{Partial, TwoFull};

impl RowRounds {
    /// The S-boxes (cubes) of such a row.
    fn sboxes(self) -> usize {
        match self {
            TwoFull => 6,
            Partial(k) => k,
        }
    }
}

/// The rounds of each row of an instance, in order: 4 + 83 + 4 rounds.
pub const SCHEDULE: [RowRounds; ROWS] = [
    TwoFull, TwoFull,
    Partial(7), Partial(7), Partial(7), Partial(7), Partial(7), Partial(7),
    Partial(7), Partial(7), Partial(7), Partial(7), Partial(7),
    Partial(6),
    TwoFull, TwoFull,
];
/// Where the rows of each kind are (the schedule's runs).
const EARLY_FULL: (usize, usize) = (0, 2);
const SEVEN_PARTIAL: (usize, usize) = (2, 11);
const SIX_PARTIAL: usize = 13;
const LATE_FULL: (usize, usize) = (14, 2);
const LAST: usize = ROWS - 1;

/// Block columns.
pub const A: usize = 0;
pub const V: usize = 1;
pub const IN: usize = 2;
pub const OUT: usize = 5;
pub const S: usize = 8;
pub const C: usize = 11;
pub const SQ: usize = C + CUBES;
pub const COLUMNS: usize = SQ + CUBES;

/// Periodic columns: the row's round constants (`CUBES`), the address step to the next
/// row within an instance, and the last-row flag.
const PER_RC: usize = 0;
const PER_STEP: usize = CUBES;
const PER_LAST: usize = CUBES + 1;

/// The first constraint of each group (see `transition_rows`). A kind of row's S-box
/// group holds its `CUBES` cube constraints, then its `CUBES` square constraints.
pub const EARLY_CUBES: usize = 0;
pub const LATE_CUBES: usize = EARLY_CUBES + SBOX_GROUP;
const EARLY_NEXT: usize = LATE_CUBES + SBOX_GROUP;
const LATE_NEXT: usize = EARLY_NEXT + 3;
const OUTPUT: usize = LATE_NEXT + 3;
const SEVEN_CUBES: usize = OUTPUT + 3;
const SEVEN_NEXT: usize = SEVEN_CUBES + SBOX_GROUP;
const SIX_CUBES: usize = SEVEN_NEXT + 3;
const SIX_NEXT: usize = SIX_CUBES + SBOX_GROUP;
const SBOX_GROUP: usize = 2 * CUBES;
const START: usize = SIX_NEXT + 3;
const CONSTANT: usize = START + 3;
const ADDRESS: usize = CONSTANT + 6;
const VALUE: usize = ADDRESS + 1;
const CONSTRAINTS: usize = VALUE + 6;

pub struct Poseidon;

/// The round constants of each row, `CUBES` a row (zero past the row's S-boxes).
fn row_constants() -> &'static [[FE; CUBES]; ROWS] {
    static RC: OnceLock<[[FE; CUBES]; ROWS]> = OnceLock::new();
    RC.get_or_init(|| {
        let mut all = <P as PermutationParameters>::ROUND_CONSTANTS.iter();
        let rows = SCHEDULE.map(|kind| {
            std::array::from_fn(|j| if j < kind.sboxes() { from_lambdaworks(all.next().expect("107 round constants")) } else { FE::zero() })
        });
        assert!(all.next().is_none(), "every round constant used");
        rows
    })
}

/// lambdaworks' MDS mix of the Starknet Poseidon.
fn mix(s: &mut [FE; 3]) {
    let mut t = s.map(|v| to_lambdaworks(&v));
    <P as PermutationParameters>::mix(&mut t);
    *s = t.map(|v| from_lambdaworks(&v));
}

/// Applies one row's rounds to `s` with the row's constants `rc`; the j-th S-box of the
/// row gets its input `pre` and `sbox(j, pre)` decides what it outputs (the honest value
/// is `pre^3`). Returns the state after the row.
pub fn row(kind: RowRounds, mut s: [FE; 3], rc: &[FE], mut sbox: impl FnMut(usize, &FE) -> FE) -> [FE; 3] {
    let mut j = 0;
    match kind {
        TwoFull => {
            for _ in 0..2 {
                for v in s.iter_mut() {
                    *v = sbox(j, &(*v + rc[j]));
                    j += 1;
                }
                mix(&mut s);
            }
        }
        Partial(k) => {
            for _ in 0..k {
                s[2] = sbox(j, &(s[2] + rc[j]));
                j += 1;
                mix(&mut s);
            }
        }
    }
    s
}

/// The S-box constraints of a row of `kind` into `out` (its cube constraints, then its
/// square constraints; the cube and square columns past the row's S-boxes must be zero);
/// returns the state after the row.
fn sbox_constraints(kind: RowRounds, s: [FE; 3], rc: &[FE], cubes: &[FE; CUBES], squares: &[FE; CUBES], out: &mut [FE]) -> [FE; 3] {
    let (cube_out, square_out) = out.split_at_mut(CUBES);
    cube_out.copy_from_slice(cubes);
    square_out.copy_from_slice(squares);
    row(kind, s, rc, |j, pre| {
        square_out[j] = squares[j] - pre.square();
        cube_out[j] = cubes[j] - squares[j] * pre;
        cubes[j]
    })
}

impl Builtin for Poseidon {
    fn name(&self) -> &'static str {
        NAME
    }
    fn cells(&self) -> usize {
        CELLS
    }
    fn slots(&self) -> usize {
        1
    }
    fn rows(&self) -> usize {
        ROWS
    }
    fn columns(&self, _: &Layout) -> usize {
        COLUMNS
    }
    fn degree(&self) -> usize {
        // A cube is its input times a committed square.
        2
    }

    fn periodic_columns(&self) -> Vec<Vec<FE>> {
        let rc = row_constants();
        let mut cols: Vec<Vec<FE>> = (0..CUBES).map(|j| rc.iter().map(|r| r[j]).collect()).collect();
        cols.push((0..ROWS).map(|k| fe((k < CELLS - 1) as u64)).collect());
        cols.push((0..ROWS).map(|k| fe((k == LAST) as u64)).collect());
        cols
    }

    fn transition_rows(&self, _: &Layout) -> Vec<RowSet> {
        let run = |(first, count): (usize, usize)| RowSet::Cycle { period: ROWS, first, count };
        let one = |k: usize| run((k, 1));
        let mut v = Vec::with_capacity(CONSTRAINTS);
        v.extend([run(EARLY_FULL); SBOX_GROUP]); // EARLY_CUBES
        v.extend([run(LATE_FULL); SBOX_GROUP]); // LATE_CUBES
        v.extend([run(EARLY_FULL); 3]); // EARLY_NEXT
        v.extend([one(LATE_FULL.0); 3]); // LATE_NEXT: row 14 hands over to row 15
        v.extend([one(LAST); 3]); // OUTPUT
        v.extend([run(SEVEN_PARTIAL); SBOX_GROUP + 3]); // SEVEN_CUBES, SEVEN_NEXT
        v.extend([one(SIX_PARTIAL); SBOX_GROUP + 3]); // SIX_CUBES, SIX_NEXT
        v.extend([one(0); 3]); // START
        v.extend([run((0, LAST)); 6]); // CONSTANT
        v.push(RowSet::AllBut(1)); // ADDRESS: the trace's last row does not wrap
        v.extend((0..CELLS - 1).map(one)); // VALUE: the cells of rows 0..4
        v.push(run((CELLS - 1, ROWS - CELLS + 1))); // and cell 5 from row 5 on
        debug_assert_eq!(v.len(), CONSTRAINTS);
        v
    }

    fn eval(&self, at: &Place, c: &[FE], n: &[FE], per: &[FE], _: &[FE], out: &mut [FE]) {
        let col = |row: &[FE], j: usize| row[at.block + j];
        let three = |row: &[FE], j: usize| [col(row, j), col(row, j + 1), col(row, j + 2)];
        let (s, rc) = (three(c, S), &per[PER_RC..PER_RC + CUBES]);
        let cubes: [FE; CUBES] = std::array::from_fn(|j| col(c, C + j));
        let squares: [FE; CUBES] = std::array::from_fn(|j| col(c, SQ + j));
        // Each kind of row from this row's state: its S-box constraints and the state after.
        let full = sbox_constraints(TwoFull, s, rc, &cubes, &squares, &mut out[EARLY_CUBES..EARLY_CUBES + SBOX_GROUP]);
        out.copy_within(EARLY_CUBES..EARLY_CUBES + SBOX_GROUP, LATE_CUBES);
        let seven = sbox_constraints(Partial(7), s, rc, &cubes, &squares, &mut out[SEVEN_CUBES..SEVEN_CUBES + SBOX_GROUP]);
        let six = sbox_constraints(Partial(6), s, rc, &cubes, &squares, &mut out[SIX_CUBES..SIX_CUBES + SBOX_GROUP]);
        let next = three(n, S);
        for i in 0..3 {
            out[EARLY_NEXT + i] = next[i] - full[i];
            out[LATE_NEXT + i] = next[i] - full[i];
            out[OUTPUT + i] = col(c, OUT + i) - full[i];
            out[SEVEN_NEXT + i] = next[i] - seven[i];
            out[SIX_NEXT + i] = next[i] - six[i];
            out[START + i] = s[i] - col(c, IN + i);
        }
        for j in 0..6 {
            out[CONSTANT + j] = col(n, IN + j) - col(c, IN + j);
        }
        // Within an instance the address steps by 1 to cell 5, then stays; from the last
        // row it steps to the next instance's first cell (+1) or back to its own (-5: the
        // padding repeats the last instance).
        let d = col(n, A) - col(c, A) - per[PER_STEP];
        let last = &per[PER_LAST];
        out[ADDRESS] = (d - last) * (d + fe(CELLS as u64 - 1) * last);
        for j in 0..CELLS {
            out[VALUE + j] = col(c, V) - col(c, IN + j);
        }
    }

    fn memory(&self, at: &Place, row: &[FE], out: &mut Vec<(FE, FE)>) {
        out.push((row[at.block + A], row[at.block + V]));
    }

    fn boundaries(&self, at: &Place, _: &CairoPublicInput, segment: Option<Segment>, last: usize) -> Vec<Boundary> {
        // The address column runs over cells, not instances: the first row accesses the
        // first cell and the last row the last one, and the address steps make every
        // instance in between appear.
        instance_bounds(at.block + A, 1, segment, last)
    }

    #[cfg(feature = "prover")]
    fn fill(&self, f: &Fill, _: &mut CairoPublicInput) -> Result<Option<Part>, ProveError> {
        // A declared but unused builtin gets one dummy instance (input 0) past every cell
        // accessed so far.
        let dummy = || Instance::new(f.max_addr + 1, [FE::zero(), FE::zero(), FE::zero()]);
        let Some(blocks) = f.tile(self, dummy, |ia| Ok(Instance::read(f, ia)))? else { return Ok(None) };
        let mut columns: Vec<Vec<FE>> = (0..COLUMNS).map(|_| Vec::with_capacity(f.n)).collect();
        let mut accesses = Vec::with_capacity(f.n);
        for p in &blocks {
            let cells = p.cells();
            for k in 0..ROWS {
                let (a, v) = cells[k.min(CELLS - 1)];
                accesses.push((a, v));
                columns[A].push(fe(a));
                columns[V].push(v);
                for i in 0..3 {
                    columns[IN + i].push(p.input[i]);
                    columns[OUT + i].push(p.output[i]);
                    columns[S + i].push(p.states[k][i]);
                }
                for j in 0..CUBES {
                    columns[C + j].push(p.cubes[k][j]);
                    columns[SQ + j].push(p.squares[k][j]);
                }
            }
        }
        Ok(Some(Part { accesses, columns, tail: Vec::new() }))
    }
}

/// One instance: address, input, output, and each row's starting state, cubes and
/// squares.
#[cfg(feature = "prover")]
#[derive(Clone)]
struct Instance {
    ia: u64,
    input: [FE; 3],
    output: [FE; 3],
    states: [[FE; 3]; ROWS],
    cubes: [[FE; CUBES]; ROWS],
    squares: [[FE; CUBES]; ROWS],
}

// Test-only forging: the address of an instance whose output is taken from memory (which
// the test forged) and whose last row's last three cubes are solved to produce it, so that
// only that row's cube constraints break.
#[cfg(test)]
thread_local! {
    pub(crate) static FORGE_OUTPUT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

#[cfg(feature = "prover")]
impl Instance {
    fn new(ia: u64, input: [FE; 3]) -> Self {
        let rc = row_constants();
        let mut states = [[FE::zero(); 3]; ROWS];
        let mut cubes = [[FE::zero(); CUBES]; ROWS];
        let mut squares = [[FE::zero(); CUBES]; ROWS];
        let mut s = input;
        for (k, kind) in SCHEDULE.into_iter().enumerate() {
            states[k] = s;
            s = row(kind, s, &rc[k], |j, pre| {
                squares[k][j] = pre.square();
                cubes[k][j] = squares[k][j] * pre;
                cubes[k][j]
            });
        }
        Instance { ia, input, output: s, states, cubes, squares }
    }
    fn read(f: &Fill, ia: u64) -> Self {
        let get = |a: u64| f.get(a).unwrap_or_else(FE::zero);
        #[allow(unused_mut)]
        let mut p = Self::new(ia, [get(ia), get(ia + 1), get(ia + 2)]);
        #[cfg(test)]
        if FORGE_OUTPUT.with(|c| c.get()) == Some(ia) {
            // The last round's cubes are mix^-1(output); mix = [[3,1,1],[1,-1,1],[1,1,-2]]
            // and its inverse is [[1,3,2],[3,-7,-2],[2,-2,-4]] / 8.
            let o = [get(ia + 3), get(ia + 4), get(ia + 5)];
            let inv8 = fe(8).inv().unwrap_or_else(|_| FE::zero());
            let m = [[1i64, 3, 2], [3, -7, -2], [2, -2, -4]];
            for (i, row) in m.iter().enumerate() {
                let mut v = FE::zero();
                for (j, &c) in row.iter().enumerate() {
                    let c = if c < 0 { FE::zero() - fe(c.unsigned_abs()) } else { fe(c as u64) };
                    v += c * o[j];
                }
                p.cubes[LAST][3 + i] = v * inv8;
            }
            p.output = o;
        }
        p
    }
    fn cells(&self) -> [(u64, FE); CELLS] {
        std::array::from_fn(|j| (self.ia + j as u64, if j < 3 { self.input[j] } else { self.output[j - 3] }))
    }
}

#[cfg(all(test, feature = "prover"))]
mod tests {
    use super::*;
    use lambdaworks_crypto::hash::poseidon::Poseidon as _;

    #[test]
    fn matches_lambdaworks_hades() {
        for input in [[fe(0), fe(0), fe(0)], [fe(1), fe(2), fe(3)], [FE::zero() - fe(1), fe(7), fe(1 << 40)]] {
            let mut want = input.map(|v| to_lambdaworks(&v));
            P::hades_permutation(&mut want);
            let p = Instance::new(0, input);
            assert_eq!(p.output, want.map(|v| from_lambdaworks(&v)));
        }
    }

    #[test]
    fn the_schedule_applies_8_full_and_83_partial_rounds() {
        let full: usize = SCHEDULE.iter().map(|k| if *k == TwoFull { 2 } else { 0 }).sum();
        let partial: usize = SCHEDULE.iter().map(|k| if let Partial(r) = k { *r } else { 0 }).sum();
        assert_eq!((full, partial), (8, 83));
        assert_eq!(Poseidon.transition_rows(&Layout::new(2, 1)).len(), CONSTRAINTS);
    }
}
