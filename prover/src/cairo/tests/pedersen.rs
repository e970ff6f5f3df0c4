//! The pedersen builtin suite: a program with inputs of every shape the below-p check
//! distinguishes, the default policy, forged hashes, decompositions, columns and claims,
//! and changed claims and bytes.

use super::*;
use builtins::pedersen::{self, *};

/// Inputs with every shape the below-p check distinguishes: small values, p - 1 (bits 251,
/// 196 and 192 set, the rest zero), p - 2 (bit 196 set, bits 192..195 zero, bits 0..191
/// all set), 2^251 + 5 and a value below 2^251.
fn pd_inputs() -> Vec<FE> {
    let p_minus = |k: u64| FE::zero() - fe(k);
    vec![fe(1), fe(2), p_minus(1), fe(7), pow2(251) + fe(5), p_minus(2), pow2(250) + fe(12345), p_minus(1)]
}

fn pd_expected(inputs: &[FE]) -> Vec<FE> {
    inputs.chunks(2).map(|c| hash(&c[0], &c[1])).collect()
}

#[test]
fn pedersen_program_proves_and_verifies() {
    let inputs = pd_inputs();
    let (bytes, report) = prove_program(PEDERSEN, &inputs, &ProofOptions::test_only()).unwrap();
    println!("{report}");
    assert!(report.trace_length >= 4 * ROWS);
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.inputs, inputs);
    assert_eq!(claim.outputs, pd_expected(&inputs));
    assert_eq!(claim.builtins, vec!["output", "pedersen", "range_check"]);
    assert_eq!(decode_cairo_proof(&bytes).unwrap().public_input.instances(pedersen::NAME), 4);
    assert_eq!(outputs_with_unused(PEDERSEN, pedersen::NAME), Vec::<FE>::new());
}

#[test]
fn pedersen_proofs_meet_the_default_policy() {
    let inputs = vec![fe(3), fe(4)];
    let (bytes, _) = prove_program(PEDERSEN, &inputs, &ProofOptions::conjectured_100()).unwrap();
    let claim = verify_cairo_proof(&bytes).unwrap();
    assert_eq!(claim.outputs, pd_expected(&inputs));
}

#[test]
fn forged_pedersen_hash_cell_is_rejected() {
    let inputs = pd_inputs();
    let (r, broken) = forged_exec(PEDERSEN, &inputs, |_| {});
    assert_eq!(r.unwrap().outputs, pd_expected(&inputs));
    assert_eq!(broken, None);
    // The first hash claimed one too large: memory, CPU and output agree, so only the
    // pedersen constraints can object: H must be the final sum's x, on the block's last row.
    let h = pd_expected(&inputs)[0];
    let (r, broken) = forged_exec(PEDERSEN, &inputs, |e| replace_everywhere(e, &h, &(h + fe(1))));
    println!("forged hash: {r:?}, first broken constraint {broken:?}");
    assert!(r.is_err(), "forged pedersen hash accepted");
    assert_eq!(broken, Some((constraints_of(PEDERSEN, &inputs, pedersen::NAME).start + 11, ROWS - 1)));
}

#[test]
fn noncanonical_pedersen_decomposition_is_rejected() {
    // x decomposed as the integer x + p (below 2^252 for these x): the suffix still starts
    // at x (mod p), but the sum is another point, so the claimed hash is false. Each case
    // breaks exactly one branch of the below-p check (p = 2^251 + 2^196 + 2^192 + 1):
    // 5 + p has bits 251, 196, 192 and 1, 2: bits 0..191 must be zero (constraint 24, row 1);
    // 15·2^192 + p = 2^251 + 2^197 + 1: bits 197..250 must be zero (22, row 197);
    // 2^192 + p = 2^251 + 2^196 + 2^193 + 1: bits 193..195 must be zero (23, row 193).
    let start = constraints_of(PEDERSEN, &pd_inputs(), pedersen::NAME).start;
    for (x, constraint, row) in [(fe(5), 24, 1), (fe(15) * pow2(192), 22, 197), (pow2(192), 23, 193)] {
        let inputs = vec![x, fe(9)];
        let honest_hash = pd_expected(&inputs)[0];
        let x_plus_p = builtins::add_modulus(&crate::field::fe_to_bytes(&x));
        let forged_hash =
            instance_rows(&bits_of(&x_plus_p), &canonical_bits(&fe(9))).hash;
        assert_ne!(forged_hash, honest_hash);
        let base = runner::execute(PEDERSEN, &inputs).unwrap().public_input.segment(pedersen::NAME).unwrap().base;
        FORGE_NONCANONICAL_X.with(|f| f.set(Some(base)));
        let (r, broken) = forged_exec(PEDERSEN, &inputs, |e| replace_everywhere(e, &honest_hash, &forged_hash));
        FORGE_NONCANONICAL_X.with(|f| f.set(None));
        println!("x + p for x = {x:?}: {r:?}, first broken constraint {broken:?}");
        assert!(r.is_err(), "non-canonical decomposition accepted");
        assert_eq!(broken, Some((start + constraint, row)));
    }
}

#[test]
fn forged_pedersen_trace_columns_are_rejected() {
    let inputs = pd_inputs();
    let at = runner::execute(PEDERSEN, &inputs).unwrap().public_input.layout.place(pedersen::NAME).unwrap();
    forged_run(PEDERSEN, &inputs, |_, _| {}).unwrap();
    let col = move |k: usize| at.block + k;
    // A bit flipped in the suffix (row 40 of the x half), the slope of an addition (row 0:
    // bit 0 of x = 1 is set; where a bit is 0 the slope is free), a running sum, a below-p
    // witness, the hash column of one row, the instance value over a whole block.
    type Tamper<'a> = Box<dyn Fn(&mut Vec<Vec<FE>>) + 'a>;
    let cases: Vec<(&str, Tamper)> = vec![
        ("suffix", Box::new(move |m| m[col(SUFFIX)][40] += fe(1))),
        ("slope", Box::new(move |m| m[col(SLOPE)][0] += fe(1))),
        ("sum", Box::new(move |m| m[col(SUM_X)][300] += fe(1))),
        ("top", Box::new(move |m| m[col(TOP)][10] += fe(1))),
        ("hash on one row", Box::new(move |m| m[col(VAL + 2)][7] += fe(1))),
        ("y over a block", Box::new(move |m| (ROWS..2 * ROWS).for_each(|r| m[col(VAL + 1)][r] += fe(1)))),
        ("instance skipped", Box::new(move |m| {
            let n = m[0].len();
            (ROWS..n).for_each(|r| m[col(IA)][r] += fe(CELLS as u64));
        })),
    ];
    for (what, f) in cases {
        assert!(forged_run(PEDERSEN, &inputs, |_, m| f(m)).is_err(), "forged {what} accepted");
    }
}

#[test]
fn changed_pedersen_public_input_and_bytes_are_rejected() {
    let (bytes, _) = prove_program(PEDERSEN, &[fe(11), fe(12)], &ProofOptions::test_only()).unwrap();
    let muts: Vec<(&str, Mutation)> = vec![
        ("hash output", Box::new(|pi| pi.outputs[0] += fe(1))),
        ("pedersen stop + 3", segment_change(pedersen::NAME, |s| s.stop += 3)),
        ("pedersen stop + 1", segment_change(pedersen::NAME, |s| s.stop += 1)),
        ("pedersen base + 3", segment_change(pedersen::NAME, |s| s.base += 3)),
        ("no instances", segment_change(pedersen::NAME, |s| s.stop = s.base)),
        ("pedersen dropped", Box::new(|pi| {
            *pi.segment_mut(pedersen::NAME) = None;
            set_layout(pi, pedersen::NAME, false);
        })),
    ];
    let mut p = decode_cairo_proof(&bytes).unwrap();
    rejects_changes(&p, muts);
    rejects_flips(&bytes, 64, 150, 0x01);
    // A trace claimed shorter than one pedersen block (the cycles and the periodic columns
    // do not fit) is a shape error, not a panic.
    p.stark.log_trace_length = 8;
    assert!(verify_proof(&p).is_err());
}
