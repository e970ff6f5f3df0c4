//! Storage of the state's tries and contract records.

use std::collections::HashMap;

use starknet_types_core::felt::Felt;

use crate::trie::{MemoryNodeStore, Node, NodeStore, TrieError};

/// The per-contract record the contracts-trie leaf is hashed from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContractState {
    /// The contract's class.
    pub class_hash: Felt,
    /// The root of its storage trie.
    pub storage_root: Felt,
    /// Its nonce.
    pub nonce: Felt,
}

/// Everything [`apply_state_diff`](super::apply_state_diff) reads and writes: trie nodes
/// (all tries share one content-addressed node space) and the latest record of each
/// contract. The node implements it over redb; [`MemoryStateStore`] is the in-memory one.
pub trait StateStore: NodeStore {
    /// The latest record of the contract at `address`, if it was ever touched.
    fn contract(&self, address: &Felt) -> Result<Option<ContractState>, TrieError>;
    /// Replaces the record of the contract at `address`.
    fn put_contract(&mut self, address: Felt, state: ContractState) -> Result<(), TrieError>;
}

/// A [`StateStore`] in memory.
#[derive(Clone, Debug, Default)]
pub struct MemoryStateStore {
    nodes: MemoryNodeStore,
    contracts: HashMap<Felt, ContractState>,
}

impl NodeStore for MemoryStateStore {
    fn get_node(&self, hash: &Felt) -> Result<Option<Node>, TrieError> {
        self.nodes.get_node(hash)
    }

    fn put_node(&mut self, hash: Felt, node: Node) -> Result<(), TrieError> {
        self.nodes.put_node(hash, node)
    }
}

impl StateStore for MemoryStateStore {
    fn contract(&self, address: &Felt) -> Result<Option<ContractState>, TrieError> {
        Ok(self.contracts.get(address).copied())
    }

    fn put_contract(&mut self, address: Felt, state: ContractState) -> Result<(), TrieError> {
        self.contracts.insert(address, state);
        Ok(())
    }
}
