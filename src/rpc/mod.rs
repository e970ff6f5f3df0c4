//! The Starknet JSON-RPC (spec v0.9.0) as pure handlers over the node's chain: a body
//! in, a body out, no transport. The same code serves the real build and the simulator.
//!
//! Block ids: `latest` and `pre_confirmed` name the latest executed block (Kraken
//! executes whole committed blocks; there is no pre-confirmed block); `l1_accepted` the
//! highest block up to which every block is covered by a block proof this node verified
//! (there is no L1: see `settle.rs`). Storage is read at any block (by walking state
//! diffs back); nonces, classes, call and estimateFee at the latest block only.

mod blocks;
mod certificate;
mod error;
mod events;
mod exec;
#[cfg(madsim)]
pub mod framed;
mod jsonrpc;
mod methods;
mod params;
mod received;
mod render;
mod settle;
mod state;
mod txs;
mod view;
mod write;
#[cfg(test)]
pub(crate) mod tests;

use std::sync::Arc;

pub use error::RpcError;
pub use jsonrpc::{error_body, handle, MAX_BATCH, MAX_BODY_BYTES};
pub use received::ReceivedTxs;

use crate::chain::Chain;
use crate::mempool::MempoolHandle;
use crate::storage::Store;

pub const SPEC_VERSION: &str = "0.9.0";

/// What the handlers read and where writes go.
#[derive(Clone)]
pub struct RpcContext {
    pub chain: Arc<Chain>,
    /// Only the write API uses it.
    pub mempool: MempoolHandle,
    pub store: Store,
    /// Transactions admitted here and not yet known to be executed.
    pub received: ReceivedTxs,
}
