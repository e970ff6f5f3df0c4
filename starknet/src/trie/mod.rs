//! Starknet's binary Merkle-Patricia trie.
//!
//! A trie of height `h` maps `h`-bit keys to non-zero felts (a zero value means "absent").
//! Keys are read most significant bit first; bit 0 goes left. Nodes, per the Starknet docs:
//!
//! - a leaf's hash is its value;
//! - a binary node's hash is `H(left, right)`;
//! - an edge node (a run of `length` single-child steps spelling `path`) hashes to
//!   `H(child, path) + length`;
//! - the empty trie's root is 0.
//!
//! Edges are maximal, so a set of leaves has exactly one trie and one root. State tries
//! have height [`STATE_TRIE_HEIGHT`] (251); block commitments use height 64.

mod build;
mod node;
mod path;
mod store;
mod update;

pub use build::root_from_leaves;
pub use node::{BinaryNode, EdgeNode, Node};
pub use path::Path;
pub use store::{MemoryNodeStore, NodeStore, TrieError};
pub use update::update;

/// The height of the contract storage, contracts and classes tries.
pub const STATE_TRIE_HEIGHT: u8 = 251;
