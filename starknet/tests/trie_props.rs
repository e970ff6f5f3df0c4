//! Properties of the incremental trie against the from-scratch builder.

use kraken_starknet::trie::{root_from_leaves, update, MemoryNodeStore, STATE_TRIE_HEIGHT};
use kraken_starknet::{Felt, Pedersen, Poseidon};
use proptest::prelude::*;

const H: u8 = STATE_TRIE_HEIGHT;

/// Keys mixing the whole 251-bit range with clustered small keys (long shared prefixes,
/// siblings at the bottom of the trie).
fn key() -> impl Strategy<Value = Felt> {
    prop_oneof![
        any::<[u8; 32]>().prop_map(|mut b| {
            b[0] &= 0x07;
            Felt::from_bytes_be(&b)
        }),
        (0u64..16).prop_map(Felt::from),
        (0u64..4).prop_map(|x| Felt::from_hex(
            "0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00"
        )
        .unwrap()
            + Felt::from(x)),
    ]
}

fn value() -> impl Strategy<Value = Felt> {
    prop_oneof![4 => (1u64..1000).prop_map(Felt::from), 1 => Just(Felt::ZERO)]
}

fn writes(max: usize) -> impl Strategy<Value = Vec<(Felt, Felt)>> {
    prop::collection::vec((key(), value()), 0..max)
}

/// The final leaf set after `writes` in order (last write wins, zero deletes).
fn final_leaves(writes: &[(Felt, Felt)]) -> Vec<(Felt, Felt)> {
    let mut map = std::collections::BTreeMap::new();
    for (k, v) in writes {
        map.insert(*k, *v);
    }
    map.into_iter().filter(|(_, v)| *v != Felt::ZERO).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn one_batch_equals_rebuild(ws in writes(24)) {
        let mut store = MemoryNodeStore::default();
        let root = update::<Pedersen, _>(&mut store, H, Felt::ZERO, &ws).unwrap();
        prop_assert_eq!(root, root_from_leaves::<Pedersen>(H, &final_leaves(&ws)));
    }

    #[test]
    fn successive_batches_equal_rebuild(a in writes(16), b in writes(16), c in writes(16)) {
        let mut store = MemoryNodeStore::default();
        let mut root = Felt::ZERO;
        for batch in [&a, &b, &c] {
            root = update::<Poseidon, _>(&mut store, H, root, batch).unwrap();
        }
        let all: Vec<_> = a.iter().chain(&b).chain(&c).copied().collect();
        prop_assert_eq!(root, root_from_leaves::<Poseidon>(H, &final_leaves(&all)));
    }

    #[test]
    fn root_independent_of_insertion_order(ws in writes(16), seed in any::<u64>()) {
        let leaves = final_leaves(&ws);
        let mut shuffled = leaves.clone();
        // A seeded Fisher-Yates shuffle, so failures replay.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let mut store = MemoryNodeStore::default();
        let mut one_by_one = Felt::ZERO;
        for leaf in &shuffled {
            one_by_one = update::<Pedersen, _>(&mut store, H, one_by_one, &[*leaf]).unwrap();
        }
        let mut fresh = MemoryNodeStore::default();
        let batch = update::<Pedersen, _>(&mut fresh, H, Felt::ZERO, &leaves).unwrap();
        prop_assert_eq!(one_by_one, batch);
    }

    #[test]
    fn insert_then_delete_returns_to_empty(ws in writes(16)) {
        let mut store = MemoryNodeStore::default();
        let root = update::<Pedersen, _>(&mut store, H, Felt::ZERO, &ws).unwrap();
        let deletes: Vec<_> = ws.iter().map(|(k, _)| (*k, Felt::ZERO)).collect();
        prop_assert_eq!(update::<Pedersen, _>(&mut store, H, root, &deletes).unwrap(), Felt::ZERO);
    }

    #[test]
    fn deleting_some_equals_rebuild_of_rest(ws in writes(20), keep in prop::collection::vec(any::<bool>(), 20)) {
        let leaves = final_leaves(&ws);
        let mut store = MemoryNodeStore::default();
        let root = update::<Pedersen, _>(&mut store, H, Felt::ZERO, &leaves).unwrap();
        let (kept, dropped): (Vec<_>, Vec<_>) = leaves.iter().enumerate().partition(|(i, _)| keep[*i]);
        let deletes: Vec<_> = dropped.iter().map(|(_, (k, _))| (*k, Felt::ZERO)).collect();
        let rest: Vec<_> = kept.iter().map(|(_, leaf)| **leaf).collect();
        let root = update::<Pedersen, _>(&mut store, H, root, &deletes).unwrap();
        prop_assert_eq!(root, root_from_leaves::<Pedersen>(H, &rest));
    }

    #[test]
    fn old_roots_stay_readable(a in writes(12), b in writes(12)) {
        // Nodes are never removed, so updating from an older root still works.
        let mut store = MemoryNodeStore::default();
        let r1 = update::<Pedersen, _>(&mut store, H, Felt::ZERO, &a).unwrap();
        update::<Pedersen, _>(&mut store, H, r1, &b).unwrap();
        let again = update::<Pedersen, _>(&mut store, H, r1, &b).unwrap();
        let all: Vec<_> = a.iter().chain(&b).copied().collect();
        prop_assert_eq!(again, root_from_leaves::<Pedersen>(H, &final_leaves(&all)));
    }
}

#[test]
fn small_height_trie_shapes() {
    // Height 2, hand-built: leaves at keys 0b00 and 0b01 hang under one binary node at
    // depth 1, reached by an edge of path 0 (length 1) from the root.
    use kraken_starknet::StarkHash;
    let leaves = [
        (Felt::from(0u64), Felt::from(7u64)),
        (Felt::from(1u64), Felt::from(9u64)),
    ];
    let bottom = Pedersen::hash(&Felt::from(7u64), &Felt::from(9u64));
    let expected = Pedersen::hash(&bottom, &Felt::ZERO) + Felt::ONE;
    assert_eq!(root_from_leaves::<Pedersen>(2, &leaves), expected);
    let mut store = MemoryNodeStore::default();
    assert_eq!(
        update::<Pedersen, _>(&mut store, 2, Felt::ZERO, &leaves).unwrap(),
        expected
    );
    // A single leaf: one edge spelling the whole key.
    let single = Pedersen::hash(&Felt::from(5u64), &Felt::from(3u64)) + Felt::TWO;
    assert_eq!(
        root_from_leaves::<Pedersen>(2, &[(Felt::from(3u64), Felt::from(5u64))]),
        single
    );
}
