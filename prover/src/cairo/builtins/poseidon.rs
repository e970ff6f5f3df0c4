//! The poseidon builtin: an instance is six memory cells, an input state s0, s1, s2 and
//! the output of the Hades permutation of Starknet's Poseidon on it (Stark252, state of
//! 3, 8 full and 83 partial rounds, S-box x^3), as cairo-vm's builtin computes it.
//!
//! One instance per row. Block columns: `ia` (instance address), the three inputs, and
//! the cube (S-box output) of every round: 3 per full round and 1 per partial round,
//! [`CUBES`] = 107. The output is a linear function of the last cubes; each cube is
//! constrained to be the cube of the S-box input that the earlier columns determine
//! (degree 3). Every row accesses the instance's cells `ia .. ia+5`.
//!
//! [`hades`] is written once for the AIR and the trace: the caller supplies each S-box
//! output. Round constants and the MDS mix come from lambdaworks'
//! `PoseidonCairoStark252` (the optimized constants: partial rounds add a constant to s2
//! only, like starknet-crypto's `poseidon_permute_comp`).

use super::{instance_bounds, Builtin};
use crate::air::{Boundary, RowSet};
use crate::cairo::layout::{Layout, Place};
use crate::cairo::public_input::{CairoPublicInput, Segment};
use crate::field::{fe, FE};
use lambdaworks_crypto::hash::poseidon::parameters::PermutationParameters;
use lambdaworks_crypto::hash::poseidon::starknet::PoseidonCairoStark252 as P;
#[cfg(feature = "prover")]
use super::{Fill, Part};
#[cfg(feature = "prover")]
use crate::error::ProveError;

pub const NAME: &str = "poseidon";
pub const FULL_ROUNDS: usize = 8;
pub const PARTIAL_ROUNDS: usize = 83;
/// S-box outputs committed per instance.
pub const CUBES: usize = 3 * FULL_ROUNDS + PARTIAL_ROUNDS;
/// Memory cells per instance: 3 inputs, 3 outputs.
pub const CELLS: usize = 6;
/// Block columns.
pub const IA: usize = 0;
pub const IN: usize = 1;
pub const CUBE: usize = 4;
pub const COLUMNS: usize = CUBE + CUBES;

pub struct Poseidon;

/// The instance's output on a row, from its inputs and committed cubes.
fn output(at: &Place, row: &[FE]) -> [FE; 3] {
    let c = |k: usize| row[at.block + k];
    hades(&[c(IN), c(IN + 1), c(IN + 2)], |k, _| c(CUBE + k))
}

impl Builtin for Poseidon {
    fn name(&self) -> &'static str {
        NAME
    }
    fn cells(&self) -> usize {
        CELLS
    }
    fn rows(&self) -> usize {
        1
    }
    fn columns(&self, _: &Layout) -> usize {
        COLUMNS
    }
    fn degree(&self) -> usize {
        // The S-boxes are cubes.
        3
    }

    fn transition_rows(&self, _: &Layout) -> Vec<RowSet> {
        // One cube per S-box on every row; the instance address step does not wrap.
        let mut v = vec![RowSet::AllBut(0); CUBES];
        v.push(RowSet::AllBut(1));
        v
    }

    fn eval(&self, at: &Place, c: &[FE], n: &[FE], _: &[FE], _: &[FE], out: &mut [FE]) {
        let col = |row: &[FE], j: usize| row[at.block + j];
        // Each committed cube is the cube of its S-box input.
        let input = [col(c, IN), col(c, IN + 1), col(c, IN + 2)];
        hades(&input, |j, pre| {
            let cube = col(c, CUBE + j);
            out[j] = cube - pre.square() * pre;
            cube
        });
        // The instance address steps by 0 or 6 between rows.
        let d = col(n, IA) - col(c, IA);
        out[CUBES] = d * (d - fe(CELLS as u64));
    }

    fn memory(&self, at: &Place, row: &[FE], out: &mut Vec<(FE, FE)>) {
        let ia = &row[at.block + IA];
        let input = (0..3).map(|j| row[at.block + IN + j]);
        let values = input.chain(output(at, row));
        out.extend(values.enumerate().map(|(j, v)| (ia + fe(j as u64), v)));
    }

    fn boundaries(&self, at: &Place, _: &CairoPublicInput, segment: Option<Segment>, last: usize) -> Vec<Boundary> {
        instance_bounds(at.block + IA, CELLS, segment, last)
    }

    #[cfg(feature = "prover")]
    fn fill(&self, f: &Fill, _: &mut CairoPublicInput) -> Result<Option<Part>, ProveError> {
        // A declared but unused builtin gets one dummy instance (input 0) past every cell
        // accessed so far.
        let dummy = || Instance::new(f.max_addr + 1, [FE::zero(), FE::zero(), FE::zero()]);
        let Some(rows) = f.tile(self, dummy, |ia| Ok(Instance::read(f, ia)))? else { return Ok(None) };
        let mut columns = vec![rows.iter().map(|p| fe(p.ia)).collect::<Vec<FE>>()];
        columns.extend((0..3).map(|j| rows.iter().map(|p| p.input[j]).collect()));
        columns.extend((0..CUBES).map(|j| rows.iter().map(|p| p.cubes[j]).collect()));
        Ok(Some(Part { cells: rows.iter().map(|p| p.cells().to_vec()).collect(), columns, tail: Vec::new() }))
    }
}

/// One instance: address, input, output and the S-box outputs (cubes).
#[cfg(feature = "prover")]
#[derive(Clone)]
struct Instance {
    ia: u64,
    input: [FE; 3],
    output: [FE; 3],
    cubes: Vec<FE>,
}

// Test-only forging: the address of an instance whose output is taken from memory (which
// the test forged) and whose last three cubes are solved to produce it, so that only the
// last round's cube constraints break.
#[cfg(test)]
thread_local! {
    pub(crate) static FORGE_OUTPUT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

#[cfg(feature = "prover")]
impl Instance {
    fn new(ia: u64, input: [FE; 3]) -> Self {
        let mut cubes = Vec::with_capacity(CUBES);
        let output = hades(&input, |_, pre| {
            let c = pre.square() * pre;
            cubes.push(c);
            c
        });
        Instance { ia, input, output, cubes }
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
            let k = CUBES - 3;
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
    fn cells(&self) -> [(u64, FE); CELLS] {
        std::array::from_fn(|j| (self.ia + j as u64, if j < 3 { self.input[j] } else { self.output[j - 3] }))
    }
}

/// Runs the permutation on `input`. The k-th S-box (k < `CUBES`, in round order: three
/// per full round, one per partial round) gets its input `pre` and `sbox(k, pre)` decides
/// what it outputs (the honest value is `pre^3`). Returns the output state.
pub fn hades(input: &[FE; 3], mut sbox: impl FnMut(usize, &FE) -> FE) -> [FE; 3] {
    let rc = <P as PermutationParameters>::ROUND_CONSTANTS;
    let half = FULL_ROUNDS / 2;
    let mut s = *input;
    let (mut k, mut c) = (0usize, 0usize);
    for round in 0..FULL_ROUNDS + PARTIAL_ROUNDS {
        if round < half || round >= half + PARTIAL_ROUNDS {
            for (i, v) in s.iter_mut().enumerate() {
                let pre = *v + rc[c + i];
                *v = sbox(k, &pre);
                k += 1;
            }
            c += 3;
        } else {
            let pre = s[2] + rc[c];
            s[2] = sbox(k, &pre);
            k += 1;
            c += 1;
        }
        <P as PermutationParameters>::mix(&mut s);
    }
    debug_assert_eq!((k, c), (CUBES, rc.len()));
    s
}

#[cfg(all(test, feature = "prover"))]
mod tests {
    use super::*;
    use lambdaworks_crypto::hash::poseidon::Poseidon as _;

    #[test]
    fn matches_lambdaworks_hades() {
        for input in [[fe(0), fe(0), fe(0)], [fe(1), fe(2), fe(3)], [FE::zero() - fe(1), fe(7), fe(1 << 40)]] {
            let mut want = input.to_vec();
            P::hades_permutation(&mut want);
            let p = Instance::new(0, input);
            assert_eq!(p.output.to_vec(), want);
            assert_eq!(p.cubes.len(), CUBES);
        }
    }
}
