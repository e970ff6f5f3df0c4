//! Fibonacci AIR: two columns (a, b) -> (b, a + b), starting at (1, 1); the public input
//! is the value of `b` on the last row.

use crate::air::{Air, Boundary, RowSet};
use crate::field::{fe, FE};

pub struct FibonacciAir {
    pub trace_length: usize,
    pub result: FE,
}

impl FibonacciAir {
    /// The trace and its AIR for `n` rows (n a power of two).
    pub fn generate(n: usize) -> (Self, Vec<Vec<FE>>) {
        let (mut a, mut b) = (vec![fe(1)], vec![fe(1)]);
        for i in 1..n {
            a.push(b[i - 1]);
            b.push(a[i - 1] + b[i - 1]);
        }
        let result = b[n - 1];
        (FibonacciAir { trace_length: n, result }, vec![a, b])
    }
}

impl Air for FibonacciAir {
    fn statement(&self) -> Vec<u8> {
        let mut s = b"fibonacci".to_vec();
        s.extend_from_slice(&crate::field::fe_to_bytes(&self.result));
        s
    }
    fn trace_length(&self) -> usize {
        self.trace_length
    }
    fn num_main(&self) -> usize {
        2
    }
    fn constraint_degree(&self) -> usize {
        1
    }
    fn transition_rows(&self) -> Vec<RowSet> {
        vec![RowSet::AllBut(1); 2]
    }
    fn eval_transition(&self, cur: &[FE], next: &[FE], _: &[FE], _: &[FE], out: &mut [FE]) {
        out[0] = next[0] - cur[1];
        out[1] = next[1] - cur[0] - cur[1];
    }
    fn boundaries(&self, _: &[FE]) -> Vec<Boundary> {
        vec![
            Boundary { col: 0, row: 0, value: fe(1) },
            Boundary { col: 1, row: 0, value: fe(1) },
            Boundary { col: 1, row: self.trace_length - 1, value: self.result },
        ]
    }
}
