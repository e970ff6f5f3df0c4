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
    // cases with range_check when its instances went from one row to eight; every case
    // when the Merkle trees went from Keccak256 to Blake2b-256 (format version 3). The
    // field's own arithmetic (stark252.rs) changed no byte.
    let cases: Vec<Case> = vec![
        ("fib 10", FIB, vec![fe(10)], t, "fe64b596b5a37a6c79975d29d55509270d1d4373bcf0d609607d20852664806c"),
        (
            "fib 10, 100 bits",
            FIB,
            vec![fe(10)],
            ProofOptions::conjectured_100(),
            "386f0d5fbfb4c194a665bf60885f096cad1ee833f9e966e5aacf0f5112e92d58",
        ),
        ("sum_rc", SUM_RC, vec![fe(3), fe(5), fe(1 << 40)], t, "7aa80449f577dbb3ba01fc91abb65374af3796a2d0aa274e85bcdd7e4a46a81a"),
        ("bitwise_rc_unused", BITWISE_RC_UNUSED, bw_inputs(), t, "05541dc56f1b9c38716f1edb628c89ef7d868082515fcc9815d3ae082a19ee11"),
        ("xor_fold, no instance", XOR_FOLD, vec![], t, "a28a9e07700c7d6b28e1d261fd1c738783e8edfeaf7a22d47d36d6a3a18d6fa7"),
        ("poseidon, no instance", POSEIDON, vec![], t, "7beade1c2f101079ba3ed72f2a8b05929584b5088affc2feb9499d5d2ee6fb76"),
        ("all_builtins", ALL_BUILTINS, bw_inputs(), t, "62e737c3e45f6271e7eb3b95c0b6ef0c2e8685af3d9ad7c7f326dbab33ee435c"),
        ("pedersen", PEDERSEN, vec![fe(3), fe(4)], t, "fdb1011c7bd433f4b5197c3ccc8b0184aa88d6e2a3ace4d12e22f39c3539c477"),
        ("pedersen, no instance", PEDERSEN, vec![], t, "6d2408ede0fed2443c9692d143226af686836c289b5e92e2d5888488b6c44c69"),
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
