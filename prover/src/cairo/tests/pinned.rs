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
    // when the Merkle trees and grinding went from Keccak256 to Blake2b-256 (format
    // version 3; with test options' 2 grinding bits some nonces stayed the same); the
    // poseidon cases when its rows gained the S-box inputs' squares (degree 2). The
    // field's own arithmetic (stark252.rs) changed no byte.
    let cases: Vec<Case> = vec![
        ("fib 10", FIB, vec![fe(10)], t, "63d3abcf3bd76c50031b4ed04eb279425164861efda27a5046355da4403702b8"),
        (
            "fib 10, 100 bits",
            FIB,
            vec![fe(10)],
            ProofOptions::conjectured_100(),
            "ceff3b11834b81e1cdbd28914fab8a74152df4a8d01b8b53db71ac931d5cf7e2",
        ),
        ("sum_rc", SUM_RC, vec![fe(3), fe(5), fe(1 << 40)], t, "546464edc0800da1c7ec3697c70f3860184e214971123d486ac6ec126c2edb3a"),
        ("bitwise_rc_unused", BITWISE_RC_UNUSED, bw_inputs(), t, "05541dc56f1b9c38716f1edb628c89ef7d868082515fcc9815d3ae082a19ee11"),
        ("xor_fold, no instance", XOR_FOLD, vec![], t, "8ecebca09deeef7fb5797ba893d51611cd8653c66f3100a9c2ab6e9081a129cc"),
        ("poseidon, no instance", POSEIDON, vec![], t, "0aef91ae7780e321664b7e72d542ec2efb21d03b80f4b3dd1e5f13a7c4dd2167"),
        ("all_builtins", ALL_BUILTINS, bw_inputs(), t, "dd136642c12a1d415d455c482e7ff0e1f24682cdae0f0ba2969b2d6127810663"),
        ("pedersen", PEDERSEN, vec![fe(3), fe(4)], t, "fdb1011c7bd433f4b5197c3ccc8b0184aa88d6e2a3ace4d12e22f39c3539c477"),
        ("pedersen, no instance", PEDERSEN, vec![], t, "a3950b3140ac215d1a424ed9f126667382f018ba434baf88a4a66e4dd84e0315"),
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
