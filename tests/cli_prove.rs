//! `kraken prove` / `kraken verify` end to end: a valid proof verifies and names its
//! claim; a proof with one flipped byte is rejected with a non-zero exit.

use std::process::Command;

fn kraken(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kraken")).args(args).output().expect("run kraken")
}

#[test]
fn prove_verify_and_reject_a_tampered_proof() {
    let dir = tempfile::tempdir().unwrap();
    let proof = dir.path().join("fib.proof");
    let p = proof.to_str().unwrap();
    let out = kraken(&["prove", "prover/programs/fib.json", "--input", "10", "--out", p]);
    assert!(out.status.success(), "prove failed: {}", String::from_utf8_lossy(&out.stderr));

    let out = kraken(&["verify", p]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "verify failed: {text}");
    assert!(text.contains("VALID") && text.contains("inputs   [10]") && text.contains("outputs  [89]"), "{text}");

    let mut bytes = std::fs::read(&proof).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&proof, &bytes).unwrap();
    let out = kraken(&["verify", p]);
    assert_eq!(out.status.code(), Some(1), "a tampered proof was not rejected");
    assert!(String::from_utf8_lossy(&out.stdout).contains("INVALID"));
}

#[test]
fn bad_inputs_are_named() {
    let out = kraken(&["prove", "prover/programs/fib.json", "--input", "ten"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--input \"ten\""));
    let out = kraken(&["prove", "prover/programs/fib.json", "--security", "80"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--security 80"));
}
