//! The JSON record stored beside each proof (`blocks/<first>/proof.json`): what the proof
//! covers and how it was made, for other tools to read without verifying first.

use serde::{Deserialize, Serialize};

/// One stored proof's record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProofRecord {
    pub first_block: u64,
    pub last_block: u64,
    pub transactions: u64,
    pub first_parent_hash: String,
    pub last_block_hash: String,
    /// The last block's header timestamp (Unix seconds; on Kraken a function of the
    /// height, not a clock reading).
    pub last_block_timestamp: u64,
    pub results_digest: String,
    /// What the proof states: the block program (`prover/programs/block.cairo`).
    pub statement: String,
    pub program_hash: String,
    pub prover_version: String,
    pub options: String,
    pub security_bits: u32,
    pub steps: u64,
    pub trace_rows: u64,
    pub columns: u64,
    pub prove_ms: u64,
    pub proof_bytes: u64,
    /// When this prover first saw the chain reach the range's last block, Unix ms.
    pub seen_at_ms: u64,
    /// When the proof was made, Unix ms: `proved_at_ms - seen_at_ms` is the proof latency.
    pub proved_at_ms: u64,
}
