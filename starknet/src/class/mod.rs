//! Class hashes of compiled contracts, per docs.starknet.io ("Class hash"):
//!
//! - a Sierra class hashes to `h_pos("CONTRACT_CLASS_V0.1.0", external, l1_handler,
//!   constructor, sn_keccak(abi), h_pos(sierra_program))` reduced below `2^251 - 256`, where
//!   each entry-point list hashes as `h_pos(selector, function_idx, ...)`;
//! - its CASM compiles to the compiled class hash `h_pos("COMPILED_CLASS_V1", external,
//!   l1_handler, constructor, bytecode_hash)`, entry points hashing as `h_pos(selector,
//!   offset, h_pos(builtins...), ...)` and the bytecode as a segment tree (a leaf is
//!   `h_pos(words)`, a node `1 + h_pos(length, hash, ...)`).

mod casm;
mod sierra;

pub use casm::{BytecodeSegments, CompiledClass, CompiledEntryPoint};
pub use sierra::{SierraClass, SierraEntryPoint};

/// The three entry-point lists of a class.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct EntryPoints<E> {
    /// Invoked by transactions and calls.
    #[serde(rename = "EXTERNAL")]
    pub external: Vec<E>,
    /// Invoked by L1 messages.
    #[serde(rename = "L1_HANDLER")]
    pub l1_handler: Vec<E>,
    /// Run once at deployment.
    #[serde(rename = "CONSTRUCTOR")]
    pub constructor: Vec<E>,
}

/// A class artifact that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("class artifact: {0}")]
pub struct ClassError(#[from] serde_json::Error);
