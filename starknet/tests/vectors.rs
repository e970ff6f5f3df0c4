//! Hash and state-root vectors from independent implementations and mainnet data.

use std::collections::BTreeMap;

use kraken_starknet::felt::short_string;
use kraken_starknet::state::{
    apply_state_diff, class_leaf, contract_state_hash, MemoryStateStore, StateDiff, StateRoots,
};
use kraken_starknet::trie::{root_from_leaves, BinaryNode, EdgeNode, Path, STATE_TRIE_HEIGHT};
use kraken_starknet::{Felt, Pedersen, Poseidon, StarkHash};

fn felt(hex: &str) -> Felt {
    Felt::from_hex(hex).unwrap()
}

#[test]
fn pedersen_matches_starknet_dart() {
    // focustree/starknet.dart, packages/starknet/test/core/crypto/pedersen_test.dart.
    let h = Pedersen::hash(
        &felt("0x03d937c035c878245caf64531a5756109c53068da139362728feb561405371cb"),
        &felt("0x0208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a"),
    );
    assert_eq!(
        h,
        felt("0x030e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662")
    );
}

#[test]
fn poseidon_pair_matches_cairo_lang_vectors() {
    // starknet-rs starknet-crypto poseidon_hash test ("generated from cairo-lang v0.11.0"),
    // also in NethermindEth/cairo-vm-go pkg/vm/builtins poseidon test.
    let h = Poseidon::hash(
        &felt("0xb662f9017fa7956fd70e26129b1833e10ad000fd37b4d9f4e0ce6884b7bbe"),
        &felt("0x1fe356bf76102cdae1bfbdc173602ead228b12904c00dad9cf16e035468bea"),
    );
    assert_eq!(
        h,
        felt("0x75540825a6ecc5dc7d7c2f5f868164182742227f1367d66c43ee51ec7937a81")
    );
}

#[test]
fn poseidon_many_matches_starknet_dart() {
    // focustree/starknet.dart, packages/starknet/test/core/crypto/poseidon_test.dart.
    let dec = |s: &str| Felt::from_dec_str(s).unwrap();
    assert_eq!(
        Poseidon::hash_array(&[Felt::ZERO]),
        dec("2384960345383653703825803024708982182127528589318022519244349682493582074337")
    );
    let three_to_zero = [3u64, 2, 1, 0].map(Felt::from);
    assert_eq!(
        Poseidon::hash_array(&three_to_zero),
        dec("959881287299178068212229797802921067420697642955658182090092369705512874535")
    );
}

#[test]
fn node_hashes_match_starknet_committer() {
    // starkware-libs/sequencer, crates/starknet_committer/src/hash_function/hash_test.rs.
    for (left, right, want) in [
        (
            1u64,
            2u64,
            "0x5bb9440e27889a364bcb678b1f679ecd1347acdedcbf36e83494f857cc58026",
        ),
        (
            0xBE,
            0xA0BEE,
            "0x4e8f149d7d5adb77a8c85b631a3acb6fb9aa5ecb06ea4ec105753629243e380",
        ),
        (
            0x1234,
            0xABCD,
            "0x615bb8d47888d2987ad0c63fc06e9e771930986a4dd8adc55617febfcf3639e",
        ),
    ] {
        let node = BinaryNode {
            left: Felt::from(left),
            right: Felt::from(right),
        };
        assert_eq!(node.hash::<Pedersen>(), felt(want));
    }
    for (child, path, len, want) in [
        (
            1u64,
            2u64,
            3u8,
            "0x5bb9440e27889a364bcb678b1f679ecd1347acdedcbf36e83494f857cc58029",
        ),
        (
            0xBE,
            0xA0BEE,
            0xBB,
            "0x4e8f149d7d5adb77a8c85b631a3acb6fb9aa5ecb06ea4ec105753629243e43b",
        ),
        (
            0x1234ABCD,
            42,
            6,
            "0x1d937094c09b5f8e26a662d21911871e3cbc6858d55cc49af9848ea6fed4e9",
        ),
    ] {
        let node = EdgeNode {
            child: Felt::from(child),
            path: Path::new(&Felt::from(path), len).unwrap(),
        };
        assert_eq!(node.hash::<Pedersen>(), felt(want));
    }
}

#[test]
fn leaves_match_starknet_committer() {
    // starkware-libs/sequencer, crates/starknet_committer/src/hash_function/hash_test.rs.
    for (class_hash, storage_root, nonce, want) in [
        (
            "0x150917f3bba17e3c0be685981d6cf8874098a857f354d374688e76eb69f44ab",
            "0x5d6b3a46ac855f3cea9af60e13cc6c81bf237b901f49f73981a521d4cb6c50c",
            "0x38",
            "0x3f27688d56740e5e238acde5b408154563c4f6e05514b8029e86ad51c388f8b",
        ),
        (
            "0x2c9982b9bd36f16e409c98616e43dbc9e4b47db8a8e8edc3b915bc4dab3c61c",
            "0x63d7c2a04df01e361238cf4bf07b7cee2e3c5ee58b4ec37cf279aed9ac8d013",
            "0x1b",
            "0x26e95377fcfa70a9882dc08653b7dc77165befe23971aa2fa5b926ff81af6cc",
        ),
        (
            "0x314bd50b446c4e8c3a82b0eb9326e532432fbd925ab7afea236f7f8618848a2",
            "0x1118159298289b372808e6b008b6bc9d68f5ebc060962ea1331fdc70cf3d047",
            "0x47",
            "0x1b20bbb35009bf03f86fb092b56a9c44deedbcca6addf8f7640f54a48ba5bbc",
        ),
    ] {
        assert_eq!(
            contract_state_hash(felt(class_hash), felt(storage_root), felt(nonce)),
            felt(want)
        );
    }
    assert_eq!(
        class_leaf(felt("0xACDC")),
        felt("0x49ed9a06987e7e55770d6c4d7d16b819ad984bf4aed552042847380cc31210d")
    );
}

#[test]
fn state_version_tag() {
    // The "STARKNET_STATE_V0" felt as madara-alliance/madara spells it out.
    assert_eq!(
        short_string("STARKNET_STATE_V0"),
        felt("0x535441524b4e45545f53544154455f5630")
    );
}

/// Starknet mainnet block 0's storage diffs, as listed in NethermindEth/juno
/// core/trie/trie_test.go `TestState` (from the feeder gateway's state update of block 0).
fn mainnet_block0_storage() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "0x735596016a37ee972c42adef6a3cf628c19bb3794369c65d2c82ba034aecf2c",
            vec![
                ("0x5", "0x64"),
                (
                    "0x2f50710449a06a9fa789b3c029a63bd0b1f722f46505828a9f815cf91b31d8",
                    "0x2a222e62eabe91abdb6838fa8b267ffe81a6eb575f61e96ec9aa4460c0925a2",
                ),
            ],
        ),
        (
            "0x20cfa74ee3564b4cd5435cdace0f9c4d43b939620e4a0bb5076105df0a626c6",
            vec![
                ("0x5", "0x22b"),
                (
                    "0x5aee31408163292105d875070f98cb48275b8c87e80380b78d30647e05854d5",
                    "0x7e5",
                ),
                (
                    "0x313ad57fdf765addc71329abf8d74ac2bce6d46da8c2b9b82255a5076620300",
                    "0x4e7e989d58a17cd279eca440c5eaa829efb6f9967aaad89022acbe644c39b36",
                ),
                (
                    "0x313ad57fdf765addc71329abf8d74ac2bce6d46da8c2b9b82255a5076620301",
                    "0x453ae0c9610197b18b13645c44d3d0a407083d96562e8752aab3fab616cecb0",
                ),
                (
                    "0x6cf6c2f36d36b08e591e4489e92ca882bb67b9c39a3afccf011972a8de467f0",
                    "0x7ab344d88124307c07b56f6c59c12f4543e9c96398727854a322dea82c73240",
                ),
            ],
        ),
        (
            "0x6ee3440b08a9c805305449ec7f7003f27e9f7e287b83610952ec36bdc5a6bae",
            vec![
                (
                    "0x1e2cd4b3588e8f6f9c4e89fb0e293bf92018c96d7a93ee367d29a284223b6ff",
                    "0x71d1e9d188c784a0bde95c1d508877a0d93e9102b37213d1e13f3ebc54a7751",
                ),
                (
                    "0x5f750dc13ed239fa6fc43ff6e10ae9125a33bd05ec034fc3bb4dd168df3505f",
                    "0x7e5",
                ),
                (
                    "0x48cba68d4e86764105adcdcf641ab67b581a55a4f367203647549c8bf1feea2",
                    "0x362d24a3b030998ac75e838955dfee19ec5b6eceb235b9bfbeccf51b6304d0b",
                ),
                (
                    "0x449908c349e90f81ab13042b1e49dc251eb6e3e51092d9a40f86859f7f415b0",
                    "0x6cb6104279e754967a721b52bcf5be525fdc11fa6db6ef5c3a4db832acf7804",
                ),
                (
                    "0x5bdaf1d47b176bfcd1114809af85a46b9c4376e87e361d86536f0288a284b65",
                    "0x28dff6722aa73281b2cf84cac09950b71fa90512db294d2042119abdd9f4b87",
                ),
                (
                    "0x5bdaf1d47b176bfcd1114809af85a46b9c4376e87e361d86536f0288a284b66",
                    "0x57a8f8a019ccab5bfc6ff86c96b1392257abb8d5d110c01d326b94247af161c",
                ),
            ],
        ),
        (
            "0x31c887d82502ceb218c06ebb46198da3f7b92864a8223746bc836dda3e34b52",
            vec![
                (
                    "0x5f750dc13ed239fa6fc43ff6e10ae9125a33bd05ec034fc3bb4dd168df3505f",
                    "0x7c7",
                ),
                (
                    "0xdf28e613c065616a2e79ca72f9c1908e17b8c913972a9993da77588dc9cae9",
                    "0x1432126ac23c7028200e443169c2286f99cdb5a7bf22e607bcd724efa059040",
                ),
            ],
        ),
        (
            "0x31c9cdb9b00cb35cf31c05855c0ec3ecf6f7952a1ce6e3c53c3455fcd75a280",
            vec![
                ("0x5", "0x65"),
                (
                    "0x5aee31408163292105d875070f98cb48275b8c87e80380b78d30647e05854d5",
                    "0x7c7",
                ),
                (
                    "0xcfc2e2866fd08bfb4ac73b70e0c136e326ae18fc797a2c090c8811c695577e",
                    "0x5f1dd5a5aef88e0498eeca4e7b2ea0fa7110608c11531278742f0b5499af4b3",
                ),
                (
                    "0x5fac6815fddf6af1ca5e592359862ede14f171e1544fd9e792288164097c35d",
                    "0x299e2f4b5a873e95e65eb03d31e532ea2cde43b498b50cd3161145db5542a5",
                ),
                (
                    "0x5fac6815fddf6af1ca5e592359862ede14f171e1544fd9e792288164097c35e",
                    "0x3d6897cf23da3bf4fd35cc7a43ccaf7c5eaf8f7c5b9031ac9b09a929204175f",
                ),
            ],
        ),
    ]
}

/// Every block-0 contract has this class (juno's `TestState`).
const BLOCK0_CLASS: &str = "0x10455c752b86932ce552f2b0fe81a880746649b9aee7e0d842bf3f52378f9f8";
/// Mainnet block 0's state root (juno's `TestState`). Block 0 predates the classes trie
/// (Starknet 0.11), so its state root is the contracts root itself.
const BLOCK0_STATE_ROOT: &str =
    "0x021870ba80540e7831fb21c591ee93481f5ae1bb71ff85a86ddd465be4eddee6";

#[test]
fn mainnet_block0_storage_roots_match_juno() {
    // The per-contract storage roots juno prints in `TestState` (its comment block).
    let expected = [
        "0x15c52969f4ae2ad48bf324e21b8c06ce8abcbc492263072a8de9c7f0bfa3c81",
        "0x4532b9a656bd6074c2ddb1b884fb976eb055cd4d37e093448ce3f223864ccc4",
        "0x51c6b823cbf53c47ab7b34cddf1d9c0286fbb9d72ab29f2b577da0308cb1a07",
        "0x2eb33f71cbf096ea6b3a55ba19fb31efc31184caca6482bc89c7708c2cbb420",
        "0x6fe0662f4be66647b4508a53a08e13e7d1ffb2b19e93fa9dc991153f3a447d",
    ];
    for ((_, slots), want) in mainnet_block0_storage().iter().zip(expected) {
        let leaves: Vec<(Felt, Felt)> = slots.iter().map(|(k, v)| (felt(k), felt(v))).collect();
        assert_eq!(
            root_from_leaves::<Pedersen>(STATE_TRIE_HEIGHT, &leaves),
            felt(want)
        );
    }
}

#[test]
fn mainnet_block0_state_root_from_scratch() {
    let class = felt(BLOCK0_CLASS);
    let leaves: Vec<(Felt, Felt)> = mainnet_block0_storage()
        .iter()
        .map(|(address, slots)| {
            let slots: Vec<(Felt, Felt)> = slots.iter().map(|(k, v)| (felt(k), felt(v))).collect();
            let storage_root = root_from_leaves::<Pedersen>(STATE_TRIE_HEIGHT, &slots);
            (
                felt(address),
                contract_state_hash(class, storage_root, Felt::ZERO),
            )
        })
        .collect();
    assert_eq!(
        root_from_leaves::<Pedersen>(STATE_TRIE_HEIGHT, &leaves),
        felt(BLOCK0_STATE_ROOT)
    );
}

#[test]
fn mainnet_block0_state_root_by_diffs() {
    // The same state reached through two diffs over a store (the second also rewrites a
    // slot to its final value and deletes a slot it added), as the node will reach it.
    let block0 = mainnet_block0_storage();
    let mut first = StateDiff::default();
    let mut second = StateDiff::default();
    for (i, (address, slots)) in block0.iter().enumerate() {
        let address = felt(address);
        first.class_hashes.insert(address, felt(BLOCK0_CLASS));
        for (j, (k, v)) in slots.iter().enumerate() {
            let target = if (i + j) % 2 == 0 {
                &mut first
            } else {
                &mut second
            };
            target
                .storage_updates
                .entry(address)
                .or_insert_with(BTreeMap::new)
                .insert(felt(k), felt(v));
        }
        first
            .storage_updates
            .entry(address)
            .or_default()
            .insert(Felt::from(0xdeadu64), Felt::ONE);
        second
            .storage_updates
            .entry(address)
            .or_default()
            .insert(Felt::from(0xdeadu64), Felt::ZERO);
    }
    let mut store = MemoryStateStore::default();
    let roots = apply_state_diff(&mut store, StateRoots::default(), &first).unwrap();
    assert_ne!(roots.contracts_root, felt(BLOCK0_STATE_ROOT));
    let roots = apply_state_diff(&mut store, roots, &second).unwrap();
    assert_eq!(roots.classes_root, Felt::ZERO);
    assert_eq!(roots.contracts_root, felt(BLOCK0_STATE_ROOT));
}

#[test]
fn state_roots_match_cairo_lang() {
    // Expected roots computed with PyPI's cairo-lang 0.14.0.1: `SharedState.apply_updates`
    // over empty contract and class trees, then `get_global_state_root` (an independent
    // implementation of the tries, leaves and global root).
    let f = |x: u64| Felt::from(x);
    let high_key = felt("0x3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80");
    let block1 = StateDiff {
        class_hashes: BTreeMap::from([(f(0x1234), f(0xC1)), (f(0x5678), f(0xC2))]),
        nonces: BTreeMap::from([(f(0x1234), f(1))]),
        declared_classes: BTreeMap::from([(f(0xC1), f(0xCC1)), (f(0xC2), f(0xCC2))]),
        storage_updates: BTreeMap::from([
            (
                f(0x1234),
                BTreeMap::from([(f(1), f(0x10)), (f(2), f(0x20))]),
            ),
            (f(0x5678), BTreeMap::from([(high_key, f(0x30))])),
        ]),
        ..StateDiff::default()
    };
    let block2 = StateDiff {
        nonces: BTreeMap::from([(f(0x1234), f(2))]),
        storage_updates: BTreeMap::from([
            (
                f(0x1234),
                BTreeMap::from([(f(1), f(0x11)), (f(2), Felt::ZERO)]),
            ),
            (f(0x1), BTreeMap::from([(f(5), f(0xABC))])),
        ]),
        ..StateDiff::default()
    };

    let mut store = MemoryStateStore::default();
    let roots = apply_state_diff(&mut store, StateRoots::default(), &block1).unwrap();
    assert_eq!(
        roots.contracts_root,
        felt("0x3861f5af69cdec5baaadc8d604717afe9a08eda033909b46d62389905b9f6c4")
    );
    assert_eq!(
        roots.classes_root,
        felt("0x6978543fe15c2117958e57416324521e4ece2e0d8c3447c18ebda97bf5dc505")
    );
    assert_eq!(
        roots.state_commitment(),
        felt("0x4f9cc1fb9a42fe1357450ca3b9be5697a3c51d9dee2b51db9972f230ed3a87")
    );
    let roots = apply_state_diff(&mut store, roots, &block2).unwrap();
    assert_eq!(
        roots.contracts_root,
        felt("0x46f75eb220d72ca6c2f6bfa4ee8e38fe2d6a46e2803030fbf872d7f96b714a9")
    );
    assert_eq!(
        roots.state_commitment(),
        felt("0x64ea15d17d966cf4866787ecf0e26d9411069aa2b6c8981e9e125bce92c0cd7")
    );

    // Contracts but no class: cairo-lang still hashes the (zero) classes root in.
    let only_contract = StateDiff {
        class_hashes: BTreeMap::from([(f(0x1234), f(0xC1))]),
        storage_updates: BTreeMap::from([(f(0x1234), BTreeMap::from([(f(1), f(0x10))]))]),
        ..StateDiff::default()
    };
    let roots = apply_state_diff(
        &mut MemoryStateStore::default(),
        StateRoots::default(),
        &only_contract,
    )
    .unwrap();
    assert_eq!(
        roots.contracts_root,
        felt("0x40d8c1299adf9534041c8b3b5dc1140a9b27cdb3d414c410637ee93b813807e")
    );
    assert_eq!(
        roots.state_commitment(),
        felt("0x4062da9db7bd4c46fa3382d502140f99cbaaed6a56a37f2297a4f8625ed860d")
    );
    assert_eq!(StateRoots::default().state_commitment(), Felt::ZERO);
}
