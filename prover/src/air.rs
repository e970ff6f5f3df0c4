//! The AIR (algebraic intermediate representation) interface the engine proves.
//!
//! A trace has `num_main` main columns and, for randomized AIRs (RAPs), `num_aux` auxiliary
//! columns built after the main trace is committed, from `num_challenges` verifier
//! challenges: that is how permutation arguments (memory, range checks) are expressed.
//! Transition constraints see the current and the next row (wrapping around at the end) and
//! the current row of the AIR's periodic columns: public columns, never committed, that
//! repeat with a power-of-two period (constant tables such as elliptic-curve points). Each
//! constraint holds on a [`RowSet`]: every row but the last few, one row, or the rows at
//! some positions of a cycle.

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
    /// The rows whose index mod `period` is in `first .. first + count` (`period` a power of
    /// two dividing the trace length).
    Cycle { period: usize, first: usize, count: usize },
    /// Every row but those of the matching `Cycle`.
    OffCycle { period: usize, first: usize, count: usize },
}

impl RowSet {
    /// Whether the constraint applies to row `r` of a trace of `n` rows.
    pub fn contains(&self, r: usize, n: usize) -> bool {
        match *self {
            RowSet::AllBut(e) => r + e < n,
            RowSet::Only(x) => r == x,
            RowSet::Cycle { period, first, count } => (first..first + count).contains(&(r % period)),
            RowSet::OffCycle { period, first, count } => !(first..first + count).contains(&(r % period)),
        }
    }

    /// Whether this row set makes sense for a trace of `n` rows (a cycle must tile it).
    pub fn fits(&self, n: usize) -> bool {
        match *self {
            RowSet::AllBut(e) => e < n,
            RowSet::Only(r) => r < n,
            RowSet::Cycle { period, first, count } | RowSet::OffCycle { period, first, count } => {
                period.is_power_of_two() && period <= n && count >= 1 && first + count <= period
            }
        }
    }
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
    /// Largest total degree of any transition constraint, counting a periodic column as
    /// degree 1 (its polynomial has degree below the trace length).
    fn constraint_degree(&self) -> usize;
    /// One entry per transition constraint: the rows where it must hold.
    fn transition_rows(&self) -> Vec<RowSet>;
    /// Periodic columns, each a power-of-two period of values (at most the trace length);
    /// row `r` of column `k` is `periodic_columns()[k][r % period]`.
    fn periodic_columns(&self) -> Vec<Vec<FE>> {
        Vec::new()
    }
    /// Evaluates every transition constraint on a row pair. `cur`/`next` hold the main
    /// columns followed by the aux columns, `periodic` the periodic columns at `cur`'s row;
    /// `out` has one slot per constraint.
    fn eval_transition(&self, cur: &[FE], next: &[FE], periodic: &[FE], challenges: &[FE], out: &mut [FE]);
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
        main.iter().chain(aux.iter()).map(|c| c[r]).collect()
    };
    if let Some(k) = ex.iter().position(|rows| !rows.fits(n)) {
        return Err(format!("the row set of transition constraint {k} does not fit {n} rows"));
    }
    let periodic = air.periodic_columns();
    let mut out = vec![FE::zero(); ex.len()];
    for r in 0..n {
        let (cur, next) = (row(r), row((r + 1) % n));
        debug_assert_eq!(cur.len(), width);
        let per: Vec<FE> = periodic.iter().map(|c| c[r % c.len()]).collect();
        air.eval_transition(&cur, &next, &per, challenges, &mut out);
        for (k, v) in out.iter().enumerate() {
            if ex[k].contains(r, n) && *v != FE::zero() {
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
