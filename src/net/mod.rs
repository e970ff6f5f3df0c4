//! Node-to-node messaging over TCP (madsim's simulated TCP in the sim build, the OS's in
//! the real build): length-prefixed frames, envelopes authenticated per pair of members,
//! one reconnecting sender per peer address, and a listener that drops (and counts)
//! anything malformed.

pub mod codec;
pub mod envelope;
pub mod frame;
pub mod link_keys;
mod outbox;
mod receiver;
mod sender;
mod stats;
mod warn_limit;

pub use link_keys::LinkKeys;
pub use outbox::Outbox;
pub use receiver::{listen, Inbound};
pub use sender::Network;
pub use stats::NetStats;
pub use warn_limit::WarnLimit;

use crate::types::{Author, Round};
use std::sync::Arc;

/// A message the network carries, and the consensus round it belongs to, if any.
pub trait Wire {
    fn round(&self) -> Option<Round>;
}

/// Which copies of a peer a message reaches. Real nodes have none (every message goes
/// to every address of its peer); a simulated Twins schedule partitions the copies
/// differently for each round's messages.
pub trait Links: Send + Sync {
    /// Whether a message of `round` (`None`: one that belongs to no round) reaches copy
    /// `copy` (an index into the member's addresses) of member `to`.
    fn reaches(&self, to: Author, copy: usize, round: Option<Round>) -> bool;
}

/// What a byzantine node does to its own outgoing messages before it signs them: the
/// simulator's byzantine strategies. Real nodes have none.
pub trait Tamper: Send + Sync {
    /// The messages to send in place of `body` (an encoded message for `to`, `None`
    /// meaning every member), each with its addressee: `body` itself, altered copies,
    /// extra messages, or nothing. Each goes out in its own envelopes, sealed by the node.
    fn outgoing(&self, to: Option<Author>, body: Vec<u8>) -> Vec<(Option<Author>, Vec<u8>)>;
}

/// How the simulator shapes a node's outgoing messages; real nodes use the default,
/// which changes nothing.
#[derive(Clone, Default)]
pub struct SendHooks {
    /// Which copies of a peer each message reaches (a Twins schedule).
    pub links: Option<Arc<dyn Links>>,
    /// A byzantine strategy applied to every message.
    pub tamper: Option<Arc<dyn Tamper>>,
}
