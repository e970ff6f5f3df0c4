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
    // rows with 4 spare memory slots a row). The poseidon cases changed when its instances
    // went from one row of 111 columns to 16 rows of 18, and every case when the format
    // (version 2) replaced each query's Merkle paths with one batch opening per tree; the
    // 100-bit case once more when that preset traded 4 queries for 8 grinding bits; the
    // cases with range_check when its instances went from one row to eight.
    let cases: Vec<Case> = vec![
        ("fib 10", FIB, vec![fe(10)], t, "fc1cd026f09886b29cf629c086fbaca229eb47c376c3a0f9615c8346b554c2e0"),
        (
            "fib 10, 100 bits",
            FIB,
            vec![fe(10)],
            ProofOptions::conjectured_100(),
            "c450a44656b85c9547c1ca1b5d91c8bc510997891985e839dc44c79611685a8f",
        ),
        ("sum_rc", SUM_RC, vec![fe(3), fe(5), fe(1 << 40)], t, "3a6b07981511323cd95a9ac4a0442cbf841ea34a8a0066070cc8814cbcee132d"),
        ("bitwise_rc_unused", BITWISE_RC_UNUSED, bw_inputs(), t, "d26233ec386eadf3780d6a83b34b5e301f1f0e93f266097641645941f05acf88"),
        ("xor_fold, no instance", XOR_FOLD, vec![], t, "616e30c2ab5f6b19f98e926df0188a8f7ff0deeff0201db09e737c81aacef717"),
        ("poseidon, no instance", POSEIDON, vec![], t, "4b90abe92b95e99a62255bc008b254e37ffa0246d729aa0807286a628dba7c76"),
        ("all_builtins", ALL_BUILTINS, bw_inputs(), t, "33c547ddfa7b3be9d30a3e3bdcdcab5dbb8293a3b04c35019a840697ddef4906"),
        ("pedersen", PEDERSEN, vec![fe(3), fe(4)], t, "c2cd6191174b3f2e7fb4c8fc0427616c1af90d93b000051a9da318dbe9191093"),
        ("pedersen, no instance", PEDERSEN, vec![], t, "85b956e4c34a104b6befcc48209ac6b2625a96942df3e0f3a23358a9e491dec3"),
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
