//! Kraken: a Starknet stack whose real code also runs in a deterministic simulator.
//! See ARCHITECTURE.md for the map.

pub mod block_proof;
pub mod certify;
pub mod chain;
pub mod consensus;
pub mod cpu;
#[cfg(not(madsim))]
pub mod endpoint;
#[cfg(not(madsim))]
pub mod explorer;
pub mod halt;
#[cfg(not(madsim))]
pub mod http;
pub mod load;
pub mod mempool;
#[cfg(not(madsim))]
pub mod metrics;
pub mod net;
pub mod node;
pub mod observer;
pub mod rpc;
pub mod storage;
pub mod types;
pub mod watcher;
#[cfg(madsim)]
pub mod testbed;
#[cfg(test)]
mod testing;
