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
    assert_eq!(claim.program_hash, public_input::program_hash(&p.public_input.program));
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
    type Mutation = Box<dyn Fn(&mut CairoPublicInput)>;
    let muts: Vec<(&str, Mutation)> = vec![
        ("program word", Box::new(|pi| pi.program[3] += fe(1))),
        ("program extended", Box::new(|pi| pi.program.push(fe(0)))),
        ("input", Box::new(move |pi| pi.inputs[0] += one.clone())),
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
