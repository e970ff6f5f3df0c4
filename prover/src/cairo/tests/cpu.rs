//! The CPU, memory and public-input suite: fib and fact proved and verified, the rejection
//! list for Cairo proofs (changed claims, flipped bytes, forged CPU and memory columns),
//! determinism, and the refusal of unsupported programs.

use super::*;
use crate::cairo::cpu::{AP, F0, OP1, RES};

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
    rejects_changes(p, muts);
}

#[test]
fn flipped_bytes_are_rejected() {
    rejects_flips(&honest().0, 48, 120, 0x04);
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

#[test]
fn forged_trace_breaking_one_cpu_constraint_is_rejected() {
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
    // An operand value changed in the trace but not in the sorted memory.
    assert!(forged(|_, m| m[OP1][12] += fe(1)).is_err());
    // Sorted memory changed consistently with nothing else.
    assert!(forged(|_, m| {
        let l = layout::Layout::new(2, 1);
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
