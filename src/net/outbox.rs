//! A component's side of the network. Consensus, the mempool and the block-certificate
//! task each send messages of their own type; the node decides how those travel (inside
//! the one wire message every peer decodes), so no component names another's messages
//! or the node's enum.

use super::{Network, Wire};
use crate::types::Author;

/// Sends `M`s: each is encoded as the node's wire message holding it, which travels (and
/// meets the simulator's links) as a message of `M`'s round.
pub struct Outbox<M> {
    net: Network,
    encode: fn(&M) -> Vec<u8>,
}

impl<M> Clone for Outbox<M> {
    fn clone(&self) -> Self {
        Outbox { net: self.net.clone(), encode: self.encode }
    }
}

impl<M: Wire> Outbox<M> {
    /// `encode` writes the node's wire message holding an `M`.
    pub fn new(net: Network, encode: fn(&M) -> Vec<u8>) -> Self {
        Outbox { net, encode }
    }

    pub fn send(&self, to: Author, msg: &M) {
        self.net.emit(Some(to), (self.encode)(msg), msg.round());
    }

    /// To every other member (every copy of it).
    pub fn broadcast(&self, msg: &M) {
        self.net.emit(None, (self.encode)(msg), msg.round());
    }
}
