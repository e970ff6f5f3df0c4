//! Node-to-node messaging over TCP (madsim's simulated TCP in the sim build, the OS's in
//! the real build): length-prefixed frames, signed envelopes, one reconnecting sender per
//! peer address, and a listener that drops (and counts) anything malformed.

pub mod codec;
pub mod envelope;
pub mod frame;
mod receiver;
mod sender;
mod stats;

pub use receiver::{listen, Inbound};
pub use sender::Network;
pub use stats::NetStats;
