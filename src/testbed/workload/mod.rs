//! The simulated load clients: opaque transactions of the scenario's size (consensus
//! only), or signed Starknet transactions from the genesis accounts when the nodes
//! execute.

mod link;
mod opaque;
mod starknet;

pub use opaque::run as run_opaque;
pub use starknet::run as run_starknet;

use crate::load::Habits;
use kraken_sim::scenario::LoadSpec;

/// The clients' habits a scenario's `[load]` asks for.
fn habits(load: &LoadSpec) -> Habits {
    Habits { duplicate: load.duplicate, resubmit: load.resubmit, resubmit_after: load.resubmit_after }
}
