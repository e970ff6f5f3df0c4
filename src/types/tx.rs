//! Transactions as the sequencer sees them (opaque bytes) and the batches the mempool
//! disseminates. Consensus orders batch digests, never raw transactions.

use super::{Digest, Hasher};
use serde::{Deserialize, Serialize};

pub type TxId = Digest;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tx(#[serde(with = "super::bytes")] pub Vec<u8>);

impl Tx {
    pub fn id(&self) -> TxId {
        Hasher::new("kraken/tx").bytes(&self.0).finish()
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tx({:?}, {}B)", self.id(), self.0.len())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub txs: Vec<Tx>,
}

impl Batch {
    /// Content address: a batch is authenticated by its digest alone.
    pub fn digest(&self) -> Digest {
        let mut h = Hasher::new("kraken/batch").u64(self.txs.len() as u64);
        for tx in &self.txs {
            h = h.digest(&tx.id());
        }
        h.finish()
    }

    pub fn size_bytes(&self) -> usize {
        self.txs.iter().map(|t| t.0.len()).sum()
    }
}
