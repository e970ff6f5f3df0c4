//! The block hash and the commitments it covers, for Starknet 0.13.2 onwards.
//!
//! Per docs.starknet.io ("Blocks" → "Block hash"), the hash is a Poseidon hash over the
//! header fields and four commitments: the state diff commitment (a Poseidon hash chain,
//! [`state_diff_commitment`]) and the transaction, event and receipt commitments (roots of
//! height-64 Poseidon tries keyed by index, [`BlockCommitments::compute`]). Starknet
//! changed the rule at 0.13.4 (new domain tag, gas prices hashed, L2 gas price included);
//! [`BlockHashVersion`] picks the rule, and that rule holds up to 0.14.0.

mod commitments;
mod hash;
mod state_diff;

pub use commitments::{
    event_hash, message_hash, receipt_hash, revert_reason_hash, transaction_leaf, BlockCommitments,
    Event, ExecutedTransaction, MessageToL1, COMMITMENT_TRIE_HEIGHT,
};
pub use hash::{
    block_hash, concat_counts, BlockHashVersion, BlockHeader, DataAvailabilityMode, GasPrice,
};
pub use state_diff::state_diff_commitment;
