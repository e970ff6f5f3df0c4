//! The poseidon builtin suite: programs with and without instances, the real presets, all
//! builtins at once, forged outputs, cubes and segment claims, and changed claims and
//! bytes.

use super::bitwise::{bw_inputs, bw_op};
use super::*;
use builtins::poseidon::{self, *};

/// Cairo's `poseidon_hash(x, y)`: the first element of Hades([x, y, 2]), computed with
/// lambdaworks (independently of the AIR's code).
fn poseidon_hash(x: &FE, y: &FE) -> FE {
    use lambdaworks_crypto::hash::poseidon::{starknet::PoseidonCairoStark252, Poseidon};
    use crate::field::{from_lambdaworks, to_lambdaworks};
    from_lambdaworks(&PoseidonCairoStark252::hash(&to_lambdaworks(x), &to_lambdaworks(y)))
}

fn ps_inputs() -> Vec<FE> {
    vec![fe(1), fe(2), FE::zero() - fe(1), pow2(250) + fe(12345), fe(0)]
}

fn ps_expected(inputs: &[FE]) -> FE {
    inputs.iter().fold(fe(0), |h, x| poseidon_hash(&h, x))
}

#[test]
fn poseidon_program_proves_and_verifies() {
    let inputs = ps_inputs();
    let (bytes, report) = prove_program(POSEIDON, &inputs, &ProofOptions::test_only()).unwrap();
    println!("{report}");
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.inputs, inputs);
    assert_eq!(claim.outputs, vec![ps_expected(&inputs)]);
    assert_eq!(claim.builtins, vec!["output", "poseidon"]);
    assert_eq!(decode_cairo_proof(&bytes).unwrap().public_input.instances(poseidon::NAME), 5);
    assert_eq!(outputs_with_unused(POSEIDON, poseidon::NAME), vec![fe(0)]);
}

#[test]
fn poseidon_proofs_meet_the_default_policy() {
    // Degree-3 constraints (the S-boxes) under the real presets, verified as the CLI does.
    for o in [ProofOptions::conjectured_100(), ProofOptions::conjectured_128()] {
        let (bytes, report) = prove_program(POSEIDON, &[fe(3), fe(4)], &o).unwrap();
        println!("{report}");
        let claim = verify_cairo_proof(&bytes).unwrap();
        assert_eq!(claim.outputs, vec![ps_expected(&[fe(3), fe(4)])]);
    }
}

#[test]
fn all_builtins_program_proves_and_verifies() {
    let inputs = bw_inputs();
    let (bytes, report) = prove_program(ALL_BUILTINS, &inputs, &ProofOptions::test_only()).unwrap();
    println!("{report}");
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    let want: Vec<FE> =
        inputs.chunks(2).flat_map(|p| [bw_op(&p[0], &p[1], |a, b| a ^ b), poseidon_hash(&p[0], &p[1])]).collect();
    assert_eq!(claim.outputs, want);
    assert_eq!(claim.builtins, vec!["output", "range_check", "bitwise", "poseidon"]);
    // Each builtin's segment must be claimed; dropping any is rejected.
    let p = decode_cairo_proof(&bytes).unwrap();
    let mut q = p.clone();
    *q.public_input.segment_mut(poseidon::NAME) = None;
    set_layout(&mut q.public_input, poseidon::NAME, false);
    assert!(verify_proof(&q).is_err());
}

#[test]
fn forged_poseidon_output_cell_is_rejected() {
    let inputs = ps_inputs();
    let (r, broken) = forged_exec(POSEIDON, &inputs, |_| {});
    assert_eq!(r.unwrap().outputs, vec![ps_expected(&inputs)]);
    assert_eq!(broken, None);
    // The last hash claimed one larger: memory, CPU and output agree, and the trace's last
    // three cubes are solved so that the permutation's linear output matches the forged
    // value; only the cube constraints of the last round (the late full rows' last three)
    // can object.
    let exec = runner::execute(POSEIDON, &inputs).unwrap();
    let ps = exec.public_input.segment(poseidon::NAME).unwrap();
    let last = ps.stop - 6;
    let old = ps_expected(&inputs);
    FORGE_OUTPUT.with(|f| f.set(Some(last)));
    let (r, broken) = forged_exec(POSEIDON, &inputs, |e| replace_everywhere(e, &old, &(old + fe(1))));
    FORGE_OUTPUT.with(|f| f.set(None));
    println!("forged poseidon output: {r:?}, first broken constraint {broken:?}");
    assert!(r.is_err(), "forged poseidon output accepted");
    let start = constraints_of(POSEIDON, &inputs, poseidon::NAME).start;
    let (k, row) = broken.unwrap();
    assert!((start + LATE_CUBES + 3..start + LATE_CUBES + 6).contains(&k), "broke {k} at row {row}");
    assert_eq!(row % ROWS, ROWS - 1, "the last row of an instance");
    // Without solving the cubes, the memory argument rejects the forged cell as well.
    let (r, _) = forged_exec(POSEIDON, &inputs, |e| replace_everywhere(e, &old, &(old + fe(1))));
    assert!(r.is_err());
}

#[test]
fn forged_poseidon_trace_columns_are_rejected() {
    let inputs = ps_inputs();
    let at = layout::Layout::new(2, 1).with(poseidon::NAME).place(poseidon::NAME).unwrap();
    forged_run(POSEIDON, &inputs, |_, _| {}).unwrap();
    // A cube of each kind of row, the spare cube of a full row, squares (one of them
    // spare), the state, an input, an output, and the accessed cell's address and value.
    for (k, row) in [(C, 1), (C + 3, 15), (C + CUBES - 1, 0), (C + 4, 6), (C + CUBES - 1, 13), (SQ, 14), (SQ + 5, 8), (SQ + CUBES - 1, 1), (S + 2, 9), (IN + 1, 7), (OUT, 2), (A, 3), (V, 4), (V, 9)] {
        assert!(forged_run(POSEIDON, &inputs, |_, m| m[at.block + k][row] += fe(1)).is_err(), "column {k}, row {row}");
    }
    // The honest trace proved under a public input claiming another hash.
    assert!(forged_run(POSEIDON, &inputs, |e, _| e.public_input.outputs[0] += fe(1)).is_err());
    // An instance skipped (rows from 1 on move to the next instance).
    assert!(forged_run(POSEIDON, &inputs, |_, m| {
        for r in 1..m[0].len() {
            m[at.block + A][r] += fe(6);
        }
    })
    .is_err());
}

#[test]
fn forged_poseidon_segment_claims_are_rejected() {
    rejects_segment_claims(
        POSEIDON,
        &ps_inputs(),
        poseidon::NAME,
        &[
            ("one more instance", |s| s.stop += 6),
            ("one instance fewer", |s| s.stop -= 6),
            ("first instance dropped", |s| s.base += 6),
            ("no instances", |s| s.stop = s.base),
        ],
    );
}

#[test]
fn changed_poseidon_public_input_and_bytes_are_rejected() {
    let (bytes, _) = prove_program(POSEIDON, &ps_inputs(), &ProofOptions::test_only()).unwrap();
    let muts: Vec<(&str, Mutation)> = vec![
        ("hash output", Box::new(|pi| pi.outputs[0] += fe(1))),
        ("poseidon stop + 6", segment_change(poseidon::NAME, |s| s.stop += 6)),
        ("poseidon stop + 1", segment_change(poseidon::NAME, |s| s.stop += 1)),
        ("poseidon base + 6", segment_change(poseidon::NAME, |s| s.base += 6)),
        ("poseidon dropped", Box::new(|pi| {
            *pi.segment_mut(poseidon::NAME) = None;
            set_layout(pi, poseidon::NAME, false);
        })),
        ("poseidon as bitwise", Box::new(|pi| {
            *pi.segment_mut(builtins::bitwise::NAME) = pi.segment_mut(poseidon::NAME).take();
            set_layout(pi, poseidon::NAME, false);
            set_layout(pi, builtins::bitwise::NAME, true);
        })),
    ];
    rejects_changes(&decode_cairo_proof(&bytes).unwrap(), muts);
    rejects_flips(&bytes, 64, 150, 0x01);
}
