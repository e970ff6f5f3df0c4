//! Starknet state in the node's store: the [`StateView`] execution reads, and the trie
//! store the commitment writes — buffered, so a block's new nodes are persisted in the
//! same transaction as its state and receipts.

use std::collections::BTreeMap;

use kraken_execution::{CompiledClass, Felt, StateView, StoredClass, ViewError};
use kraken_starknet::state::{ContractState, StateStore};
use kraken_starknet::trie::{Node, NodeStore, TrieError};

use crate::storage::{Store, StoreError, Table, TableSnapshot, Writer};

pub fn felt_key(f: &Felt) -> [u8; 32] {
    f.to_bytes_be()
}

pub fn storage_key(address: &Felt, key: &Felt) -> [u8; 64] {
    let mut k = [0u8; 64];
    k[..32].copy_from_slice(&address.to_bytes_be());
    k[32..].copy_from_slice(&key.to_bytes_be());
    k
}

/// The latest executed state, read from the store.
pub struct StoreState<'a> {
    pub store: &'a Store,
}

impl StoreState<'_> {
    fn felt(&self, table: Table, key: &[u8]) -> Result<Felt, ViewError> {
        Ok(self.store.get::<Felt>(table, key).map_err(|e| ViewError(e.to_string()))?.unwrap_or_default())
    }
}

impl StateView for StoreState<'_> {
    fn storage(&self, address: Felt, key: Felt) -> Result<Felt, ViewError> {
        self.felt(Table::StateStorage, &storage_key(&address, &key))
    }
    fn nonce(&self, address: Felt) -> Result<Felt, ViewError> {
        self.felt(Table::StateNonces, &felt_key(&address))
    }
    fn class_hash_at(&self, address: Felt) -> Result<Felt, ViewError> {
        self.felt(Table::StateClassHashes, &felt_key(&address))
    }
    fn compiled_class_hash(&self, class_hash: Felt) -> Result<Felt, ViewError> {
        self.felt(Table::StateCompiledClassHashes, &felt_key(&class_hash))
    }
    fn class(&self, class_hash: Felt) -> Result<Option<CompiledClass>, ViewError> {
        let stored: Option<StoredClass> =
            self.store.get(Table::StateClasses, &felt_key(&class_hash)).map_err(|e| ViewError(e.to_string()))?;
        stored
            .map(|s| CompiledClass::from_stored(&s).map_err(|e| ViewError(format!("stored class {class_hash:#x}: {e}"))))
            .transpose()
    }
}

/// Trie nodes and contract records: reads fall through to the store, writes stay here
/// until [`TrieOverlay::persist`].
pub struct TrieOverlay {
    stored_nodes: TableSnapshot,
    stored_contracts: TableSnapshot,
    nodes: BTreeMap<Felt, Node>,
    contracts: BTreeMap<Felt, ContractState>,
}

impl TrieOverlay {
    /// Over the tries `store` holds now.
    pub fn new(store: &Store) -> Result<Self, StoreError> {
        Ok(TrieOverlay {
            stored_nodes: store.snapshot(Table::TrieNodes)?,
            stored_contracts: store.snapshot(Table::TrieContracts)?,
            nodes: BTreeMap::new(),
            contracts: BTreeMap::new(),
        })
    }

    pub fn persist(&self, w: &mut Writer<'_>) -> Result<(), StoreError> {
        for (hash, node) in &self.nodes {
            w.put(Table::TrieNodes, &felt_key(hash), node)?;
        }
        for (address, state) in &self.contracts {
            w.put(Table::TrieContracts, &felt_key(address), state)?;
        }
        Ok(())
    }
}

fn trie_err(e: StoreError) -> TrieError {
    TrieError::Storage(e.to_string())
}

impl NodeStore for TrieOverlay {
    fn get_node(&self, hash: &Felt) -> Result<Option<Node>, TrieError> {
        match self.nodes.get(hash) {
            Some(n) => Ok(Some(*n)),
            None => self.stored_nodes.get(&felt_key(hash)).map_err(trie_err),
        }
    }
    fn put_node(&mut self, hash: Felt, node: Node) -> Result<(), TrieError> {
        self.nodes.insert(hash, node);
        Ok(())
    }
}

impl StateStore for TrieOverlay {
    fn contract(&self, address: &Felt) -> Result<Option<ContractState>, TrieError> {
        match self.contracts.get(address) {
            Some(c) => Ok(Some(*c)),
            None => self.stored_contracts.get(&felt_key(address)).map_err(trie_err),
        }
    }
    fn put_contract(&mut self, address: Felt, state: ContractState) -> Result<(), TrieError> {
        self.contracts.insert(address, state);
        Ok(())
    }
}
