//! The committed contract artifacts (contracts/build) parse, and their class hashes are the
//! recorded ones. The recorded values were computed independently with PyPI's
//! cairo-lang 0.14.0.1 (`py_compute_class_hash`, `compute_compiled_class_hash`), giving it
//! the ABI as compact JSON. A change to a contract changes these: rerun
//! contracts/build.sh, then record the new values printed by the failing assertion.

use std::path::PathBuf;

use kraken_starknet::class::{CompiledClass, SierraClass};
use kraken_starknet::felt::starknet_keccak;
use kraken_starknet::Felt;

/// (name, class hash, compiled class hash).
const RECORDED: [(&str, &str, &str); 4] = [
    (
        "account",
        "0x33224f18a0b338dee6ac325b8db66a70200d6afda61170ef9a8bb3d11a913f8",
        "0x16b45325dd6c15f8b0157d8b467828508f69228815aa7a031699d4517d52881",
    ),
    (
        "erc20",
        "0x3d15c328434dc8931ed0bda5679c5b8b97c58a36ad777a6e9f7fa121c9b3e78",
        "0x49ebdabc6129b0f67f5929e197ceea8176f05ff0f5c3496a48a8620d7c08de4",
    ),
    (
        "fib",
        "0x11277f00256e5e2c2aea765325bb7d543ce02c61b19d74b1d4eae5a5d77a4",
        "0x1b986a58bb8e8d394f645c72b33e74aa777d6c9d27a63dbacbca8fc7404cd49",
    ),
    (
        "fact",
        "0xc0e6d38451cb0f6e72586964f7b1c53032e6ca9ceacff4f2690f16d59f723b",
        "0x63fd4d3a89a697085a6e0932b0d17499686f7e7934a3de73f7905a047412973",
    ),
];

fn artifact(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/build")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(name: &str) -> (SierraClass, CompiledClass) {
    let sierra = SierraClass::from_json(&artifact(&format!("{name}.contract_class.json"))).unwrap();
    let casm = CompiledClass::from_json(&artifact(&format!("{name}.compiled_contract_class.json")))
        .unwrap();
    (sierra, casm)
}

#[test]
fn class_hashes_are_the_recorded_ones() {
    for (name, class_hash, compiled_class_hash) in RECORDED {
        let (sierra, casm) = load(name);
        assert_eq!(
            (sierra.class_hash(), casm.compiled_class_hash()),
            (
                Felt::from_hex(class_hash).unwrap(),
                Felt::from_hex(compiled_class_hash).unwrap()
            ),
            "{name}"
        );
    }
}

#[test]
fn artifacts_expose_the_expected_entry_points() {
    let selector = |name: &str| starknet_keccak(name.as_bytes());
    let expected: [(&str, &[&str], bool); 4] = [
        (
            "account",
            &[
                "__validate__",
                "__execute__",
                "__validate_declare__",
                "__validate_deploy__",
                "is_valid_signature",
                "supports_interface",
            ],
            true,
        ),
        (
            "erc20",
            &[
                "name",
                "symbol",
                "decimals",
                "total_supply",
                "balance_of",
                "allowance",
                "transfer",
                "transfer_from",
                "approve",
            ],
            true,
        ),
        ("fib", &["fib", "last_result"], false),
        ("fact", &["fact", "last_result"], false),
    ];
    for (name, functions, has_constructor) in expected {
        let (sierra, casm) = load(name);
        for function in functions {
            let s = selector(function);
            assert!(
                sierra.entry_points.external.iter().any(|e| e.selector == s),
                "{name}.{function}"
            );
            assert!(
                casm.entry_points.external.iter().any(|e| e.selector == s),
                "{name}.{function} (CASM)"
            );
        }
        assert_eq!(
            sierra.entry_points.constructor.len(),
            has_constructor as usize,
            "{name}"
        );
        assert_eq!(
            casm.entry_points.external.len(),
            sierra.entry_points.external.len(),
            "{name}"
        );
        assert!(sierra.entry_points.l1_handler.is_empty());
    }
}
