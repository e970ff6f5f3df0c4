//! The hash rules that turn contract and class records into trie leaves and roots.

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

use crate::felt::short_string;
use crate::{Pedersen, Poseidon};

/// The contracts-trie leaf of a contract: `h(h(h(class_hash, storage_root), nonce), 0)`
/// with Pedersen (the trailing 0 is the contract state version).
pub fn contract_state_hash(class_hash: Felt, storage_root: Felt, nonce: Felt) -> Felt {
    let h = Pedersen::hash(&class_hash, &storage_root);
    let h = Pedersen::hash(&h, &nonce);
    Pedersen::hash(&h, &Felt::ZERO)
}

/// The classes-trie leaf of a class: `h_pos("CONTRACT_CLASS_LEAF_V0", compiled_class_hash)`.
pub fn class_leaf(compiled_class_hash: Felt) -> Felt {
    Poseidon::hash(
        &short_string("CONTRACT_CLASS_LEAF_V0"),
        &compiled_class_hash,
    )
}

/// The roots of the two top-level tries, which together fix the global state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StateRoots {
    /// Root of the contracts trie (Pedersen).
    pub contracts_root: Felt,
    /// Root of the classes trie (Poseidon).
    pub classes_root: Felt,
}

impl StateRoots {
    /// The global state root a block header carries: 0 for the empty state, otherwise
    /// `h_pos("STARKNET_STATE_V0", contracts_root, classes_root)`.
    ///
    /// This is the Starknet 0.14 rule (the OS's `calculate_global_state_root` and
    /// cairo-lang 0.14's `get_global_state_root`). States from before 0.11 had no classes
    /// trie and used the contracts root alone; older OS versions and some full nodes still
    /// apply that whenever the classes root is 0, which differs only for a state with
    /// contracts but no Sierra class.
    pub fn state_commitment(&self) -> Felt {
        if self.contracts_root == Felt::ZERO && self.classes_root == Felt::ZERO {
            return Felt::ZERO;
        }
        Poseidon::hash_array(&[
            short_string("STARKNET_STATE_V0"),
            self.contracts_root,
            self.classes_root,
        ])
    }
}
