//! What one block changes in the state.

use std::collections::{BTreeMap, BTreeSet};

use starknet_types_core::felt::Felt;

/// A block's state diff, as execution reports it. Every map holds final values after the
/// block; a storage value of 0 deletes the slot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateDiff {
    /// Contract address → storage key → new value.
    pub storage_updates: BTreeMap<Felt, BTreeMap<Felt, Felt>>,
    /// Contract address → new nonce.
    pub nonces: BTreeMap<Felt, Felt>,
    /// Contract address → class hash, for deployed contracts and replaced classes.
    pub class_hashes: BTreeMap<Felt, Felt>,
    /// Declared Sierra class hash → compiled (CASM) class hash.
    pub declared_classes: BTreeMap<Felt, Felt>,
    /// Declared Cairo 0 classes: hashed into the state diff commitment, but not in the
    /// classes trie.
    pub deprecated_declared_classes: BTreeSet<Felt>,
}

impl StateDiff {
    /// Whether the diff changes nothing.
    pub fn is_empty(&self) -> bool {
        self.storage_updates.values().all(BTreeMap::is_empty)
            && self.nonces.is_empty()
            && self.class_hashes.is_empty()
            && self.declared_classes.is_empty()
            && self.deprecated_declared_classes.is_empty()
    }

    /// The header's `state_diff_length`: storage writes, nonce updates, contracts with a
    /// new class, and declared classes (Sierra and Cairo 0).
    pub fn len(&self) -> usize {
        self.storage_updates
            .values()
            .map(BTreeMap::len)
            .sum::<usize>()
            + self.nonces.len()
            + self.class_hashes.len()
            + self.declared_classes.len()
            + self.deprecated_declared_classes.len()
    }
}
