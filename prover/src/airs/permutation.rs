//! Permutation check (a RAP): main columns `a` and `b`, where `b` must be a permutation of
//! `a`. After committing them the verifier sends γ, and the aux column is the running
//! product z with z_0 = 1 and z_{i+1}·(γ - b_i) = z_i·(γ - a_i) on every row, wrapping
//! around, which forces prod (γ - a_i) = prod (γ - b_i).

use crate::air::{Air, Boundary, RowSet};
use crate::field::{batch_inverse, fe, FE};

pub struct PermutationAir {
    pub trace_length: usize,
}

impl Air for PermutationAir {
    fn statement(&self) -> Vec<u8> {
        b"permutation".to_vec()
    }
    fn trace_length(&self) -> usize {
        self.trace_length
    }
    fn num_main(&self) -> usize {
        2
    }
    fn num_aux(&self) -> usize {
        1
    }
    fn num_challenges(&self) -> usize {
        1
    }
    fn constraint_degree(&self) -> usize {
        2
    }
    fn transition_rows(&self) -> Vec<RowSet> {
        vec![RowSet::AllBut(0)]
    }
    fn eval_transition(&self, cur: &[FE], next: &[FE], _: &[FE], ch: &[FE], out: &mut [FE]) {
        let g = &ch[0];
        out[0] = next[2] * (g - cur[1]) - cur[2] * (g - cur[0]);
    }
    fn boundaries(&self, _: &[FE]) -> Vec<Boundary> {
        vec![Boundary { col: 2, row: 0, value: fe(1) }]
    }
    fn build_aux(&self, main: &[Vec<FE>], ch: &[FE]) -> Vec<Vec<FE>> {
        let g = &ch[0];
        let n = self.trace_length;
        let mut den: Vec<FE> = main[1].iter().map(|b| g - b).collect();
        batch_inverse(&mut den);
        let mut z = Vec::with_capacity(n);
        z.push(fe(1));
        for i in 0..n - 1 {
            let v = z[i] * (g - main[0][i]) * den[i];
            z.push(v);
        }
        vec![z]
    }
}

/// `a = [0, 1, ..., n-1]·7 + 3` and `b` its reversal (a permutation).
pub fn example_trace(n: usize) -> Vec<Vec<FE>> {
    let a: Vec<FE> = (0..n as u64).map(|i| fe(7 * i + 3)).collect();
    let b: Vec<FE> = a.iter().rev().cloned().collect();
    vec![a, b]
}
