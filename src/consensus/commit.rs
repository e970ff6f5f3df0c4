//! Turning a committed block into its ordered transactions, exactly once: a batch
//! proposed twice, or a transaction submitted to two nodes, is applied the first time
//! only. The chain entry, the dedup indexes and the new tip are one deferred write
//! ([`Store::defer_write`]), committed in one transaction, so a crash never leaves a
//! half-committed block; the caller makes it durable before the commit leaves the core.

use super::messages::Block;
use super::tree::{BlockTree, Tip};
use crate::storage::{Deferral, Store, StoreError, Table};
use crate::types::{Author, Batch, Digest, Height, Round, Tx, TxId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What the chain records at each height.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRecord {
    pub height: Height,
    pub round: Round,
    pub digest: Digest,
    pub parent: Digest,
    pub author: Author,
    pub txs: Vec<TxId>,
}

/// A committed block with the transactions it applies, in order.
#[derive(Clone, Debug)]
pub struct CommittedBlock {
    pub record: CommitRecord,
    pub txs: Vec<Tx>,
}

/// Records the commit of `block` (which must extend the current tip) as a deferred write
/// and returns it, with the [`Deferral`] to make durable before anyone acts on it.
pub fn commit_block(store: &Store, block: &Block) -> Result<(CommittedBlock, Deferral), StoreError> {
    let digest = block.digest();
    let mut batches_seen = BTreeSet::new();
    let mut txs_seen = BTreeSet::new();
    let mut applied_batches = Vec::new();
    let mut txs = Vec::new();
    store.read(|r| {
        for d in &block.payload {
            if !batches_seen.insert(*d) || r.contains(Table::CommittedBatches, &d.0)? {
                continue;
            }
            let batch: Batch = r.get(Table::Batches, &d.0)?.ok_or_else(|| StoreError::Corrupt {
                table: Table::Batches,
                msg: format!("batch {d} of committed block {digest} is missing"),
            })?;
            applied_batches.push(*d);
            for tx in batch.txs {
                let id = tx.id();
                if txs_seen.insert(id) && !r.contains(Table::CommittedTxs, &id.0)? {
                    txs.push(tx);
                }
            }
        }
        Ok(())
    })?;
    let record = CommitRecord {
        height: block.height,
        round: block.round,
        digest,
        parent: *block.parent(),
        author: block.author,
        txs: txs.iter().map(|t| t.id()).collect(),
    };
    let tip = Tip { height: block.height, round: block.round, digest };
    let deferral = store.defer_write(|w| {
        w.put(Table::Chain, &block.height.to_be_bytes(), &record)?;
        // What execution replays after a restart, in order.
        w.put(Table::BlockTxs, &block.height.to_be_bytes(), &txs)?;
        for d in &applied_batches {
            w.put(Table::CommittedBatches, &d.0, &block.height)?;
            w.delete(Table::PendingBatches, &d.0)?;
        }
        for id in &record.txs {
            w.put(Table::CommittedTxs, &id.0, &block.height)?;
        }
        w.put(Table::Meta, BlockTree::tip_key(), &tip)
    })?;
    Ok((CommittedBlock { record, txs }, deferral))
}
