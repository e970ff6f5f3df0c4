//! The root of a trie built from scratch from its leaves, with no store.
//!
//! This walks the sorted leaves top-down by common prefixes, a different route from the
//! incremental [`update`](super::update), so each checks the other.

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

use super::node::{BinaryNode, EdgeNode};
use super::path::{key_bit_index, Path};

/// The root of the trie of `height` holding `leaves` (key, value). Zero values are
/// absent leaves; when a key repeats, its last value counts.
///
/// Panics if a key does not fit in `height` bits.
pub fn root_from_leaves<H: StarkHash>(height: u8, leaves: &[(Felt, Felt)]) -> Felt {
    let mut sorted: Vec<(Felt, Felt)> = Vec::with_capacity(leaves.len());
    for &(key, value) in leaves {
        assert!(
            key.bits() <= height as usize,
            "key {key:#x} does not fit in {height} bits"
        );
        sorted.push((key, value));
    }
    // Stable sort keeps repeats in input order, so the last one survives dedup below.
    sorted.sort_by_key(|(key, _)| key.to_bytes_be());
    let mut unique: Vec<(Felt, Felt)> = Vec::with_capacity(sorted.len());
    for (key, value) in sorted {
        match unique.last_mut() {
            Some(last) if last.0 == key => last.1 = value,
            _ => unique.push((key, value)),
        }
    }
    unique.retain(|(_, value)| *value != Felt::ZERO);
    if unique.is_empty() {
        return Felt::ZERO;
    }
    subtree_hash::<H>(height, 0, &unique)
}

/// The hash of the (non-empty) subtree at `depth` holding `leaves`, sorted by key.
fn subtree_hash<H: StarkHash>(height: u8, depth: u8, leaves: &[(Felt, Felt)]) -> Felt {
    let (first_key, first_value) = leaves[0];
    if leaves.len() == 1 {
        if depth == height {
            return first_value;
        }
        let path = Path::of_key(&first_key, height, depth, height);
        return EdgeNode {
            child: first_value,
            path,
        }
        .hash::<H>();
    }
    // Keys are sorted, so the first and last share exactly the prefix all of them share.
    let first = first_key.to_bits_le();
    let last = leaves[leaves.len() - 1].0.to_bits_le();
    let fork = (depth..height)
        .find(|&d| first[key_bit_index(height, d)] != last[key_bit_index(height, d)])
        .expect("distinct keys differ in some bit");
    let split = leaves.partition_point(|(key, _)| !key.to_bits_le()[key_bit_index(height, fork)]);
    let binary = BinaryNode {
        left: subtree_hash::<H>(height, fork + 1, &leaves[..split]),
        right: subtree_hash::<H>(height, fork + 1, &leaves[split..]),
    }
    .hash::<H>();
    if fork == depth {
        binary
    } else {
        let path = Path::of_key(&first_key, height, depth, fork);
        EdgeNode {
            child: binary,
            path,
        }
        .hash::<H>()
    }
}
