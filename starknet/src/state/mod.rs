//! Starknet's global state commitment and how a block's state diff moves it.
//!
//! Per docs.starknet.io ("State" → "State commitment"):
//!
//! - each contract's storage is a height-251 trie under Pedersen;
//! - the contracts trie (Pedersen) maps an address to
//!   `h(h(h(class_hash, storage_root), nonce), 0)`;
//! - the classes trie (Poseidon) maps a class hash to
//!   `h_pos("CONTRACT_CLASS_LEAF_V0", compiled_class_hash)`;
//! - the state commitment is `h_pos("STARKNET_STATE_V0", contracts_root, classes_root)`
//!   (0 for the empty state; see [`StateRoots::state_commitment`] for the pre-0.11 rule).

mod apply;
mod commitment;
mod diff;
mod store;

pub use apply::apply_state_diff;
pub use commitment::{class_leaf, contract_state_hash, StateRoots};
pub use diff::StateDiff;
pub use store::{ContractState, MemoryStateStore, StateStore};
