//! End-to-end tests: cairo-vm proof-mode runs of the checked-in programs, proved and
//! verified, and the rejection list for Cairo proofs.

use super::*;
use crate::field::{fe, FE};
use crate::options::ProofOptions;
use crate::verifier::VerifierPolicy;

pub const FIB: &[u8] = include_bytes!("../../programs/fib.json");
pub const FACT: &[u8] = include_bytes!("../../programs/fact.json");
pub const SUM_RC: &[u8] = include_bytes!("../../programs/sum_rc.json");

const ANY: VerifierPolicy = VerifierPolicy { min_security_bits: 0 };

fn fib(n: u64) -> FE {
    let (mut a, mut b) = (fe(1), fe(1));
    for _ in 0..n {
        let c = &a + &b;
        a = b;
        b = c;
    }
    a
}

#[test]
fn fib_program_proves_and_verifies() {
    let (bytes, report) = prove_program(FIB, &[fe(10)], &ProofOptions::test_only()).unwrap();
    println!("{report}");
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.inputs, vec![fe(10)]);
    assert_eq!(claim.outputs, vec![fib(10)]);
}
