use crate::types::{Batch, Digest};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum MempoolMessage {
    /// A freshly sealed batch, pushed to every peer.
    Batch(Batch),
    /// Asks a peer for batches a block references that this node lacks.
    Request(Vec<Digest>),
}
