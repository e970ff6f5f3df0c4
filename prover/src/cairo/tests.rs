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
        let c = a + b;
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

use crate::error::VerifyError;
use std::sync::OnceLock;

/// One honest fib proof shared by the rejection tests (proving is the slow part).
fn honest() -> &'static (Vec<u8>, CairoProof) {
    static P: OnceLock<(Vec<u8>, CairoProof)> = OnceLock::new();
    P.get_or_init(|| {
        let (bytes, _) = prove_program(FIB, &[fe(7)], &ProofOptions::test_only()).unwrap();
        let p = decode_cairo_proof(&bytes).unwrap();
        (bytes, p)
    })
}

fn verify_proof(p: &CairoProof) -> Result<VerifiedClaim, VerifyError> {
    verify_cairo_proof_with_policy(&encode_cairo_proof(p), &ANY)
}

#[test]
fn fact_program_proves_and_verifies() {
    let (bytes, _) = prove_program(FACT, &[fe(6)], &ProofOptions::test_only()).unwrap();
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.outputs, vec![fe(720)]);
    assert_eq!(claim.inputs, vec![fe(6)]);
}

#[test]
fn honest_proof_roundtrips_and_names_the_claim() {
    let (bytes, p) = honest();
    assert_eq!(&encode_cairo_proof(p), bytes);
    let claim = verify_proof(p).unwrap();
    assert_eq!(claim.outputs, vec![fib(7)]);
    assert_eq!(claim.program_hash, public_input::program_hash(&p.public_input.builtins(), &p.public_input.program));
    assert!(claim.program_hash_hex().starts_with("0x"));
}

#[test]
fn default_policy_rejects_weak_proofs() {
    let (bytes, _) = honest();
    assert!(matches!(verify_cairo_proof(bytes), Err(VerifyError::InsufficientSecurity { .. })));
}

#[test]
fn changed_public_input_is_rejected() {
    let (_, p) = honest();
    let one = fe(1);
    let muts: Vec<(&str, Mutation)> = vec![
        ("program word", Box::new(|pi| pi.program[3] += fe(1))),
        ("program extended", Box::new(|pi| pi.program.push(fe(0)))),
        ("input", Box::new(move |pi| pi.inputs[0] += one)),
        ("input added", Box::new(|pi| pi.inputs.push(fe(1)))),
        ("output", Box::new(|pi| pi.outputs[0] += fe(1))),
        ("output dropped", Box::new(|pi| {
            pi.outputs.pop();
        })),
        ("initial pc", Box::new(|pi| pi.initial_pc += 1)),
        ("initial ap", Box::new(|pi| pi.initial_ap += 1)),
        ("final pc", Box::new(|pi| pi.final_pc -= 2)),
        ("final ap", Box::new(|pi| pi.final_ap += 1)),
        ("output base", Box::new(|pi| pi.output_base += 1)),
        ("rc min", Box::new(|pi| pi.rc_min -= 1)),
        ("rc max", Box::new(|pi| pi.rc_max += 1)),
        ("steps", Box::new(|pi| pi.steps += 1)),
        ("layout", Box::new(|pi| pi.layout.mem_extra += 1)),
    ];
    for (what, m) in muts {
        let mut q = p.clone();
        m(&mut q.public_input);
        assert_ne!(&q, p, "{what}");
        let r = verify_proof(&q);
        println!("changed {what}: {r:?}");
        assert!(r.is_err(), "changed {what} accepted");
    }
}

#[test]
fn flipped_bytes_are_rejected() {
    let (bytes, _) = honest();
    let mut positions: Vec<usize> = (0..48).collect();
    positions.extend((48..bytes.len()).step_by(bytes.len() / 120));
    positions.push(bytes.len() - 1);
    for i in positions {
        let mut b = bytes.clone();
        b[i] ^= 0x04;
        assert!(verify_cairo_proof_with_policy(&b, &ANY).is_err(), "flip at byte {i} accepted");
    }
}

#[test]
fn fewer_queries_are_rejected() {
    let (_, p) = honest();
    let mut q = p.clone();
    q.stark.queries.pop();
    assert_eq!(verify_proof(&q), Err(VerifyError::Shape("query count")));
    q.stark.options.queries -= 1;
    assert!(verify_proof(&q).is_err());
}

/// A proof of a tampered trace, under the honest public input (as a cheating prover
/// would make it: the debug trace check is bypassed by calling the engine directly).
fn forged(tamper: impl Fn(&mut trace::Execution, &mut Vec<Vec<FE>>)) -> Result<VerifiedClaim, VerifyError> {
    forged_run(FIB, &[fe(7)], tamper)
}

fn forged_run(
    program: &[u8],
    inputs: &[FE],
    tamper: impl Fn(&mut trace::Execution, &mut Vec<Vec<FE>>),
) -> Result<VerifiedClaim, VerifyError> {
    let mut exec = runner::execute(program, inputs).unwrap();
    let (_, mut main) = trace::build_main(&exec, 3).unwrap();
    tamper(&mut exec, &mut main);
    let (pi, _) = trace::build_main(&exec, 3).unwrap();
    let n = main[0].len();
    let air = air::CairoAir::new(pi.clone(), n);
    let stark = crate::prover::prove(&air, &main, &ProofOptions::test_only()).unwrap();
    verify_proof(&CairoProof { public_input: pi, stark })
}

#[test]
fn range_check_builtin_program_proves_and_verifies() {
    let (bytes, report) = prove_program(SUM_RC, &[fe(3), fe(5), fe(1 << 40)], &ProofOptions::test_only()).unwrap();
    println!("{report}");
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.outputs, vec![fe(8 + (1 << 40))]);
    let p = decode_cairo_proof(&bytes).unwrap();
    assert!(p.public_input.range_check.is_some());
    // Values of 2^128 and more cannot be range-checked.
    let big = fe(1 << 32) * fe(1 << 32) * fe(1 << 32) * fe(1 << 32);
    assert!(prove_program(SUM_RC, &[big], &ProofOptions::test_only()).is_err());
}

#[test]
fn forged_range_check_parts_are_rejected() {
    use layout::*;
    let inputs = [fe(3), fe(5), fe(1 << 40)];
    forged_run(SUM_RC, &inputs, |_, _| {}).unwrap();
    let l = Layout::with_range_check(2, 1, 2);
    // A part changed without its sorted copy, and the builtin address column skipping.
    assert!(forged_run(SUM_RC, &inputs, |_, m| m[l.rcb_part(2)][1] += fe(1)).is_err());
    assert!(forged_run(SUM_RC, &inputs, |_, m| m[l.rcb_addr()][1] += fe(1)).is_err());
    // Claiming a different builtin segment.
    assert!(forged_run(SUM_RC, &inputs, |e, _| {
        if let Some(rc) = e.public_input.range_check.as_mut() {
            rc.stop += 1;
        }
    })
    .is_err());
}

#[test]
fn forged_trace_breaking_one_cpu_constraint_is_rejected() {
    use layout::*;
    // Control: the same path without tampering verifies.
    forged(|_, _| {}).unwrap();
    // res of one step off by one (breaks the res constraint only).
    assert!(forged(|_, m| m[RES][5] += fe(1)).is_err());
    // A flag that is not a bit.
    assert!(forged(|_, m| m[F0 + 3][9] = fe(2)).is_err());
    // ap jumps by one extra cell between two steps.
    assert!(forged(|_, m| m[AP][20] += fe(1)).is_err());
}

#[test]
fn forged_memory_is_rejected() {
    use layout::*;
    // An operand value changed in the trace but not in the sorted memory.
    assert!(forged(|_, m| m[OP1][12] += fe(1)).is_err());
    // Sorted memory changed consistently with nothing else.
    assert!(forged(|_, m| {
        let l = Layout::new(2, 1);
        m[l.sorted_val(1)][30] += fe(1);
    })
    .is_err());
}

#[test]
fn forged_output_claim_is_rejected() {
    // The honest trace, but the public input claims another result.
    assert!(forged(|e, _| e.public_input.outputs[0] += fe(1)).is_err());
    // Or another input.
    assert!(forged(|e, _| e.public_input.inputs[0] = fe(8)).is_err());
}

#[test]
fn program_with_wrong_output_convention_is_refused() {
    // fib reads exactly one input.
    assert!(prove_program(FIB, &[fe(1), fe(2)], &ProofOptions::test_only()).is_err());
    assert!(prove_program(b"not json", &[fe(1)], &ProofOptions::test_only()).is_err());
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Mutated honest Cairo proofs never panic the decoder or verifier, and are never
        /// accepted with a different claim.
        #[test]
        fn mutated_cairo_proofs_never_panic(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let (bytes, _) = honest();
            let mut b = bytes.clone();
            let i = pos.index(b.len());
            prop_assume!(b[i] != byte);
            b[i] = byte;
            prop_assert!(verify_cairo_proof_with_policy(&b, &ANY).is_err());
            let _ = decode_cairo_proof(&b[..i]);
        }
    }
}

#[test]
fn cairo_proving_is_deterministic_and_default_policy_accepts_presets() {
    let (a, _) = prove_program(FACT, &[fe(5)], &ProofOptions::conjectured_100()).unwrap();
    let (b, _) = prove_program(FACT, &[fe(5)], &ProofOptions::conjectured_100()).unwrap();
    assert_eq!(a, b);
    let claim = verify_cairo_proof(&a).unwrap();
    assert_eq!((claim.inputs, claim.outputs, claim.security_bits), (vec![fe(5)], vec![fe(120)], 100));
    let (c, report) = prove_program(FIB, &[fe(20)], &ProofOptions::conjectured_128()).unwrap();
    assert_eq!(report.security_bits, 128);
    assert_eq!(verify_cairo_proof(&c).unwrap().outputs, vec![fib(20)]);
}

// ---------------------------------------------------------------------------------------
// Bitwise builtin.

pub const BITWISE: &[u8] = include_bytes!("../../programs/bitwise.json");
pub const XOR_FOLD: &[u8] = include_bytes!("../../programs/xor_fold.json");

fn pow2(k: u64) -> FE {
    fe(2).pow(k)
}

/// x op y on the canonical 256-bit representations.
fn bw_op(x: &FE, y: &FE, op: fn(u8, u8) -> u8) -> FE {
    let (a, b) = (crate::field::fe_to_bytes(x), crate::field::fe_to_bytes(y));
    crate::field::fe_from_bytes(&std::array::from_fn(|i| op(a[i], b[i]))).unwrap()
}

/// Pairs for `bitwise.cairo`; the first pair has distinctive results (the forging tests
/// replace them in memory) and sets bit 196 of y (so x + p decomposes to another x & y).
fn bw_inputs() -> Vec<FE> {
    let x0 = pow2(250) + pow2(200) + fe(0xF0F0);
    let y0 = pow2(249) + pow2(200) + pow2(196) + fe(0xFF01);
    let max = pow2(251) - fe(1);
    vec![x0, y0, fe(0b1100), fe(0b1010), max, pow2(250) + fe(12345), fe(0), max]
}

fn bw_expected(inputs: &[FE]) -> Vec<FE> {
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
    assert_eq!(p.public_input.bitwise_instances(), 4);
    assert!(p.public_input.layout.bitwise && p.public_input.layout.rc_builtin);
    // An input of 2^251 or more is refused (cairo-vm's bitwise bound).
    assert!(prove_program(BITWISE, &[pow2(251), fe(1)], &ProofOptions::test_only()).is_err());
}

pub const BITWISE_RC_UNUSED: &[u8] = include_bytes!("../../programs/bitwise_rc_unused.json");

#[test]
fn declared_but_unused_range_check_next_to_bitwise() {
    // The empty range_check segment's base is the bitwise segment's base, whose cell holds
    // x0 >= 2^128: the range_check column must not be pinned to it.
    let inputs = bw_inputs();
    let exec = runner::execute(BITWISE_RC_UNUSED, &inputs).unwrap();
    let (rc, bw) = (exec.public_input.range_check.unwrap(), exec.public_input.bitwise.unwrap());
    assert_eq!((rc.base, rc.stop), (bw.base, bw.base));
    let (bytes, _) = prove_program(BITWISE_RC_UNUSED, &inputs, &ProofOptions::test_only()).unwrap();
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.outputs, bw_expected(&inputs));
    // The honest trace proved under a claim of one range-checked cell there is rejected.
    let (mut pi, main) = trace::build_main(&exec, 3).unwrap();
    pi.range_check.as_mut().unwrap().stop += 1;
    let air = air::CairoAir::new(pi.clone(), main[0].len());
    let stark = crate::prover::prove(&air, &main, &ProofOptions::test_only()).unwrap();
    assert!(verify_proof(&CairoProof { public_input: pi, stark }).is_err());
}

#[test]
fn bitwise_without_range_check_and_without_instances() {
    let vals = vec![pow2(250) + fe(7), fe(0xFFFF), pow2(131) + fe(3)];
    let (bytes, _) = prove_program(XOR_FOLD, &vals, &ProofOptions::test_only()).unwrap();
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    let xor = |a: &FE, b: &FE| bw_op(a, b, |x, y| x ^ y);
    assert_eq!(claim.outputs, vec![xor(&xor(&vals[0], &vals[1]), &vals[2])]);
    assert_eq!(claim.builtins, vec!["output", "bitwise"]);
    // No inputs: the program declares bitwise but uses no instance (a dummy block).
    let (bytes, _) = prove_program(XOR_FOLD, &[], &ProofOptions::test_only()).unwrap();
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.outputs, vec![fe(0)]);
    assert_eq!(decode_cairo_proof(&bytes).unwrap().public_input.bitwise_instances(), 0);
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

/// Proves an execution tampered *before* its trace is built (memory, public input), as a
/// cheating prover would, bypassing the debug trace check. Also returns the first
/// constraint the forged trace breaks (None if it satisfies every constraint).
fn forged_exec(
    program: &[u8],
    inputs: &[FE],
    tamper: impl Fn(&mut trace::Execution),
) -> (Result<VerifiedClaim, VerifyError>, Option<(usize, usize)>) {
    use crate::air::Air;
    let mut exec = runner::execute(program, inputs).unwrap();
    tamper(&mut exec);
    let (pi, main) = trace::build_main(&exec, 3).unwrap();
    let n = main[0].len();
    let air = air::CairoAir::new(pi.clone(), n);
    let ch = [fe(0x1234_5678), fe(0x9abc_def0), fe(0x0fed_cba9)];
    let aux = air.build_aux(&main, &ch);
    let broken = crate::air::check_constraints(&air, &main, &aux, &ch).err().map(|e| {
        // "transition constraint {k} fails at row {r}"; boundaries report usize::MAX.
        let nums: Vec<usize> = e.split(' ').filter_map(|w| w.parse().ok()).collect();
        if e.starts_with("transition") {
            (nums[0], nums[1])
        } else {
            (usize::MAX, 0)
        }
    });
    let num_constraints = air.transition_rows().len();
    let stark = crate::prover::prove(&air, &main, &ProofOptions::test_only()).unwrap();
    let r = verify_proof(&CairoProof { public_input: pi, stark });
    (r, broken.map(|(k, row)| (k.min(num_constraints), row)))
}

/// Replaces every memory cell (and claimed output) equal to `old` by `new`: the CPU then
/// reads and copies the forged value consistently.
fn replace_everywhere(e: &mut trace::Execution, old: &FE, new: &FE) {
    for c in e.memory.iter_mut().flatten() {
        if c == old {
            *c = *new;
        }
    }
    for o in e.public_input.outputs.iter_mut() {
        if o == old {
            *o = *new;
        }
    }
}

/// Index of the first bitwise constraint (they come last) for the bitwise program.
fn bitwise_constraint_start() -> usize {
    use crate::air::Air;
    let exec = runner::execute(BITWISE, &bw_inputs()).unwrap();
    let (pi, main) = trace::build_main(&exec, 3).unwrap();
    air::CairoAir::new(pi, main[0].len()).transition_rows().len() - air::BW_CONSTRAINTS
}

#[test]
fn forged_bitwise_output_cell_is_rejected() {
    let inputs = bw_inputs();
    let expect = bw_expected(&inputs);
    // Control: the same path without tampering verifies and satisfies every constraint.
    let (r, broken) = forged_exec(BITWISE, &inputs, |_| {});
    assert_eq!(r.unwrap().outputs, expect);
    assert_eq!(broken, None);
    let start = bitwise_constraint_start();

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
    assert_eq!(broken, Some((start + 2 * layout::BW_BITS + 6 + 10 + 3 + 2, 15)));

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
    let xp = trace::add_modulus(&crate::field::fe_to_bytes(x0));
    let yb = crate::field::fe_to_bytes(y0);
    let and = crate::field::fe_from_bytes(&std::array::from_fn(|i| xp[i] & yb[i])).unwrap();
    assert_ne!(and, expect[0]);
    let (xor, or) = (x0 + y0 - and.double(), x0 + y0 - and);
    let base = runner::execute(BITWISE, &inputs).unwrap().public_input.bitwise.unwrap().base;
    trace::FORGE_NONCANONICAL_X.with(|f| f.set(Some(base)));
    let (r, broken) = forged_exec(BITWISE, &inputs, |e| {
        replace_everywhere(e, &expect[0], &and);
        replace_everywhere(e, &expect[1], &xor);
        replace_everywhere(e, &expect[2], &or);
    });
    trace::FORGE_NONCANONICAL_X.with(|f| f.set(None));
    println!("non-canonical x: {r:?}, first broken constraint {broken:?}");
    assert!(r.is_err(), "non-canonical decomposition accepted");
    // Only the top-bits constraints break (32 bit + 3 block + 3 accumulator constraints
    // come before them in the bitwise group).
    // The check of block 0's top chunk runs on the trace's last row (it wraps around).
    let top = bitwise_constraint_start() + 2 * layout::BW_BITS + 6;
    let (k, row) = broken.unwrap();
    assert_eq!(k, top, "expected the top-bits constraint of bit 251 of x, got {k} at row {row}");
}

#[test]
fn forged_bitwise_trace_columns_are_rejected() {
    use layout::*;
    let inputs = bw_inputs();
    let l = Layout::with_range_check(2, 1, 2).with_bitwise();
    forged_run(BITWISE, &inputs, |_, _| {}).unwrap();
    let flip = |v: &mut FE| *v = FE::one() - *v;
    // A bit of x flipped (the accumulator no longer matches X).
    assert!(forged_run(BITWISE, &inputs, |_, m| flip(&mut m[l.bw_col(BW_XBITS + 3)][5])).is_err());
    // A "bit" equal to 2.
    assert!(forged_run(BITWISE, &inputs, |_, m| m[l.bw_col(BW_YBITS)][17] = fe(2)).is_err());
    // The block counter skips, or s marks a non-final row.
    assert!(forged_run(BITWISE, &inputs, |_, m| m[l.bw_col(BW_CNT)][7] += fe(1)).is_err());
    assert!(forged_run(BITWISE, &inputs, |_, m| m[l.bw_col(BW_S)][7] = FE::one()).is_err());
    // X, Y or A of one block changed on every row of the block.
    for k in [BW_VAL, BW_VAL + 1, BW_VAL + 2] {
        assert!(forged_run(BITWISE, &inputs, |_, m| (16..32).for_each(|r| m[l.bw_col(k)][r] += fe(1))).is_err());
    }
    // An instance skipped: block 1 moves to the third instance.
    assert!(forged_run(BITWISE, &inputs, |_, m| (16..32).for_each(|r| m[l.bw_col(BW_IA)][r] += fe(5))).is_err());
    // The honest trace proved under a public input claiming another x & y, x ^ y or x | y.
    for i in [0, 4, 11] {
        assert!(forged_run(BITWISE, &inputs, |e, _| e.public_input.outputs[i] += fe(1)).is_err(), "output {i}");
    }
}

#[test]
fn forged_bitwise_segment_claims_are_rejected() {
    let inputs = bw_inputs();
    type Seg = fn(&mut public_input::Segment);
    let claims: [(&str, Seg); 5] = [
        ("one more instance", |s| s.stop += 5),
        ("one instance fewer", |s| s.stop -= 5),
        ("first instance dropped", |s| s.base += 5),
        ("segment shifted", |s| {
            s.base += 5;
            s.stop += 5;
        }),
        ("no instances", |s| s.stop = s.base),
    ];
    for (what, f) in claims {
        // The honest trace proved under the changed claim...
        let r = forged_run(BITWISE, &inputs, |e, _| f(e.public_input.bitwise.as_mut().unwrap()));
        println!("{what} (honest trace): {r:?}");
        assert!(r.is_err(), "{what} accepted");
        // ...and a trace built for the changed claim.
        let (r, broken) = forged_exec(BITWISE, &inputs, |e| f(e.public_input.bitwise.as_mut().unwrap()));
        println!("{what} (trace for the claim): {r:?}, first broken constraint {broken:?}");
        assert!(r.is_err() && broken.is_some(), "{what} accepted");
    }
}

#[test]
fn changed_bitwise_public_input_is_rejected() {
    let (bytes, _) = prove_program(BITWISE, &bw_inputs(), &ProofOptions::test_only()).unwrap();
    let p = decode_cairo_proof(&bytes).unwrap();
    verify_proof(&p).unwrap();
    let seg = |f: fn(&mut public_input::Segment)| -> Mutation {
        Box::new(move |pi: &mut CairoPublicInput| f(pi.bitwise.as_mut().unwrap()))
    };
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
        ("bitwise segment dropped", Box::new(|pi| pi.bitwise = None)),
        ("bitwise layout dropped", Box::new(|pi| pi.layout.bitwise = false)),
        ("bitwise dropped", Box::new(|pi| {
            pi.bitwise = None;
            pi.layout.bitwise = false;
        })),
        ("range_check dropped", Box::new(|pi| {
            pi.range_check = None;
            pi.layout = layout::Layout::new(2, 1).with_bitwise();
            pi.rcb_min = 0;
            pi.rcb_max = 0;
        })),
        ("start code ap += k", Box::new(|pi| pi.program[1] += fe(1))),
    ];
    for (what, m) in muts {
        let mut q = p.clone();
        m(&mut q.public_input);
        assert_ne!(&q, &p, "{what}");
        let r = verify_proof(&q);
        println!("changed {what}: {r:?}");
        assert!(r.is_err(), "changed {what} accepted");
    }
}

#[test]
fn tampered_bitwise_proof_bytes_are_rejected() {
    let (bytes, _) = prove_program(XOR_FOLD, &[fe(5), fe(3)], &ProofOptions::test_only()).unwrap();
    verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    let mut positions: Vec<usize> = (0..64).collect();
    positions.extend((64..bytes.len()).step_by(bytes.len() / 150));
    positions.push(bytes.len() - 1);
    for i in positions {
        let mut b = bytes.clone();
        b[i] ^= 0x10;
        assert!(verify_cairo_proof_with_policy(&b, &ANY).is_err(), "flip at byte {i} accepted");
    }
    assert!(verify_cairo_proof_with_policy(&bytes[..bytes.len() - 1], &ANY).is_err());
}

#[test]
fn unsupported_builtins_are_refused() {
    let json = std::str::from_utf8(FIB).unwrap();
    assert!(json.contains("\"builtins\": [\n        \"output\"\n    ]"));
    for other in ["ecdsa", "keccak", "ec_op"] {
        let patched = json.replace(
            "\"builtins\": [\n        \"output\"\n    ]",
            &format!("\"builtins\": [\n        \"output\",\n        \"{other}\"\n    ]"),
        );
        let err = prove_program(patched.as_bytes(), &[fe(3)], &ProofOptions::test_only()).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, crate::error::ProveError::Program(_)), "{msg}");
        assert!(msg.contains("unsupported builtins") && msg.contains(other), "{msg}");
    }
}

// ---------------------------------------------------------------------------------------
// Poseidon builtin.

pub const POSEIDON: &[u8] = include_bytes!("../../programs/poseidon.json");
pub const ALL_BUILTINS: &[u8] = include_bytes!("../../programs/all_builtins.json");

/// Cairo's `poseidon_hash(x, y)`: the first element of Hades([x, y, 2]), computed with
/// lambdaworks (independently of the AIR's code).
fn poseidon_hash(x: &FE, y: &FE) -> FE {
    use lambdaworks_crypto::hash::poseidon::{starknet::PoseidonCairoStark252, Poseidon};
    PoseidonCairoStark252::hash(x, y)
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
    assert_eq!(decode_cairo_proof(&bytes).unwrap().public_input.poseidon_instances(), 5);
    // Declared but unused (no inputs): a dummy instance.
    let (bytes, _) = prove_program(POSEIDON, &[], &ProofOptions::test_only()).unwrap();
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.outputs, vec![fe(0)]);
    assert_eq!(decode_cairo_proof(&bytes).unwrap().public_input.poseidon_instances(), 0);
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
    q.public_input.poseidon = None;
    q.public_input.layout.poseidon = false;
    assert!(verify_proof(&q).is_err());
}

/// Index of the first poseidon constraint (they come last) for the poseidon program.
fn poseidon_constraint_start() -> usize {
    use crate::air::Air;
    let exec = runner::execute(POSEIDON, &ps_inputs()).unwrap();
    let (pi, main) = trace::build_main(&exec, 3).unwrap();
    air::CairoAir::new(pi, main[0].len()).transition_rows().len() - layout::PS_CUBES - 1
}

#[test]
fn forged_poseidon_output_cell_is_rejected() {
    let inputs = ps_inputs();
    let (r, broken) = forged_exec(POSEIDON, &inputs, |_| {});
    assert_eq!(r.unwrap().outputs, vec![ps_expected(&inputs)]);
    assert_eq!(broken, None);
    // The last hash claimed one larger: memory, CPU and output agree, and the trace's last
    // three cubes are solved so that the permutation's linear output matches the forged
    // value; only the cube constraints of the last round can object.
    let exec = runner::execute(POSEIDON, &inputs).unwrap();
    let ps = exec.public_input.poseidon.unwrap();
    let last = ps.stop - 6;
    let old = ps_expected(&inputs);
    trace::FORGE_POSEIDON_OUTPUT.with(|f| f.set(Some(last)));
    let (r, broken) = forged_exec(POSEIDON, &inputs, |e| replace_everywhere(e, &old, &(old + fe(1))));
    trace::FORGE_POSEIDON_OUTPUT.with(|f| f.set(None));
    println!("forged poseidon output: {r:?}, first broken constraint {broken:?}");
    assert!(r.is_err(), "forged poseidon output accepted");
    let start = poseidon_constraint_start();
    let (k, row) = broken.unwrap();
    assert!((start + layout::PS_CUBES - 3..start + layout::PS_CUBES).contains(&k), "broke {k} at row {row}");
    // Without solving the cubes, the memory argument rejects the forged cell as well.
    let (r, _) = forged_exec(POSEIDON, &inputs, |e| replace_everywhere(e, &old, &(old + fe(1))));
    assert!(r.is_err());
}

#[test]
fn forged_poseidon_trace_columns_are_rejected() {
    use layout::*;
    let inputs = ps_inputs();
    let l = Layout::new(2, 1).with_poseidon();
    forged_run(POSEIDON, &inputs, |_, _| {}).unwrap();
    for k in [PS_CUBE, PS_CUBE + 40, PS_CUBE + PS_CUBES - 1, PS_IN + 1] {
        assert!(forged_run(POSEIDON, &inputs, |_, m| m[l.ps_col(k)][2] += fe(1)).is_err(), "column {k}");
    }
    // The honest trace proved under a public input claiming another hash.
    assert!(forged_run(POSEIDON, &inputs, |e, _| e.public_input.outputs[0] += fe(1)).is_err());
    // An instance skipped (rows from 1 on move to the next instance).
    assert!(forged_run(POSEIDON, &inputs, |_, m| {
        for r in 1..m[0].len() {
            m[l.ps_col(PS_IA)][r] += fe(6);
        }
    })
    .is_err());
}

#[test]
fn forged_poseidon_segment_claims_are_rejected() {
    let inputs = ps_inputs();
    type Seg = fn(&mut public_input::Segment);
    let claims: [(&str, Seg); 4] = [
        ("one more instance", |s| s.stop += 6),
        ("one instance fewer", |s| s.stop -= 6),
        ("first instance dropped", |s| s.base += 6),
        ("no instances", |s| s.stop = s.base),
    ];
    for (what, f) in claims {
        let r = forged_run(POSEIDON, &inputs, |e, _| f(e.public_input.poseidon.as_mut().unwrap()));
        assert!(r.is_err(), "{what} accepted (honest trace)");
        let (r, broken) = forged_exec(POSEIDON, &inputs, |e| f(e.public_input.poseidon.as_mut().unwrap()));
        println!("{what}: {r:?}, first broken constraint {broken:?}");
        assert!(r.is_err() && broken.is_some(), "{what} accepted (trace for the claim)");
    }
}

type Mutation = Box<dyn Fn(&mut CairoPublicInput)>;

/// An honest proof (`bytes`) with each public-input change, and with flipped bytes (the
/// first 64 and ~150 spread over the rest), is rejected.
fn rejects_changes_and_flips(bytes: &[u8], muts: Vec<(&str, Mutation)>) {
    let p = decode_cairo_proof(bytes).unwrap();
    verify_proof(&p).unwrap();
    for (what, m) in muts {
        let mut q = p.clone();
        m(&mut q.public_input);
        let r = verify_proof(&q);
        println!("changed {what}: {r:?}");
        assert!(r.is_err(), "changed {what} accepted");
    }
    let mut positions: Vec<usize> = (0..64).collect();
    positions.extend((64..bytes.len()).step_by(bytes.len() / 150));
    for i in positions {
        let mut b = bytes.to_vec();
        b[i] ^= 0x01;
        assert!(verify_cairo_proof_with_policy(&b, &ANY).is_err(), "flip at byte {i} accepted");
    }
}

#[test]
fn changed_poseidon_public_input_and_bytes_are_rejected() {
    let (bytes, _) = prove_program(POSEIDON, &ps_inputs(), &ProofOptions::test_only()).unwrap();
    let muts: Vec<(&str, Mutation)> = vec![
        ("hash output", Box::new(|pi| pi.outputs[0] += fe(1))),
        ("poseidon stop + 6", Box::new(|pi| pi.poseidon.as_mut().unwrap().stop += 6)),
        ("poseidon stop + 1", Box::new(|pi| pi.poseidon.as_mut().unwrap().stop += 1)),
        ("poseidon base + 6", Box::new(|pi| pi.poseidon.as_mut().unwrap().base += 6)),
        ("poseidon dropped", Box::new(|pi| {
            pi.poseidon = None;
            pi.layout.poseidon = false;
        })),
        ("poseidon as bitwise", Box::new(|pi| {
            pi.bitwise = pi.poseidon.take();
            pi.layout.poseidon = false;
            pi.layout.bitwise = true;
        })),
    ];
    rejects_changes_and_flips(&bytes, muts);
}

#[test]
fn program_hash_binds_the_builtins_as_well_as_the_bytecode() {
    let (_, p) = honest();
    let code = &p.public_input.program;
    let with = |builtins: &[&str]| public_input::program_hash(builtins, code);
    // The same bytecode behind other builtin pointers is another program.
    assert_ne!(with(&["output", "range_check"]), with(&["output", "bitwise"]));
    assert_ne!(with(&["output"]), with(&["output", "range_check"]));
    let mut other = code.clone();
    other[0] += fe(1);
    assert_ne!(public_input::program_hash(&["output"], &other), with(&["output"]));
}

// ---------------------------------------------------------------------------------------
// Pedersen builtin.

pub const PEDERSEN: &[u8] = include_bytes!("../../programs/pedersen.json");

/// Inputs with every shape the below-p check distinguishes: small values, p - 1 (bits 251,
/// 196 and 192 set, the rest zero), p - 2 (bit 196 set, bits 192..195 zero, bits 0..191
/// all set), 2^251 + 5 and a value below 2^251.
fn pd_inputs() -> Vec<FE> {
    let p_minus = |k: u64| FE::zero() - fe(k);
    vec![fe(1), fe(2), p_minus(1), fe(7), pow2(251) + fe(5), p_minus(2), pow2(250) + fe(12345), p_minus(1)]
}

fn pd_expected(inputs: &[FE]) -> Vec<FE> {
    inputs.chunks(2).map(|c| pedersen::hash(&c[0], &c[1])).collect()
}

/// Index of the first pedersen constraint (they come last) for the pedersen program.
fn pedersen_constraint_start() -> usize {
    use crate::air::Air;
    let exec = runner::execute(PEDERSEN, &pd_inputs()).unwrap();
    let (pi, main) = trace::build_main(&exec, 3).unwrap();
    air::CairoAir::new(pi, main[0].len()).transition_rows().len() - air::PD_CONSTRAINTS
}

#[test]
fn pedersen_program_proves_and_verifies() {
    let inputs = pd_inputs();
    let (bytes, report) = prove_program(PEDERSEN, &inputs, &ProofOptions::test_only()).unwrap();
    println!("{report}");
    assert!(report.trace_length >= 4 * layout::PD_ROWS);
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.inputs, inputs);
    assert_eq!(claim.outputs, pd_expected(&inputs));
    assert_eq!(claim.builtins, vec!["output", "pedersen", "range_check"]);
    assert_eq!(decode_cairo_proof(&bytes).unwrap().public_input.pedersen_instances(), 4);
    // Declared but unused (no inputs): a dummy instance.
    let (bytes, _) = prove_program(PEDERSEN, &[], &ProofOptions::test_only()).unwrap();
    let claim = verify_cairo_proof_with_policy(&bytes, &ANY).unwrap();
    assert_eq!(claim.outputs, Vec::<FE>::new());
    assert_eq!(decode_cairo_proof(&bytes).unwrap().public_input.pedersen_instances(), 0);
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
    assert_eq!(broken, Some((pedersen_constraint_start() + 11, layout::PD_ROWS - 1)));
}

#[test]
fn noncanonical_pedersen_decomposition_is_rejected() {
    // x decomposed as the integer x + p (below 2^252 for these x): the suffix still starts
    // at x (mod p), but the sum is another point, so the claimed hash is false. Each case
    // breaks exactly one branch of the below-p check (p = 2^251 + 2^196 + 2^192 + 1):
    // 5 + p has bits 251, 196, 192 and 1, 2: bits 0..191 must be zero (constraint 24, row 1);
    // 15·2^192 + p = 2^251 + 2^197 + 1: bits 197..250 must be zero (22, row 197);
    // 2^192 + p = 2^251 + 2^196 + 2^193 + 1: bits 193..195 must be zero (23, row 193).
    let start = pedersen_constraint_start();
    for (x, constraint, row) in [(fe(5), 24, 1), (fe(15) * pow2(192), 22, 197), (pow2(192), 23, 193)] {
        let inputs = vec![x, fe(9)];
        let honest_hash = pd_expected(&inputs)[0];
        let x_plus_p = trace::add_modulus(&crate::field::fe_to_bytes(&x));
        let forged_hash =
            pedersen::instance_rows(&pedersen::bits_of(&x_plus_p), &pedersen::canonical_bits(&fe(9))).hash;
        assert_ne!(forged_hash, honest_hash);
        let base = runner::execute(PEDERSEN, &inputs).unwrap().public_input.pedersen.unwrap().base;
        trace::FORGE_PEDERSEN_NONCANONICAL_X.with(|f| f.set(Some(base)));
        let (r, broken) = forged_exec(PEDERSEN, &inputs, |e| replace_everywhere(e, &honest_hash, &forged_hash));
        trace::FORGE_PEDERSEN_NONCANONICAL_X.with(|f| f.set(None));
        println!("x + p for x = {x:?}: {r:?}, first broken constraint {broken:?}");
        assert!(r.is_err(), "non-canonical decomposition accepted");
        assert_eq!(broken, Some((start + constraint, row)));
    }
}

#[test]
fn forged_pedersen_trace_columns_are_rejected() {
    use layout::*;
    let inputs = pd_inputs();
    let l = Layout::with_range_check(2, 1, 2).with_pedersen();
    forged_run(PEDERSEN, &inputs, |_, _| {}).unwrap();
    let col = move |k: usize| l.pd_col(k);
    // A bit flipped in the suffix (row 40 of the x half), the slope of an addition (row 0:
    // bit 0 of x = 1 is set; where a bit is 0 the slope is free), a running sum, a below-p
    // witness, the hash column of one row, the instance value over a whole block.
    type Tamper<'a> = Box<dyn Fn(&mut Vec<Vec<FE>>) + 'a>;
    let cases: Vec<(&str, Tamper)> = vec![
        ("suffix", Box::new(move |m| m[col(PD_SUFFIX)][40] += fe(1))),
        ("slope", Box::new(move |m| m[col(PD_SLOPE)][0] += fe(1))),
        ("sum", Box::new(move |m| m[col(PD_SUM_X)][300] += fe(1))),
        ("top", Box::new(move |m| m[col(PD_TOP)][10] += fe(1))),
        ("hash on one row", Box::new(move |m| m[col(PD_VAL + 2)][7] += fe(1))),
        ("y over a block", Box::new(move |m| (PD_ROWS..2 * PD_ROWS).for_each(|r| m[col(PD_VAL + 1)][r] += fe(1)))),
        ("instance skipped", Box::new(move |m| {
            let n = m[0].len();
            (PD_ROWS..n).for_each(|r| m[col(PD_IA)][r] += fe(PD_CELLS as u64));
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
        ("pedersen stop + 3", Box::new(|pi| pi.pedersen.as_mut().unwrap().stop += 3)),
        ("pedersen stop + 1", Box::new(|pi| pi.pedersen.as_mut().unwrap().stop += 1)),
        ("pedersen base + 3", Box::new(|pi| pi.pedersen.as_mut().unwrap().base += 3)),
        ("no instances", Box::new(|pi| {
            let s = pi.pedersen.as_mut().unwrap();
            s.stop = s.base;
        })),
        ("pedersen dropped", Box::new(|pi| {
            pi.pedersen = None;
            pi.layout.pedersen = false;
        })),
    ];
    rejects_changes_and_flips(&bytes, muts);
    // A trace claimed shorter than one pedersen block (the cycles and the periodic columns
    // do not fit) is a shape error, not a panic.
    let mut p = decode_cairo_proof(&bytes).unwrap();
    p.stark.log_trace_length = 8;
    assert!(verify_proof(&p).is_err());
}

// ---------------------------------------------------------------------------------------
// Proof bytes pinned: proving is deterministic, and a restructure of the AIR or the trace
// builder must not change a single byte. Each case covers one builtin path (instances, or
// the dummy of a declared but unused builtin).

#[test]
fn proof_bytes_are_pinned() {
    use sha3::{Digest, Sha3_256};
    let t = ProofOptions::test_only();
    // SHA3-256 of each proof, recorded on be9a240 (before the builtins had modules).
    let cases: Vec<(&str, &[u8], Vec<FE>, ProofOptions, &str)> = vec![
        ("fib 10", FIB, vec![fe(10)], t, "ade804ec640650a1ce8733eaf938d7994e2638ea43fb6524fb5d83a7dccad1d2"),
        (
            "fib 10, 100 bits",
            FIB,
            vec![fe(10)],
            ProofOptions::conjectured_100(),
            "161d4976abbb79002244113c9f57f0dee948a73bd543035207b91d370cd074fd",
        ),
        ("sum_rc", SUM_RC, vec![fe(3), fe(5), fe(1 << 40)], t, "64758060842ac65a3fa293cf139822ac87d4d16a9770f3c94a58c2dbbd8c5cdd"),
        ("bitwise_rc_unused", BITWISE_RC_UNUSED, bw_inputs(), t, "dd106ad9ff17450fa86225a459c3a717cad97bf4d520b708c8c69ff461a1ab8d"),
        ("xor_fold, no instance", XOR_FOLD, vec![], t, "5d6452228a8882a31f715515e0a5260aea301526f598822869c510b9b0e79822"),
        ("poseidon, no instance", POSEIDON, vec![], t, "6b0b28ffb87002ae4220a282ebde126c8469d86c3025359b9dacb0e8da89fc57"),
        ("all_builtins", ALL_BUILTINS, bw_inputs(), t, "642da89290e00991a37c7bb0df8fd701b38e0599bf47e690dace87ae1d1901e3"),
        ("pedersen", PEDERSEN, vec![fe(3), fe(4)], t, "c96022545630f393139f8969b978a9fbf5bcd85069503aef6302c4b5abb076df"),
        ("pedersen, no instance", PEDERSEN, vec![], t, "3f1c9f78bfda9dc42ae18496201e717b3264505f3f32373da428823376694a3b"),
    ];
    for (what, program, inputs, options, want) in cases {
        let (bytes, _) = prove_program(program, &inputs, &options).unwrap();
        let digest: String = Sha3_256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest, want, "the bytes of the {what} proof changed");
    }
}
