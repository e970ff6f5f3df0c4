//! Kraken's Poseidon (pathfinder-crypto's field arithmetic) is the same function as
//! starknet-types-core's, which blockifier and Cairo Native use for the same hash.

mod common;

use common::any_felt;
use kraken_starknet::{Felt, Poseidon, StarkHash};
use proptest::prelude::*;
use starknet_types_core::hash::Poseidon as Reference;

/// Values at the edges of the field and of its limbs.
fn edges() -> Vec<Felt> {
    let two = Felt::from(2u8);
    vec![
        Felt::ZERO,
        Felt::ONE,
        Felt::TWO,
        Felt::MAX,
        two.pow(64u32) - Felt::ONE,
        two.pow(64u32),
        two.pow(251u32) - Felt::ONE,
        two.pow(251u32),
        Felt::from(u64::MAX),
    ]
}

#[test]
fn matches_the_reference_at_the_edges() {
    for a in edges() {
        for b in edges() {
            assert_eq!(Poseidon::hash(&a, &b), Reference::hash(&a, &b), "H({a:#x}, {b:#x})");
        }
        assert_eq!(Poseidon::hash_single(&a), Reference::hash_single(&a), "H({a:#x})");
    }
    // Arrays of every parity, the empty one included: the padding differs with each.
    for n in 0..=edges().len() {
        let felts = &edges()[..n];
        assert_eq!(Poseidon::hash_array(felts), Reference::hash_array(felts), "{n} felts");
    }
}

proptest! {
    #[test]
    fn matches_the_reference(a in any_felt(), b in any_felt()) {
        prop_assert_eq!(Poseidon::hash(&a, &b), Reference::hash(&a, &b));
        prop_assert_eq!(Poseidon::hash_single(&a), Reference::hash_single(&a));
    }

    #[test]
    fn array_hash_matches_the_reference(felts in proptest::collection::vec(any_felt(), 0..9)) {
        prop_assert_eq!(Poseidon::hash_array(&felts), Reference::hash_array(&felts));
    }
}
