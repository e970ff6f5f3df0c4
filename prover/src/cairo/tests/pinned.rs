//! Proof bytes pinned: proving is deterministic, and a restructure of the AIR or the trace
//! builder must not change a single byte. Each case covers one builtin path (instances, or
//! the dummy of a declared but unused builtin).

use super::bitwise::bw_inputs;
use super::*;

/// What is proved (name, program, inputs, options) and the digest of its proof.
type Case = (&'static str, &'static [u8], Vec<FE>, ProofOptions, &'static str);

#[test]
fn proof_bytes_are_pinned() {
    use sha3::{Digest, Sha3_256};
    let t = ProofOptions::test_only();
    // SHA3-256 of each proof, recorded on be9a240 (before the builtins had modules); the
    // two "no instance" runs changed once since, when the trace builder learned to widen
    // the spare slots before doubling the rows (their memory holes now fit in half the
    // rows with 4 spare memory slots a row).
    let cases: Vec<Case> = vec![
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
        ("xor_fold, no instance", XOR_FOLD, vec![], t, "a81558ae262ae8c1508e7c8e67fdc1b33acb2170062347e7e4d1ffb706b9c715"),
        ("poseidon, no instance", POSEIDON, vec![], t, "02c8d0c5a01a40a3b73e4b34d5ab4ba38c917d2764a04040b5e53708d6f7e40c"),
        ("all_builtins", ALL_BUILTINS, bw_inputs(), t, "642da89290e00991a37c7bb0df8fd701b38e0599bf47e690dace87ae1d1901e3"),
        ("pedersen", PEDERSEN, vec![fe(3), fe(4)], t, "c96022545630f393139f8969b978a9fbf5bcd85069503aef6302c4b5abb076df"),
        ("pedersen, no instance", PEDERSEN, vec![], t, "3f1c9f78bfda9dc42ae18496201e717b3264505f3f32373da428823376694a3b"),
    ];
    let mut changed = Vec::new();
    for (what, program, inputs, options, want) in cases {
        let (bytes, _) = prove_program(program, &inputs, &options).unwrap();
        let digest: String = Sha3_256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        if digest != want {
            changed.push(format!("{what}: {digest}"));
        }
    }
    assert!(changed.is_empty(), "proof bytes changed:\n{}", changed.join("\n"));
}
