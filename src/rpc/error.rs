//! JSON-RPC 2.0 errors and the Starknet spec's error codes (v0.9.0).

use kraken_execution::StarknetError;
use serde_json::{json, Value};

use crate::mempool::Rejection;
use crate::storage::StoreError;

#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    pub code: i32,
    pub message: String,
    pub data: Option<Value>,
}

pub type RpcResult<T> = Result<T, RpcError>;

impl RpcError {
    pub fn new(code: i32, message: &str) -> Self {
        RpcError { code, message: message.into(), data: None }
    }

    pub fn with_data(mut self, data: impl Into<Value>) -> Self {
        self.data = Some(data.into());
        self
    }

    pub fn to_json(&self) -> Value {
        match &self.data {
            Some(data) => json!({ "code": self.code, "message": self.message, "data": data }),
            None => json!({ "code": self.code, "message": self.message }),
        }
    }

    // JSON-RPC 2.0.
    pub fn parse_error(detail: impl ToString) -> Self {
        Self::new(-32700, "Parse error").with_data(detail.to_string())
    }
    pub fn invalid_request(detail: impl ToString) -> Self {
        Self::new(-32600, "Invalid Request").with_data(detail.to_string())
    }
    pub fn method_not_found(method: &str) -> Self {
        Self::new(-32601, "Method not found").with_data(method.to_string())
    }
    /// Every method of a node that runs without `[execution]`.
    pub fn no_chain() -> Self {
        Self::method_not_found("*").with_data("this node runs without [execution]: it orders opaque transactions and serves no Starknet JSON-RPC")
    }
    pub fn invalid_params(detail: impl ToString) -> Self {
        Self::new(-32602, "Invalid params").with_data(detail.to_string())
    }
    pub fn internal(detail: impl ToString) -> Self {
        Self::new(-32603, "Internal error").with_data(detail.to_string())
    }

    // Starknet (codes as in the spec and starknet-rs 0.17).
    pub fn contract_not_found() -> Self {
        Self::new(20, "Contract not found")
    }
    pub fn block_not_found() -> Self {
        Self::new(24, "Block not found")
    }
    pub fn invalid_txn_index() -> Self {
        Self::new(27, "Invalid transaction index in a block")
    }
    pub fn class_hash_not_found() -> Self {
        Self::new(28, "Class hash not found")
    }
    pub fn txn_hash_not_found() -> Self {
        Self::new(29, "Transaction hash not found")
    }
    pub fn page_size_too_big() -> Self {
        Self::new(31, "Requested page size is too big")
    }
    pub fn no_blocks() -> Self {
        Self::new(32, "There are no blocks")
    }
    pub fn invalid_continuation_token() -> Self {
        Self::new(33, "The supplied continuation token is invalid or unknown")
    }
    pub fn too_many_keys_in_filter() -> Self {
        Self::new(34, "Too many keys provided in a filter")
    }
    pub fn unsupported_tx_version(detail: impl ToString) -> Self {
        Self::new(61, "the transaction version is not supported").with_data(detail.to_string())
    }
    pub fn unexpected(detail: impl ToString) -> Self {
        Self::new(63, "An unexpected error occurred").with_data(detail.to_string())
    }
}

/// Spec errors whose data is an object (40, 41) carry it as JSON text: embed it as the
/// object; other data is a string, omitted when empty.
fn data_value(data: &str) -> Option<Value> {
    if data.is_empty() {
        return None;
    }
    match serde_json::from_str::<Value>(data) {
        Ok(v @ Value::Object(_)) => Some(v),
        _ => Some(Value::String(data.into())),
    }
}

impl From<StarknetError> for RpcError {
    fn from(e: StarknetError) -> Self {
        RpcError { code: e.code, message: e.message, data: data_value(&e.data) }
    }
}

impl From<Rejection> for RpcError {
    /// The mempool's own refusals (empty, oversize, store down) have no Starknet code.
    fn from(r: Rejection) -> Self {
        match r.code {
            Some(code) => RpcError { code, message: r.message, data: data_value(&r.data) },
            None => RpcError::unexpected(r),
        }
    }
}

impl From<StoreError> for RpcError {
    fn from(e: StoreError) -> Self {
        RpcError::internal(e)
    }
}
