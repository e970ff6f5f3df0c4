//! The chain as the explorer reads it: standard Starknet JSON-RPC calls through the
//! failover, answers kept as JSON (the pages show the fields the spec names), and two
//! kinds of failure a page must tell apart: what the chain does not hold (a not-found
//! page) and nodes that did not answer (the page says so).

use kraken_execution::Felt;
use serde_json::{json, Value};

use super::Explorer;
use crate::block_proof::fetch::{Rpc, RpcFailure};

/// Starknet's codes for what is not there: contract, block, transaction, no blocks yet.
const NOT_FOUND_CODES: [i64; 4] = [20, 24, 29, 32];

#[derive(Debug)]
pub enum ChainError {
    NotFound,
    /// Every node failed, or one answered what the spec does not allow.
    Nodes(String),
}

impl From<RpcFailure> for ChainError {
    fn from(e: RpcFailure) -> ChainError {
        match e.code {
            Some(code) if NOT_FOUND_CODES.contains(&code) => ChainError::NotFound,
            _ => ChainError::Nodes(e.to_string()),
        }
    }
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainError::NotFound => write!(f, "not found"),
            ChainError::Nodes(message) => write!(f, "{message}"),
        }
    }
}

pub type Read<T> = Result<T, ChainError>;

/// A block by number or by hash, as the RPC's BLOCK_ID.
#[derive(Clone, Copy, Debug)]
pub enum BlockRef {
    Number(u64),
    Hash(Felt),
}

impl BlockRef {
    fn id(self) -> Value {
        match self {
            BlockRef::Number(n) => json!({ "block_number": n }),
            BlockRef::Hash(h) => json!({ "block_hash": format!("{h:#x}") }),
        }
    }
}

/// A transaction's fields, receipt and status.
pub struct TxView {
    pub tx: Value,
    pub receipt: Value,
    pub status: Value,
}

impl Explorer {
    async fn ask(&self, method: &str, params: Value) -> Read<Value> {
        Ok(self.nodes.call(method, params).await?)
    }

    /// The latest block's number; `None` before the first block.
    pub async fn tip(&self) -> Read<Option<u64>> {
        match self.ask("starknet_blockNumber", json!([])).await {
            Ok(n) => n.as_u64().map(Some).ok_or_else(|| ChainError::Nodes(format!("starknet_blockNumber answered {n}"))),
            Err(ChainError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The header and transaction hashes.
    pub async fn block_header(&self, block: BlockRef) -> Read<Value> {
        self.ask("starknet_getBlockWithTxHashes", json!([block.id()])).await
    }

    /// The header and every transaction.
    pub async fn block_with_txs(&self, block: BlockRef) -> Read<Value> {
        self.ask("starknet_getBlockWithTxs", json!([block.id()])).await
    }

    /// The header, and every transaction with its receipt.
    pub async fn block_with_receipts(&self, block: BlockRef) -> Read<Value> {
        self.ask("starknet_getBlockWithReceipts", json!([block.id()])).await
    }

    /// The signatures of the committee members this node holds over the block.
    pub async fn certificate(&self, number: u64) -> Read<Value> {
        self.ask("kraken_getBlockCertificate", json!([{ "block_number": number }])).await
    }

    pub async fn transaction(&self, hash: Felt) -> Read<TxView> {
        let hash = format!("{hash:#x}");
        let tx = self.ask("starknet_getTransactionByHash", json!([hash])).await?;
        let receipt = self.ask("starknet_getTransactionReceipt", json!([hash])).await?;
        let status = self.ask("starknet_getTransactionStatus", json!([hash])).await?;
        Ok(TxView { tx, receipt, status })
    }

    /// The class hash and nonce of the contract at `address`.
    pub async fn contract(&self, address: Felt) -> Read<(Value, Value)> {
        let address = format!("{address:#x}");
        let class_hash = self.ask("starknet_getClassHashAt", json!(["latest", address])).await?;
        let nonce = self.ask("starknet_getNonce", json!(["latest", address])).await?;
        Ok((class_hash, nonce))
    }
}
