//! Kraken's Pedersen (pathfinder-crypto's tables) is the same function as
//! starknet-types-core's, which blockifier and Cairo Native use for the same hash.

mod common;

use common::any_felt;
use kraken_starknet::{Felt, Pedersen, StarkHash};
use proptest::prelude::*;
use starknet_types_core::hash::Pedersen as Reference;

/// Values at the edges of the hash's bit windows (it splits each input at bit 248) and of
/// the field.
fn edges() -> Vec<Felt> {
    let two = Felt::from(2u8);
    vec![
        Felt::ZERO,
        Felt::ONE,
        Felt::MAX,
        two.pow(248u32) - Felt::ONE,
        two.pow(248u32),
        two.pow(251u32) - Felt::ONE,
        two.pow(251u32),
        Felt::from(u64::MAX),
    ]
}

#[test]
fn matches_the_reference_at_the_edges() {
    for a in edges() {
        for b in edges() {
            assert_eq!(Pedersen::hash(&a, &b), Reference::hash(&a, &b), "H({a:#x}, {b:#x})");
        }
        assert_eq!(Pedersen::hash_single(&a), Reference::hash_single(&a), "H({a:#x})");
    }
    assert_eq!(Pedersen::hash_array(&[]), Reference::hash_array(&[]));
    assert_eq!(Pedersen::hash_array(&edges()), Reference::hash_array(&edges()));
}

proptest! {
    #[test]
    fn matches_the_reference(a in any_felt(), b in any_felt()) {
        prop_assert_eq!(Pedersen::hash(&a, &b), Reference::hash(&a, &b));
    }

    #[test]
    fn array_hash_matches_the_reference(felts in proptest::collection::vec(any_felt(), 0..6)) {
        prop_assert_eq!(Pedersen::hash_array(&felts), Reference::hash_array(&felts));
    }
}
