//! The committed contract artifacts (contracts/build) parse, are Sierra 1.7.0 or later, and
//! their class hashes are the recorded ones. The recorded values were computed independently
//! with PyPI's cairo-lang 0.14.0.1 (`compute_class_hash`, `compute_compiled_class_hash`),
//! giving it the ABI as compact JSON. A change to a contract changes these: rerun
//! contracts/build.sh, then record the new values printed by the failing assertion.

use std::path::PathBuf;

use kraken_starknet::class::{CompiledClass, SierraClass};
use kraken_starknet::felt::starknet_keccak;
use kraken_starknet::Felt;

/// (name, class hash, compiled class hash).
const RECORDED: [(&str, &str, &str); 6] = [
    (
        "account",
        "0x4457d257028d801c82cd319fc3abf89c53762a93fd0573194d2f3083a15842c",
        "0x2e78e53f3df58ca641d18911da75534e89e279b14dac1da6265e7bc7839fb8b",
    ),
    (
        "erc20",
        "0x3283b0849db6295bf1798a97740611d1d800d70883e453d8d2422e6de733a5e",
        "0x7115686f75f8c59993f15c88fb8c554902e4f6ac48aa747abd8f95883e08ad1",
    ),
    (
        "fib",
        "0x3123288415533be6bbc8b2803677570f2a22389ceb46287b9dbceffb70072b4",
        "0x397d7dfc50ea018b7dcc3ec90d66ba94fdb48d0295be68b42135d11424ec3e9",
    ),
    (
        "fact",
        "0x6f4606b4f2064131a6f5dc557740a82a6a1636f5412f93761afe6d5adb7f431",
        "0x50d5d064a2c533a17d98893e010a251897173d7352a934036eecb6092b74c9b",
    ),
    (
        "udc",
        "0x680e5d0002775e2e66701cbb7fa1a2b424a0606de3e9cce5a92cc67423c6306",
        "0x6051df26df5c72755388332c5a04b93de882a95283972ccee563395ce1ee901",
    ),
    (
        "counter",
        "0x71be7a7327adf08a71f4fb861179149e015591975a6288eb6aeb71a27468659",
        "0x4b07c6caf9f5cf4336267e9d40e7b4557ccaeb6e109a06be28f3434d941f548",
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
    let expected: [(&str, &[&str], bool); 6] = [
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
        ("udc", &["deployContract", "deploy_contract"], false),
        ("counter", &["increase", "get"], true),
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

/// Blockifier 0.16 runs a class whose Sierra version is below 1.7.0 in Cairo steps, and Cairo
/// Native never runs such a class (it falls back to the VM).
#[test]
fn artifacts_are_sierra_1_7_or_later() {
    for (name, _, _) in RECORDED {
        let (sierra, _) = load(name);
        let version: Vec<u64> = sierra.sierra_program[..3]
            .iter()
            .map(|felt| u64::try_from(*felt).unwrap())
            .collect();
        assert!(version >= vec![1, 7, 0], "{name}: Sierra {version:?}");
    }
}
