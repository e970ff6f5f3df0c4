//! Trie nodes and their hashes.

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

use super::path::Path;

/// An inner node as kept in a [`NodeStore`](super::NodeStore), keyed by its hash.
/// Leaves are not stored: a leaf's hash is its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Node {
    /// Two non-empty children.
    Binary(BinaryNode),
    /// A maximal run of single-child steps.
    Edge(EdgeNode),
}

/// A node with two non-empty children, by hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BinaryNode {
    /// The hash of the subtree under bit 0.
    pub left: Felt,
    /// The hash of the subtree under bit 1.
    pub right: Felt,
}

/// A run of single-child steps along `path`, ending at `child` (a binary node or a leaf).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EdgeNode {
    /// The hash of the node the edge leads to.
    pub child: Felt,
    /// The bits walked, most significant first; never empty.
    pub path: Path,
}

impl BinaryNode {
    /// `H(left, right)`.
    pub fn hash<H: StarkHash>(&self) -> Felt {
        H::hash(&self.left, &self.right)
    }
}

impl EdgeNode {
    /// `H(child, path) + length`.
    pub fn hash<H: StarkHash>(&self) -> Felt {
        H::hash(&self.child, &self.path.value()) + Felt::from(self.path.len())
    }
}

impl Node {
    /// The node's hash under `H`.
    pub fn hash<H: StarkHash>(&self) -> Felt {
        match self {
            Node::Binary(b) => b.hash::<H>(),
            Node::Edge(e) => e.hash::<H>(),
        }
    }
}
