//! The committed Starknet state a block executes on, as Kraken stores it. The node backs
//! it with redb; [`MemoryState`] is the in-memory one (genesis building, tests, bench).

use std::collections::{BTreeMap, HashMap};

use starknet_types_core::felt::Felt;

use crate::class::CompiledClass;
use crate::diff::BlockDiff;

/// A read of the state failed (the store, not the key: missing keys read as zero).
#[derive(Debug, thiserror::Error)]
#[error("state read failed: {0}")]
pub struct ViewError(pub String);

/// Read access to the latest committed state. Missing entries read as zero, as in
/// Starknet.
pub trait StateView {
    fn storage(&self, address: Felt, key: Felt) -> Result<Felt, ViewError>;
    fn nonce(&self, address: Felt) -> Result<Felt, ViewError>;
    fn class_hash_at(&self, address: Felt) -> Result<Felt, ViewError>;
    /// The compiled class hash of a declared class; zero if it was never declared.
    fn compiled_class_hash(&self, class_hash: Felt) -> Result<Felt, ViewError>;
    /// A declared class, if it was declared.
    fn class(&self, class_hash: Felt) -> Result<Option<CompiledClass>, ViewError>;
}

/// Whole state in memory.
#[derive(Clone, Debug, Default)]
pub struct MemoryState {
    pub storage: BTreeMap<(Felt, Felt), Felt>,
    pub nonces: BTreeMap<Felt, Felt>,
    pub class_hashes: BTreeMap<Felt, Felt>,
    pub compiled_class_hashes: BTreeMap<Felt, Felt>,
    pub classes: HashMap<Felt, CompiledClass>,
}

impl MemoryState {
    /// Applies what one block changed.
    pub fn apply(&mut self, diff: &BlockDiff) {
        for (address, writes) in &diff.state.storage_updates {
            for (key, value) in writes {
                self.storage.insert((*address, *key), *value);
            }
        }
        self.nonces.extend(diff.state.nonces.iter().map(|(a, n)| (*a, *n)));
        self.class_hashes.extend(diff.state.class_hashes.iter().map(|(a, c)| (*a, *c)));
        self.compiled_class_hashes.extend(diff.state.declared_classes.iter().map(|(c, h)| (*c, *h)));
        for class in &diff.new_classes {
            self.classes.insert(class.class_hash.0, class.clone());
        }
    }
}

impl StateView for MemoryState {
    fn storage(&self, address: Felt, key: Felt) -> Result<Felt, ViewError> {
        Ok(self.storage.get(&(address, key)).copied().unwrap_or_default())
    }
    fn nonce(&self, address: Felt) -> Result<Felt, ViewError> {
        Ok(self.nonces.get(&address).copied().unwrap_or_default())
    }
    fn class_hash_at(&self, address: Felt) -> Result<Felt, ViewError> {
        Ok(self.class_hashes.get(&address).copied().unwrap_or_default())
    }
    fn compiled_class_hash(&self, class_hash: Felt) -> Result<Felt, ViewError> {
        Ok(self.compiled_class_hashes.get(&class_hash).copied().unwrap_or_default())
    }
    fn class(&self, class_hash: Felt) -> Result<Option<CompiledClass>, ViewError> {
        Ok(self.classes.get(&class_hash).cloned())
    }
}
