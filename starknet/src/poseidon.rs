//! Starknet's Poseidon hash, computed with pathfinder-crypto.
//!
//! A block's commitments hash each of its transactions, events and receipts with
//! Poseidon, a tenth of the isolated executor's cost per transfer. starknet-types-core's
//! Poseidon runs lambdaworks' generic field arithmetic; pathfinder-crypto's runs its own,
//! specialised to the Stark field: the same permutation, faster (`cargo run --release -p
//! kraken-starknet --example hash_cost` prints both). `tests/poseidon.rs` checks it
//! against starknet-types-core's on random and edge inputs.

use pathfinder_crypto::hash::poseidon::permute;
use pathfinder_crypto::hash::{poseidon_hash, poseidon_hash_many};
use pathfinder_crypto::MontFelt;
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

/// Starknet's Poseidon hash, a drop-in [`StarkHash`] for starknet-types-core's.
pub struct Poseidon;

fn to_mont(f: &Felt) -> MontFelt {
    MontFelt::from_be_bytes(f.to_bytes_be())
}

fn from_mont(m: MontFelt) -> Felt {
    Felt::from_bytes_be(&m.to_be_bytes())
}

impl StarkHash for Poseidon {
    /// The permutation of `[felt_0, felt_1, 2]`, its first element.
    fn hash(felt_0: &Felt, felt_1: &Felt) -> Felt {
        from_mont(poseidon_hash(to_mont(felt_0), to_mont(felt_1)))
    }

    /// Starknet's array hash: pairs absorbed at a rate of two, padded with a one.
    fn hash_array(felts: &[Felt]) -> Felt {
        let felts: Vec<MontFelt> = felts.iter().map(to_mont).collect();
        from_mont(poseidon_hash_many(&felts))
    }

    /// The permutation of `[felt, 0, 1]`, its first element.
    fn hash_single(felt: &Felt) -> Felt {
        let mut state = [to_mont(felt), MontFelt::ZERO, MontFelt::ONE];
        permute(&mut state);
        from_mont(state[0])
    }
}
