//! Where trie nodes live between updates.

use std::collections::HashMap;

use starknet_types_core::felt::Felt;

use super::node::Node;

/// Why a trie operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TrieError {
    /// A node the trie refers to is not in the store (the store lost data, or the root
    /// given does not belong to it).
    #[error("trie node {0:#x} missing from the store")]
    MissingNode(Felt),
    /// The backing store failed.
    #[error("trie store: {0}")]
    Storage(String),
}

/// Content-addressed storage of inner trie nodes: a node is put under its own hash.
///
/// Several tries (every contract's storage trie, the contracts trie, the classes trie)
/// may share one store, since equal hashes mean equal nodes. Nodes are never removed by
/// an update, so every root the store has seen stays readable; pruning old roots is the
/// owner's business.
pub trait NodeStore {
    /// The node stored under `hash`, if any.
    fn get_node(&self, hash: &Felt) -> Result<Option<Node>, TrieError>;
    /// Stores `node` under `hash` (its hash under the trie's hash function).
    fn put_node(&mut self, hash: Felt, node: Node) -> Result<(), TrieError>;
}

/// A [`NodeStore`] in memory.
#[derive(Clone, Debug, Default)]
pub struct MemoryNodeStore {
    nodes: HashMap<Felt, Node>,
}

impl MemoryNodeStore {
    /// How many nodes are stored.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether no node is stored.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

impl NodeStore for MemoryNodeStore {
    fn get_node(&self, hash: &Felt) -> Result<Option<Node>, TrieError> {
        Ok(self.nodes.get(hash).copied())
    }

    fn put_node(&mut self, hash: Felt, node: Node) -> Result<(), TrieError> {
        self.nodes.insert(hash, node);
        Ok(())
    }
}
