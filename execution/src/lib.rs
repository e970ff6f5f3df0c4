//! Starknet execution for Kraken.
//!
//! Every node executes each committed block in consensus order with blockifier (the
//! Starknet sequencer's execution crate), running contracts with Cairo Native or the
//! Cairo VM ([`Engine`]), on the state its store holds ([`StateView`]). Transactions
//! travel as JSON-RPC v3 transactions ([`wallet`] builds and signs them); [`Executor::admit`]
//! checks one before it enters a mempool, [`Executor::execute_block`] runs a block into
//! [`Receipt`]s and a [`BlockDiff`], and [`seal`] moves the state tries and hashes the
//! block with `kraken-starknet`. [`Genesis`] builds the state every chain starts from.

pub mod admission;
pub mod block;
pub mod calls;
pub mod class;
pub mod context;
pub mod diff;
pub mod engine;
pub mod errors;
pub mod genesis;
pub mod local;
mod native_runtime;
pub mod query;
pub mod reader;
pub mod receipt;
pub mod seal;
pub mod tx;
pub mod view;
pub mod wallet;

pub use admission::Admitted;
pub use block::{BlockEnv, ExecutedBlock, ExecutionError, Executor};
pub use class::{CompiledClass, StoredClass};
pub use context::ChainConfig;
pub use diff::BlockDiff;
pub use engine::Engine;
pub use errors::StarknetError;
pub use genesis::{Genesis, GenesisConfig};
pub use local::LocalChain;
pub use query::FeeEstimate;
pub use receipt::{Receipt, TxKind, TxStatus};
pub use seal::{hash_block, seal, SealedBlock};
pub use starknet_types_core::felt::Felt;
pub use view::{MemoryState, StateView, ViewError};
