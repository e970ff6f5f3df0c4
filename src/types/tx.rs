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
    /// At most [`Batch::MAX_TXS`]: a longer batch is refused as it is decoded.
    #[serde(deserialize_with = "batch_txs")]
    pub txs: Vec<Tx>,
}

fn batch_txs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Tx>, D::Error> {
    super::bounded::vec(d, Batch::MAX_TXS)
}

impl Batch {
    /// Most transactions in any batch (a node's `max_batch_txs` may only be lower). An
    /// empty transaction is 1 byte on the wire and 24 in memory: unbounded, one 16 MiB
    /// frame would decode into a gigabyte.
    pub const MAX_TXS: usize = 100_000;

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
