//! The AIR (algebraic intermediate representation) interface the engine proves.
//!
//! A trace has `num_main` main columns and, for randomized AIRs (RAPs), `num_aux` auxiliary
//! columns built after the main trace is committed, from `num_challenges` verifier
//! challenges: that is how permutation arguments (memory, range checks) are expressed.
//! Transition constraints see the current and the next row (wrapping around at the end);
//! each may be exempted on the last few rows.

use crate::field::FE;

/// `trace[col][row] == value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Boundary {
    pub col: usize,
    pub row: usize,
    pub value: FE,
}

/// Rows on which a transition constraint must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowSet {
    /// Every row but the last `e` (whose "next" row wraps around or does not exist).
    AllBut(usize),
    /// Only this row (e.g. the first link of a running product).
    Only(usize),
}

pub trait Air: Sync {
    /// The statement (AIR identity and public input) bound into the Fiat-Shamir transcript.
    fn statement(&self) -> Vec<u8>;
    /// Number of rows; a power of two.
    fn trace_length(&self) -> usize;
    fn num_main(&self) -> usize;
    fn num_aux(&self) -> usize {
        0
    }
    fn num_challenges(&self) -> usize {
        0
    }
    /// Largest total degree of any transition constraint (in the trace columns).
    fn constraint_degree(&self) -> usize;
    /// One entry per transition constraint: the rows where it must hold.
    fn transition_rows(&self) -> Vec<RowSet>;
    /// Evaluates every transition constraint on a row pair. `cur`/`next` hold the main
    /// columns followed by the aux columns; `out` has one slot per constraint.
    fn eval_transition(&self, cur: &[FE], next: &[FE], challenges: &[FE], out: &mut [FE]);
    /// Boundary constraints (may depend on the challenges, e.g. a permutation product).
    fn boundaries(&self, challenges: &[FE]) -> Vec<Boundary>;
    /// Builds the aux columns from the main columns (prover only).
    fn build_aux(&self, _main: &[Vec<FE>], _challenges: &[FE]) -> Vec<Vec<FE>> {
        Vec::new()
    }
}

/// Finds the first constraint the trace breaks (a prover-side sanity check and test aid).
pub fn check_constraints<A: Air>(
    air: &A,
    main: &[Vec<FE>],
    aux: &[Vec<FE>],
    challenges: &[FE],
) -> Result<(), String> {
    let n = air.trace_length();
    let ex = air.transition_rows();
    let width = main.len() + aux.len();
    let row = |r: usize| -> Vec<FE> {
        main.iter().chain(aux.iter()).map(|c| c[r].clone()).collect()
    };
    let mut out = vec![FE::zero(); ex.len()];
    for r in 0..n {
        let (cur, next) = (row(r), row((r + 1) % n));
        debug_assert_eq!(cur.len(), width);
        air.eval_transition(&cur, &next, challenges, &mut out);
        for (k, v) in out.iter().enumerate() {
            let applies = match ex[k] {
                RowSet::AllBut(e) => r + e < n,
                RowSet::Only(x) => r == x,
            };
            if applies && *v != FE::zero() {
                return Err(format!("transition constraint {k} fails at row {r}"));
            }
        }
    }
    for b in air.boundaries(challenges) {
        let col = main.iter().chain(aux.iter()).nth(b.col).ok_or("boundary column out of range")?;
        if col.get(b.row) != Some(&b.value) {
            return Err(format!("boundary on column {} row {} fails", b.col, b.row));
        }
    }
    Ok(())
}
