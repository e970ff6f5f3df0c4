//! End-to-end tests of Cairo proofs, one suite per file: the CPU, memory and public input
//! (`cpu`), each builtin, and the pinned proof bytes. Shared here: the checked-in programs,
//! one honest proof, and the ways a cheating prover forges a proof.

mod bitwise;
mod cpu;
mod pedersen;
mod pinned;
mod poseidon;
mod range_check;

use super::*;
use crate::error::VerifyError;
use crate::field::{fe, FE};
use crate::options::ProofOptions;
use crate::verifier::VerifierPolicy;
use std::sync::OnceLock;

const FIB: &[u8] = include_bytes!("../../../programs/fib.json");
const FACT: &[u8] = include_bytes!("../../../programs/fact.json");
const SUM_RC: &[u8] = include_bytes!("../../../programs/sum_rc.json");
const BITWISE: &[u8] = include_bytes!("../../../programs/bitwise.json");
const XOR_FOLD: &[u8] = include_bytes!("../../../programs/xor_fold.json");
const BITWISE_RC_UNUSED: &[u8] = include_bytes!("../../../programs/bitwise_rc_unused.json");
const POSEIDON: &[u8] = include_bytes!("../../../programs/poseidon.json");
const ALL_BUILTINS: &[u8] = include_bytes!("../../../programs/all_builtins.json");
const PEDERSEN: &[u8] = include_bytes!("../../../programs/pedersen.json");

const ANY: VerifierPolicy = VerifierPolicy { min_security_bits: 0 };

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

type Mutation = Box<dyn Fn(&mut CairoPublicInput)>;

/// The outputs a proof of `program` without inputs claims, where the program declares
/// builtin `name` but uses no instance of it (the trace holds a dummy one).
fn outputs_with_unused(program: &[u8], name: &str) -> Vec<FE> {
    let (bytes, _) = prove_program(program, &[], &ProofOptions::test_only()).unwrap();
    assert_eq!(decode_cairo_proof(&bytes).unwrap().public_input.instances(name), 0);
    verify_cairo_proof_with_policy(&bytes, &ANY).unwrap().outputs
}

/// A change of a claimed segment.
type SegmentChange = fn(&mut public_input::Segment);

/// A change of builtin `name`'s claimed segment.
fn segment_change(name: &'static str, f: SegmentChange) -> Mutation {
    Box::new(move |pi| f(pi.segment_mut(name).as_mut().unwrap()))
}

/// The honest proof `p` verifies, and each change of its public input is rejected.
fn rejects_changes(p: &CairoProof, muts: Vec<(&str, Mutation)>) {
    verify_proof(p).unwrap();
    for (what, m) in muts {
        let mut q = p.clone();
        m(&mut q.public_input);
        assert_ne!(&q, p, "{what}");
        let r = verify_proof(&q);
        println!("changed {what}: {r:?}");
        assert!(r.is_err(), "changed {what} accepted");
    }
}

/// The proof bytes with one byte xored with `mask` are rejected, for each of the first
/// `head` bytes, about `spread` more over the rest, and the last.
fn rejects_flips(bytes: &[u8], head: usize, spread: usize, mask: u8) {
    let mut positions: Vec<usize> = (0..head).collect();
    positions.extend((head..bytes.len()).step_by(bytes.len() / spread));
    positions.push(bytes.len() - 1);
    for i in positions {
        let mut b = bytes.to_vec();
        b[i] ^= mask;
        assert!(verify_cairo_proof_with_policy(&b, &ANY).is_err(), "flip at byte {i} accepted");
    }
}

/// Each change of builtin `name`'s claimed segment is rejected, both with the honest trace
/// and with a trace built for the changed claim (which breaks a constraint).
fn rejects_segment_claims(program: &[u8], inputs: &[FE], name: &str, claims: &[(&str, SegmentChange)]) {
    for (what, f) in claims {
        let r = forged_run(program, inputs, |e, _| f(e.public_input.segment_mut(name).as_mut().unwrap()));
        println!("{what} (honest trace): {r:?}");
        assert!(r.is_err(), "{what} accepted (honest trace)");
        let (r, broken) = forged_exec(program, inputs, |e| f(e.public_input.segment_mut(name).as_mut().unwrap()));
        println!("{what} (trace for the claim): {r:?}, first broken constraint {broken:?}");
        assert!(r.is_err() && broken.is_some(), "{what} accepted (trace for the claim)");
    }
}

fn pow2(k: u64) -> FE {
    fe(2).pow(k)
}

/// The indices of builtin `name`'s transition constraints in the AIR of `program` on
/// `inputs`.
fn constraints_of(program: &[u8], inputs: &[FE], name: &str) -> std::ops::Range<usize> {
    let exec = runner::execute(program, inputs).unwrap();
    let (pi, main) = trace::build_main(&exec, 3).unwrap();
    air::CairoAir::new(pi, main[0].len()).constraints_of(name).unwrap()
}

/// Sets whether the claimed layout has builtin `name`.
fn set_layout(pi: &mut CairoPublicInput, name: &str, on: bool) {
    pi.layout.builtins[builtins::index(name).unwrap()] = on;
}
