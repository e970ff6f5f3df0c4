//! Starknet's commitments, independent of execution: the state root, the block hash and
//! class hashes.
//!
//! - [`trie`]: the binary Merkle-Patricia trie Starknet commits state with, generic over
//!   the hash ([`Pedersen`] for storage and contracts tries, [`Poseidon`] for the classes
//!   trie), built from scratch ([`trie::root_from_leaves`]) or updated incrementally over a
//!   [`trie::NodeStore`] ([`trie::update`]).
//! - [`state`]: contract state hashes, class leaves, the global state root, and
//!   [`state::apply_state_diff`], which moves the roots by one block's [`state::StateDiff`]
//!   over a [`state::StateStore`] (an in-memory one ships here; the node backs it with redb).
//! - [`block`]: the block hash (Starknet 0.13.2 and 0.13.4+ rules) and the state diff,
//!   transaction, event and receipt commitments it covers.
//! - [`class`]: Sierra class hashes and compiled (CASM) class hashes of compiler artifacts.
//! - [`felt`]: Cairo short strings, Starknet keccak.
//! - [`Pedersen`] and [`Poseidon`]: Starknet's two hashes on pathfinder-crypto's faster
//!   field arithmetic (and, for Pedersen, its tables).
//!
//! Rules follow docs.starknet.io ("State", "Blocks", "Class hash") and, where the docs are
//! silent or dated, the Starknet 0.14 reference code; each test names the independent
//! source of its expected values.

pub mod block;
pub mod class;
pub mod felt;
pub mod state;
pub mod trie;

mod pedersen;
mod poseidon;

pub use pedersen::Pedersen;
pub use poseidon::Poseidon;
pub use starknet_types_core::felt::Felt;
pub use starknet_types_core::hash::StarkHash;
