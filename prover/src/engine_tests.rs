//! Adversarial tests of the engine on the example AIRs: honest proofs verify, and every
//! tampering we can think of is rejected.

use crate::air::{check_constraints, Air};
use crate::airs::fibonacci::FibonacciAir;
use crate::airs::periodic::PeriodicAir;
use crate::airs::permutation::{example_trace, PermutationAir};
use crate::error::VerifyError;
use crate::field::{fe, FE};
use crate::options::ProofOptions;
use crate::proof::StarkProof;
use crate::proof_format::{decode_stark, encode_stark};
use crate::prover::prove;
use crate::verifier::{verify, VerifierPolicy};

const ANY: VerifierPolicy = VerifierPolicy { min_security_bits: 0 };

fn opts() -> ProofOptions {
    ProofOptions::test_only()
}

fn fib_proof(n: usize) -> (FibonacciAir, StarkProof) {
    let (air, trace) = FibonacciAir::generate(n);
    let p = prove(&air, &trace, &opts()).unwrap();
    (air, p)
}

fn perm_proof(n: usize) -> (PermutationAir, StarkProof) {
    let air = PermutationAir { trace_length: n };
    let p = prove(&air, &example_trace(n), &opts()).unwrap();
    (air, p)
}

#[test]
fn fibonacci_proves_and_verifies() {
    let (air, p) = fib_proof(64);
    verify(&air, &p, &ANY).unwrap();
    let back = decode_stark(&encode_stark(&p)).unwrap();
    assert_eq!(back, p);
    verify(&air, &back, &ANY).unwrap();
}

#[test]
fn permutation_rap_proves_and_verifies() {
    let (air, p) = perm_proof(32);
    verify(&air, &p, &ANY).unwrap();
}

#[test]
fn periodic_columns_and_cycles_prove_and_verify() {
    for n in [8, 64] {
        let (air, trace) = PeriodicAir::generate(n);
        check_constraints(&air, &trace, &[], &[]).unwrap();
        let p = prove(&air, &trace, &opts()).unwrap();
        verify(&air, &p, &ANY).unwrap();
    }
}

#[test]
fn periodic_air_rejects_a_broken_cycle_and_a_wrong_periodic_column() {
    let (air, mut trace) = PeriodicAir::generate(32);
    // Row 13 is inside a cycle (13 mod 4 = 1): the OffCycle step from row 12 breaks.
    trace[0][13] += fe(1);
    assert!(check_constraints(&air, &trace, &[], &[]).is_err());
    let p = prove(&air, &trace, &opts()).unwrap();
    assert!(verify(&air, &p, &ANY).is_err());
    // An honest proof checked against other periodic values (totals) fails.
    let (air, trace) = PeriodicAir::generate(32);
    let p = prove(&air, &trace, &opts()).unwrap();
    let other = PeriodicAir { totals: [6, 19], ..air };
    assert!(verify(&other, &p, &ANY).is_err());
}

#[test]
fn both_presets_verify_under_default_policy() {
    let (air, trace) = FibonacciAir::generate(32);
    for o in [ProofOptions::conjectured_100(), ProofOptions::conjectured_128()] {
        let p = prove(&air, &trace, &o).unwrap();
        verify(&air, &p, &VerifierPolicy::default()).unwrap();
    }
}

#[test]
fn proving_is_deterministic() {
    let (_, a) = fib_proof(32);
    let (_, b) = fib_proof(32);
    assert_eq!(encode_stark(&a), encode_stark(&b));
}

#[test]
fn wrong_public_input_is_rejected() {
    let (mut air, p) = fib_proof(32);
    air.result += fe(1);
    assert!(verify(&air, &p, &ANY).is_err());
}

#[test]
fn forged_trace_breaking_one_transition_is_rejected() {
    let (air, mut trace) = FibonacciAir::generate(32);
    trace[0][10] += fe(1);
    assert!(check_constraints(&air, &trace, &[], &[]).is_err());
    let p = prove(&air, &trace, &opts()).unwrap();
    assert!(verify(&air, &p, &ANY).is_err());
}

#[test]
fn forged_trace_breaking_a_boundary_is_rejected() {
    // A consistent Fibonacci run from (1, 2) claimed as one from (1, 1).
    let (mut a, mut b) = (vec![fe(1)], vec![fe(2)]);
    for i in 1..32 {
        a.push(b[i - 1]);
        b.push(a[i - 1] + b[i - 1]);
    }
    let forged = FibonacciAir { trace_length: 32, result: b[31] };
    assert!(check_constraints(&forged, &[a.clone(), b.clone()], &[], &[]).is_err());
    let p = prove(&forged, &[a, b], &opts()).unwrap();
    assert!(verify(&forged, &p, &ANY).is_err());
}

#[test]
fn non_permutation_is_rejected() {
    let air = PermutationAir { trace_length: 32 };
    let mut trace = example_trace(32);
    trace[1][3] = fe(999_999);
    let p = prove(&air, &trace, &opts()).unwrap();
    assert!(verify(&air, &p, &ANY).is_err());
}

#[test]
fn fewer_queries_than_options_demand_are_rejected() {
    let (air, p) = fib_proof(32);
    let mut short = p.clone();
    short.queries.pop();
    assert_eq!(verify(&air, &short, &ANY), Err(VerifyError::Shape("query count")));
    // Options lowered to match: the transcript changes, and the policy catches weak proofs.
    let mut lowered = short.clone();
    lowered.options.queries -= 1;
    assert!(verify(&air, &lowered, &ANY).is_err());
    let weak = ProofOptions { queries: 4, ..opts() };
    let (air2, trace) = FibonacciAir::generate(32);
    let pw = prove(&air2, &trace, &weak).unwrap();
    verify(&air2, &pw, &ANY).unwrap();
    let policy = VerifierPolicy { min_security_bits: opts().security_bits() };
    assert!(matches!(verify(&air2, &pw, &policy), Err(VerifyError::InsufficientSecurity { .. })));
}

/// Applies `f` to a copy of the proof and expects rejection.
fn rejects<A: Air>(air: &A, p: &StarkProof, what: &str, f: impl FnOnce(&mut StarkProof)) {
    let mut q = p.clone();
    f(&mut q);
    assert_ne!(&q, p, "mutation {what} changed nothing");
    assert!(verify(air, &q, &ANY).is_err(), "mutation {what} accepted");
}

#[test]
fn every_mutated_field_is_rejected() {
    let (air, p) = perm_proof(32);
    let one = fe(1);
    rejects(&air, &p, "log_trace_length", |q| q.log_trace_length += 1);
    rejects(&air, &p, "blowup", |q| q.options.blowup_log += 1);
    rejects(&air, &p, "grinding", |q| q.options.grinding_bits += 1);
    rejects(&air, &p, "fri_final_log", |q| q.options.fri_final_log += 1);
    rejects(&air, &p, "main_root", |q| q.main_root[0] ^= 1);
    rejects(&air, &p, "aux_root", |q| q.aux_root.as_mut().unwrap()[5] ^= 1);
    rejects(&air, &p, "aux_root removed", |q| q.aux_root = None);
    rejects(&air, &p, "comp_root", |q| q.comp_root[31] ^= 1);
    for i in 0..3 {
        rejects(&air, &p, "ood_cur", |q| q.ood_cur[i] += one);
        rejects(&air, &p, "ood_next", |q| q.ood_next[i] += one);
    }
    for i in 0..p.ood_comp.len() {
        rejects(&air, &p, "ood_comp", |q| q.ood_comp[i] += one);
    }
    for i in 0..p.fri_roots.len() {
        rejects(&air, &p, "fri_root", |q| q.fri_roots[i][7] ^= 0x10);
    }
    for i in 0..p.fri_final.len() {
        rejects(&air, &p, "fri_final", |q| q.fri_final[i] += one);
    }
    rejects(&air, &p, "fri_final truncated", |q| {
        q.fri_final.pop();
    });
    rejects(&air, &p, "nonce", |q| q.nonce ^= 1 << 40);
    // Every tree's batch opening: a changed node (first, middle, last) or one dropped.
    let ends = |len: usize| [0, len / 2, len - 1];
    for k in ends(p.main_nodes.len()) {
        rejects(&air, &p, "main node", |q| q.main_nodes[k][0] ^= 1);
    }
    for k in ends(p.aux_nodes.len()) {
        rejects(&air, &p, "aux node", |q| q.aux_nodes[k][0] ^= 1);
    }
    for k in ends(p.comp_nodes.len()) {
        rejects(&air, &p, "comp node", |q| q.comp_nodes[k][9] ^= 1);
    }
    for s in (0..p.fri_nodes.len()).filter(|&s| !p.fri_nodes[s].is_empty()) {
        rejects(&air, &p, "fri node", |q| q.fri_nodes[s][0][1] ^= 1);
        rejects(&air, &p, "fri node dropped", |q| {
            q.fri_nodes[s].pop();
        });
    }
    rejects(&air, &p, "main node dropped", |q| {
        q.main_nodes.pop();
    });
    rejects(&air, &p, "aux node added", |q| q.aux_nodes.push([0; 32]));
    rejects(&air, &p, "fri layer opening dropped", |q| {
        q.fri_nodes.pop();
    });
    for k in [0, p.queries.len() - 1] {
        rejects(&air, &p, "main value", |q| q.queries[k].main[1] += one);
        rejects(&air, &p, "aux value", |q| q.queries[k].aux.as_mut().unwrap()[0] += one);
        rejects(&air, &p, "aux missing", |q| q.queries[k].aux = None);
        rejects(&air, &p, "comp value", |q| q.queries[k].comp[3] += one);
        for s in 0..p.queries[k].fri.len() {
            rejects(&air, &p, "fri sibling", |q| q.queries[k].fri[s] += one);
        }
        rejects(&air, &p, "fri step dropped", |q| {
            q.queries[k].fri.pop();
        });
    }
    // Swapping two distinct queries' openings breaks the index binding.
    let (a, b) = (0, p.queries.len() - 1);
    if p.queries[a] != p.queries[b] {
        rejects(&air, &p, "swapped queries", |q| q.queries.swap(a, b));
    }
}

#[test]
fn flipped_bytes_are_rejected() {
    let (air, p) = fib_proof(16);
    let bytes = encode_stark(&p);
    // Every byte of the header and commitments, then a stride through the queries.
    let mut positions: Vec<usize> = (0..600.min(bytes.len())).collect();
    positions.extend((600..bytes.len()).step_by(37));
    positions.push(bytes.len() - 1);
    for i in positions {
        for bit in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= bit;
            let ok = decode_stark(&b).map(|q| verify(&air, &q, &ANY).is_ok()).unwrap_or(false);
            assert!(!ok, "flipping bit {bit:#x} of byte {i} was accepted");
        }
    }
    // Truncation and trailing bytes.
    assert!(decode_stark(&bytes[..bytes.len() - 1]).is_err());
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(decode_stark(&longer).is_err());
}

#[test]
fn unsatisfiable_options_are_refused_by_prover() {
    let (air, trace) = FibonacciAir::generate(4);
    assert!(prove(&air, &trace, &opts()).is_err());
    let wrong: Vec<Vec<FE>> = vec![trace[0].clone()];
    assert!(prove(&air, &wrong, &opts()).is_err());
}

mod decoder_props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn decoder_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = decode_stark(&bytes);
            let _ = crate::cairo::verify_cairo_proof(&bytes);
            // Same bytes behind a valid Cairo envelope, so the body decoders run too.
            let mut env = b"KRKN\x00\x01\x01".to_vec();
            env.extend_from_slice(&bytes);
            let _ = crate::cairo::verify_cairo_proof(&env);
        }

        #[test]
        fn decoder_never_panics_on_mutated_proofs(pos in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
            let bytes = encode_stark(&FIB_PROOF.with(|p| p.clone()));
            let mut b = bytes.clone();
            let i = pos.index(b.len());
            b[i] = byte;
            let _ = decode_stark(&b).map(|p| verify(&FibonacciAir::generate(16).0, &p, &ANY));
            let _ = decode_stark(&bytes[..cut.index(bytes.len())]);
            // A header claiming huge counts must fail fast, not allocate.
            let mut huge = bytes[..40.min(bytes.len())].to_vec();
            huge.extend_from_slice(&[0xff; 8]);
            let _ = decode_stark(&huge);
        }
    }

    thread_local! {
        static FIB_PROOF: StarkProof = fib_proof(16).1;
    }
}
