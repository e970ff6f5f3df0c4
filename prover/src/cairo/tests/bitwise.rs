//! The bitwise builtin suite: programs with and without range_check or instances, forged
//! cells, bits, columns and segment claims, and changed claims and bytes.

use super::*;
use builtins::bitwise::{self, *};
use builtins::range_check;

/// x op y on the canonical 256-bit representations.
pub(super) fn bw_op(x: &FE, y: &FE, op: fn(u8, u8) -> u8) -> FE {
    let (a, b) = (crate::field::fe_to_bytes(x), crate::field::fe_to_bytes(y));
    crate::field::fe_from_bytes(&std::array::from_fn(|i| op(a[i], b[i]))).unwrap()
}

/// Pairs for `bitwise.cairo`; the first pair has distinctive results (the forging tests
/// replace them in memory) and sets bit 196 of y (so x + p decomposes to another x & y).
pub(super) fn bw_inputs() -> Vec<FE> {
    let x0 = pow2(250) + pow2(200) + fe(0xF0F0);
    let y0 = pow2(249) + pow2(200) + pow2(196) + fe(0xFF01);
    let max = pow2(251) - fe(1);
    vec![x0, y0, fe(0b1100), fe(0b1010), max, pow2(250) + fe(12345), fe(0), max]
}

pub(super) fn bw_expected(inputs: &[FE]) -> Vec<FE> {
    inputs
        .chunks(2)
        .flat_map(|p| [bw_op(&p[0], &p[1], |a, b| a & b), bw_op(&p[0], &p[1], |a, b| a ^ b), bw_op(&p[0], &p[1], |a, b| a | b)])
        .collect()
}

#[test]
fn bitwise_program_proves_and_verifies() {
    let inputs = bw_inputs();
    let (bytes, report) = prove_program(BITWISE, &inputs, &ProofOptions::test_only()).unwrap();
    println!("{report}");
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.inputs, inputs);
    assert_eq!(claim.outputs, bw_expected(&inputs));
    assert_eq!(claim.outputs[3..6], [fe(0b1000), fe(0b0110), fe(0b1110)]);
    assert_eq!(claim.builtins, vec!["output", "range_check", "bitwise"]);
    let p = decode_cairo_proof(&bytes).unwrap();
    assert_eq!(p.public_input.instances(bitwise::NAME), 4);
    assert!(p.public_input.layout.has(bitwise::NAME) && p.public_input.layout.has(range_check::NAME));
    // An input of 2^251 or more is refused (cairo-vm's bitwise bound).
    assert!(prove_program(BITWISE, &[pow2(251), fe(1)], &ProofOptions::test_only()).is_err());
}

#[test]
fn bitwise_without_range_check_and_without_instances() {
    let vals = vec![pow2(250) + fe(7), fe(0xFFFF), pow2(131) + fe(3)];
    let (bytes, _) = prove_program(XOR_FOLD, &vals, &ProofOptions::test_only()).unwrap();
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    let xor = |a: &FE, b: &FE| bw_op(a, b, |x, y| x ^ y);
    assert_eq!(claim.outputs, vec![xor(&xor(&vals[0], &vals[1]), &vals[2])]);
    assert_eq!(claim.builtins, vec!["output", "bitwise"]);
    assert_eq!(outputs_with_unused(XOR_FOLD, bitwise::NAME), vec![fe(0)]);
}

#[test]
fn bitwise_needs_sixteen_rows_per_instance() {
    // 40 xors in a short program: the trace grows to hold 40 blocks of 16 rows.
    let vals: Vec<FE> = (0..40u64).map(|i| fe(i * 0x9E37_79B9 + 1)).collect();
    let (bytes, report) = prove_program(XOR_FOLD, &vals, &ProofOptions::test_only()).unwrap();
    assert!(report.trace_length >= 40 * 16);
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    let want = vals.iter().fold(fe(0), |a, v| bw_op(&a, v, |x, y| x ^ y));
    assert_eq!(claim.outputs, vec![want]);
}

#[test]
fn forged_bitwise_output_cell_is_rejected() {
    let inputs = bw_inputs();
    let expect = bw_expected(&inputs);
    // Control: the same path without tampering verifies and satisfies every constraint.
    let (r, broken) = forged_exec(BITWISE, &inputs, |_| {});
    assert_eq!(r.unwrap().outputs, expect);
    assert_eq!(broken, None);
    let start = constraints_of(BITWISE, &inputs, bitwise::NAME).start;

    // x0 & y0 claimed one too large, with xor and or adjusted so that all five cells still
    // agree with X + Y = xor + 2·and = or + and: memory, CPU and output are consistent, and
    // only the AIR's bitwise constraints can object.
    let (a, x, o) = (expect[0], expect[1], expect[2]);
    let (r, broken) = forged_exec(BITWISE, &inputs, |e| {
        replace_everywhere(e, &a, &(a + fe(1)));
        replace_everywhere(e, &x, &(x - fe(2)));
        replace_everywhere(e, &o, &(o - fe(1)));
    });
    println!("forged and: {r:?}, first broken constraint {broken:?} (bitwise from {start})");
    assert!(r.is_err(), "forged x & y accepted");
    // The first constraint it breaks is the binding of A to the x&y accumulator, on the
    // first block's last row (bits, 3 block, 3 accumulator, 10 top-bit and 3 constancy
    // constraints and the bindings of X and Y come before it in the bitwise group).
    assert_eq!(broken, Some((start + 2 * BITS + 6 + 10 + 3 + 2, 15)));

    // Only the x&y cell changed (xor and or honest): also rejected (memory disagrees too).
    let (r, _) = forged_exec(BITWISE, &inputs, |e| replace_everywhere(e, &a, &(a + fe(1))));
    assert!(r.is_err());
}

#[test]
fn noncanonical_bit_decomposition_is_rejected() {
    // x0 decomposed as the 256-bit integer x0 + p (same field element, other bits): without
    // the bound on the top chunk this would prove (x0 + p) & y0 as x0 & y0.
    let inputs = bw_inputs();
    let expect = bw_expected(&inputs);
    let (x0, y0) = (&inputs[0], &inputs[1]);
    let xp = builtins::add_modulus(&crate::field::fe_to_bytes(x0));
    let yb = crate::field::fe_to_bytes(y0);
    let and = crate::field::fe_from_bytes(&std::array::from_fn(|i| xp[i] & yb[i])).unwrap();
    assert_ne!(and, expect[0]);
    let (xor, or) = (x0 + y0 - and.double(), x0 + y0 - and);
    let base = runner::execute(BITWISE, &inputs).unwrap().public_input.segment(bitwise::NAME).unwrap().base;
    FORGE_NONCANONICAL_X.with(|f| f.set(Some(base)));
    let (r, broken) = forged_exec(BITWISE, &inputs, |e| {
        replace_everywhere(e, &expect[0], &and);
        replace_everywhere(e, &expect[1], &xor);
        replace_everywhere(e, &expect[2], &or);
    });
    FORGE_NONCANONICAL_X.with(|f| f.set(None));
    println!("non-canonical x: {r:?}, first broken constraint {broken:?}");
    assert!(r.is_err(), "non-canonical decomposition accepted");
    // Only the top-bits constraints break (32 bit + 3 block + 3 accumulator constraints
    // come before them in the bitwise group).
    // The check of block 0's top chunk runs on the trace's last row (it wraps around).
    let top = constraints_of(BITWISE, &inputs, bitwise::NAME).start + 2 * BITS + 6;
    let (k, row) = broken.unwrap();
    assert_eq!(k, top, "expected the top-bits constraint of bit 251 of x, got {k} at row {row}");
}

#[test]
fn forged_bitwise_trace_columns_are_rejected() {
    let inputs = bw_inputs();
    let at = runner::execute(BITWISE, &inputs).unwrap().public_input.layout.place(bitwise::NAME).unwrap();
    let col = |k: usize| at.block + k;
    forged_run(BITWISE, &inputs, |_, _| {}).unwrap();
    let flip = |v: &mut FE| *v = FE::one() - *v;
    // A bit of x flipped (the accumulator no longer matches X).
    assert!(forged_run(BITWISE, &inputs, |_, m| flip(&mut m[col(XBITS + 3)][5])).is_err());
    // A "bit" equal to 2.
    assert!(forged_run(BITWISE, &inputs, |_, m| m[col(YBITS)][17] = fe(2)).is_err());
    // The block counter skips, or s marks a non-final row.
    assert!(forged_run(BITWISE, &inputs, |_, m| m[col(CNT)][7] += fe(1)).is_err());
    assert!(forged_run(BITWISE, &inputs, |_, m| m[col(S)][7] = FE::one()).is_err());
    // X, Y or A of one block changed on every row of the block.
    for k in [VAL, VAL + 1, VAL + 2] {
        assert!(forged_run(BITWISE, &inputs, |_, m| (16..32).for_each(|r| m[col(k)][r] += fe(1))).is_err());
    }
    // An instance skipped: block 1 moves to the third instance.
    assert!(forged_run(BITWISE, &inputs, |_, m| (16..32).for_each(|r| m[col(IA)][r] += fe(5))).is_err());
    // The honest trace proved under a public input claiming another x & y, x ^ y or x | y.
    for i in [0, 4, 11] {
        assert!(forged_run(BITWISE, &inputs, |e, _| e.public_input.outputs[i] += fe(1)).is_err(), "output {i}");
    }
}

#[test]
fn forged_bitwise_segment_claims_are_rejected() {
    rejects_segment_claims(
        BITWISE,
        &bw_inputs(),
        bitwise::NAME,
        &[
            ("one more instance", |s| s.stop += 5),
            ("one instance fewer", |s| s.stop -= 5),
            ("first instance dropped", |s| s.base += 5),
            ("segment shifted", |s| {
                s.base += 5;
                s.stop += 5;
            }),
            ("no instances", |s| s.stop = s.base),
        ],
    );
}

#[test]
fn changed_bitwise_public_input_is_rejected() {
    let (bytes, _) = prove_program(BITWISE, &bw_inputs(), &ProofOptions::test_only()).unwrap();
    let seg = |f| segment_change(bitwise::NAME, f);
    let muts: Vec<(&str, Mutation)> = vec![
        ("and output", Box::new(|pi| pi.outputs[0] += fe(1))),
        ("xor output", Box::new(|pi| pi.outputs[4] += fe(1))),
        ("or output", Box::new(|pi| pi.outputs[11] = pi.outputs[11] - fe(1))),
        ("output dropped", Box::new(|pi| {
            pi.outputs.pop();
        })),
        ("bitwise stop + 5", seg(|s| s.stop += 5)),
        ("bitwise stop - 5", seg(|s| s.stop -= 5)),
        ("bitwise stop + 1", seg(|s| s.stop += 1)),
        ("bitwise base + 5", seg(|s| s.base += 5)),
        ("bitwise segment shifted", seg(|s| {
            s.base += 5;
            s.stop += 5;
        })),
        ("bitwise segment dropped", Box::new(|pi| *pi.segment_mut(bitwise::NAME) = None)),
        ("bitwise layout dropped", Box::new(|pi| set_layout(pi, bitwise::NAME, false))),
        ("bitwise dropped", Box::new(|pi| {
            *pi.segment_mut(bitwise::NAME) = None;
            set_layout(pi, bitwise::NAME, false);
        })),
        ("range_check dropped", Box::new(|pi| {
            *pi.segment_mut(range_check::NAME) = None;
            pi.layout = layout::Layout::new(2, 1).with(bitwise::NAME);
            pi.rcb_min = 0;
            pi.rcb_max = 0;
        })),
        ("start code ap += k", Box::new(|pi| pi.program[1] += fe(1))),
    ];
    rejects_changes(&decode_cairo_proof(&bytes).unwrap(), muts);
}

#[test]
fn tampered_bitwise_proof_bytes_are_rejected() {
    let (bytes, _) = prove_program(XOR_FOLD, &[fe(5), fe(3)], &ProofOptions::test_only()).unwrap();
    verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    rejects_flips(&bytes, 64, 150, 0x10);
    assert!(verify_cairo_proof_with_policy(&bytes[..bytes.len() - 1], &ANY).is_err());
}
