//! The range_check builtin suite: a program with range-checked values, forged parts,
//! addresses and segment claims, and a declared but unused range_check next to bitwise.

use super::bitwise::{bw_expected, bw_inputs};
use super::*;
use builtins::range_check::{self, *};

#[test]
fn range_check_builtin_program_proves_and_verifies() {
    let (bytes, report) = prove_program(SUM_RC, &[fe(3), fe(5), fe(1 << 40)], &ProofOptions::test_only()).unwrap();
    println!("{report}");
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.outputs, vec![fe(8 + (1 << 40))]);
    let p = decode_cairo_proof(&bytes).unwrap();
    assert!(p.public_input.segment(range_check::NAME).is_some());
    // Values of 2^128 and more cannot be range-checked.
    let big = fe(1 << 32) * fe(1 << 32) * fe(1 << 32) * fe(1 << 32);
    assert!(prove_program(SUM_RC, &[big], &ProofOptions::test_only()).is_err());
}

#[test]
fn forged_range_check_parts_are_rejected() {
    let inputs = [fe(3), fe(5), fe(1 << 40)];
    forged_run(SUM_RC, &inputs, |_, _| {}).unwrap();
    let at = runner::execute(SUM_RC, &inputs).unwrap().public_input.layout.place(range_check::NAME).unwrap();
    // A part changed without its sorted copy, the running sum or the value changed on one
    // row, and the builtin address column moving within a block or skipping a cell.
    for (col, row) in [(PART, 2), (ACC, 3), (ACC, 7), (VALUE, 5), (ADDR, 1), (ADDR, 8)] {
        assert!(forged_run(SUM_RC, &inputs, |_, m| m[at.block + col][row] += fe(1)).is_err(), "column {col} row {row}");
    }
    // A value whose parts sum to it, but one part is not below 2^16 (a part of 2^16 and
    // the next part one less): the sorted copy cannot step over it.
    assert!(forged_run(SUM_RC, &inputs, |_, m| {
        let (part, acc) = (&mut m[at.block + PART], fe(1 << 16));
        part[0] += acc;
        part[1] = part[1] - fe(1);
        let acc_col = &mut m[at.block + ACC];
        acc_col[0] += acc;
    })
    .is_err());
    // Claiming a different builtin segment.
    assert!(forged_run(SUM_RC, &inputs, |e, _| {
        if let Some(rc) = e.public_input.segment_mut(range_check::NAME).as_mut() {
            rc.stop += 1;
        }
    })
    .is_err());
}

#[test]
fn declared_but_unused_range_check_next_to_bitwise() {
    // The empty range_check segment's base is the bitwise segment's base, whose cell holds
    // x0 >= 2^128: the range_check column must not be pinned to it.
    let inputs = bw_inputs();
    let exec = runner::execute(BITWISE_RC_UNUSED, &inputs).unwrap();
    let segment = |name| exec.public_input.segment(name).unwrap();
    let (rc, bw) = (segment(range_check::NAME), segment(builtins::bitwise::NAME));
    assert_eq!((rc.base, rc.stop), (bw.base, bw.base));
    let (bytes, _) = prove_program(BITWISE_RC_UNUSED, &inputs, &ProofOptions::test_only()).unwrap();
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.outputs, bw_expected(&inputs));
    // The honest trace proved under a claim of one range-checked cell there is rejected.
    let (mut pi, main) = trace::build_main(&exec, 3).unwrap();
    pi.segment_mut(range_check::NAME).as_mut().unwrap().stop += 1;
    let air = air::CairoAir::new(pi.clone(), main[0].len());
    let stark = crate::prover::prove(&air, &main, &ProofOptions::test_only()).unwrap();
    assert!(verify_proof(&CairoProof { public_input: pi, stark }).is_err());
}
