//! What the handlers read: block ids resolved against the executed chain, executed
//! blocks with their included transactions, transactions found by hash.

use kraken_execution::{Felt, Receipt, SealedBlock};

use super::error::{RpcError, RpcResult};
use super::params::BlockId;
use super::RpcContext;
use crate::storage::Table;
use crate::types::{Height, Tx};

/// An executed block as the RPC serves it: only included (not rejected) transactions.
pub struct BlockData {
    pub sealed: SealedBlock,
    pub txs: Vec<(Tx, Receipt)>,
}

pub fn felt_key(f: &Felt) -> [u8; 32] {
    f.to_bytes_be()
}

impl RpcContext {
    /// The latest executed height (genesis is 0).
    pub fn tip(&self) -> RpcResult<Height> {
        self.chain.executed_height()?.ok_or_else(RpcError::no_blocks)
    }

    pub fn resolve(&self, id: BlockId) -> RpcResult<Height> {
        let tip = self.tip()?;
        match id {
            BlockId::Latest => Ok(tip),
            BlockId::L1Accepted => Ok(self.chain.settled_height()?.min(tip)),
            BlockId::Number(n) if n <= tip => Ok(n),
            BlockId::Number(_) => Err(RpcError::block_not_found()),
            BlockId::Hash(h) => self.chain.height_of(h)?.filter(|n| *n <= tip).ok_or_else(RpcError::block_not_found),
        }
    }

    /// Checks that `id` names the latest block: the node keeps only the latest state,
    /// so state reads at older blocks are refused rather than answered wrongly.
    pub fn latest_state(&self, id: BlockId) -> RpcResult<()> {
        let (height, tip) = (self.resolve(id)?, self.tip()?);
        if height == tip {
            Ok(())
        } else {
            Err(RpcError::block_not_found().with_data(format!("the state of block {height} is not kept; only the latest ({tip}) is")))
        }
    }

    /// The finality status of block `height`: ACCEPTED_ON_L1 once a proof covering every
    /// block up to it was verified here (see `settle.rs`), ACCEPTED_ON_L2 before.
    pub fn finality(&self, height: Height) -> RpcResult<&'static str> {
        Ok(if height <= self.chain.settled_height()? { "ACCEPTED_ON_L1" } else { "ACCEPTED_ON_L2" })
    }

    pub fn block(&self, height: Height) -> RpcResult<BlockData> {
        let record = self.chain.record(height)?.ok_or_else(RpcError::block_not_found)?;
        let txs = self.block_txs(height)?;
        if txs.len() != record.receipts.len() {
            return Err(RpcError::internal(format!("block {height}: {} transactions but {} receipts", txs.len(), record.receipts.len())));
        }
        let txs = txs.into_iter().zip(record.receipts).filter(|(_, r)| r.included()).collect();
        Ok(BlockData { sealed: record.sealed, txs })
    }

    /// The transactions consensus committed at `height` (none for genesis).
    fn block_txs(&self, height: Height) -> RpcResult<Vec<Tx>> {
        match self.store.get::<Vec<Tx>>(Table::BlockTxs, &height.to_be_bytes())? {
            Some(txs) => Ok(txs),
            None if height == 0 => Ok(vec![]),
            None => Err(RpcError::internal(format!("the transactions of block {height} are missing"))),
        }
    }

    /// A transaction by hash: its block, bytes and receipt, rejected ones included
    /// (callers decide what a rejected transaction is to them).
    pub fn find_tx(&self, hash: Felt) -> RpcResult<(SealedBlock, Tx, Receipt)> {
        let (height, index) =
            self.store.get::<(Height, u32)>(Table::TxLocations, &felt_key(&hash))?.ok_or_else(RpcError::txn_hash_not_found)?;
        let record = self.chain.record(height)?.ok_or_else(|| RpcError::internal(format!("block {height} is missing")))?;
        let tx = self.block_txs(height)?.into_iter().nth(index as usize);
        let receipt = record.receipts.get(index as usize).cloned();
        match (tx, receipt) {
            (Some(tx), Some(receipt)) => Ok((record.sealed, tx, receipt)),
            _ => Err(RpcError::internal(format!("transaction {hash:#x} is not at its recorded place"))),
        }
    }
}
