//! The simulated load clients: opaque transactions of the scenario's size (consensus
//! only), or signed Starknet transactions from the genesis accounts when the nodes
//! execute.

mod opaque;
mod starknet;

pub use opaque::run as run_opaque;
pub use starknet::run as run_starknet;
