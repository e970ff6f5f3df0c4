//! Offline (no cluster): the contract artifacts the end-to-end test declares parse with
//! starknet-rs, and their class hashes can be computed the way a client computes them.

use std::path::Path;

use starknet::core::types::contract::{CompiledClass, SierraClass};

fn read(name: &str) -> String {
    let path = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR for tests"))
        .join("../contracts/build")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn artifacts_parse_and_hash_with_starknet_rs() {
    for name in ["counter", "account", "erc20", "fib", "fact", "udc"] {
        let sierra: SierraClass = serde_json::from_str(&read(&format!(
            "{name}.contract_class.json"
        )))
        .unwrap_or_else(|e| panic!("{name}: starknet-rs cannot parse the Sierra class: {e}"));
        let direct = sierra
            .class_hash()
            .unwrap_or_else(|e| panic!("{name}: Sierra class hash: {e}"));
        let flat = sierra
            .flatten()
            .unwrap_or_else(|e| panic!("{name}: flattening: {e}"));
        assert_eq!(
            flat.class_hash(),
            direct,
            "{name}: the flattened class hashes the same"
        );
        let casm: CompiledClass =
            serde_json::from_str(&read(&format!("{name}.compiled_contract_class.json")))
                .unwrap_or_else(|e| panic!("{name}: starknet-rs cannot parse the CASM class: {e}"));
        let compiled = casm
            .class_hash()
            .unwrap_or_else(|e| panic!("{name}: compiled class hash: {e}"));
        eprintln!("{name}: class hash {direct:#x}, compiled class hash {compiled:#x}");
    }
}
