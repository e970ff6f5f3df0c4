use crate::types::{Batch, Digest, Round};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum MempoolMessage {
    /// A freshly sealed batch, pushed to every peer.
    Batch(Batch),
    /// Asks a peer for batches a block references that this node lacks.
    Request(Vec<Digest>),
}

impl crate::net::Wire for MempoolMessage {
    /// Batches belong to no round.
    fn round(&self) -> Option<Round> {
        None
    }
}
