//! What one block changes in the state.

use std::collections::BTreeMap;

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
}

impl StateDiff {
    /// Whether the diff changes nothing.
    pub fn is_empty(&self) -> bool {
        self.storage_updates.values().all(BTreeMap::is_empty)
            && self.nonces.is_empty()
            && self.class_hashes.is_empty()
            && self.declared_classes.is_empty()
    }
}
