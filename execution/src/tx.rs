//! From the bytes consensus ordered to a transaction blockifier can execute. The bytes
//! are a JSON-RPC `BROADCASTED_TXN` (v3 invoke, deploy-account or declare); a declare's
//! Sierra class is compiled to CASM here and must match the compiled class hash the
//! sender signed.

use blockifier::transaction::account_transaction::AccountTransaction;
use starknet_api::contract_class::{ClassInfo, ContractClass};
use starknet_api::core::ChainId;
use starknet_api::executable_transaction as executable;
use starknet_api::rpc_transaction::{
    RpcDeclareTransaction, RpcDeployAccountTransaction, RpcInvokeTransaction, RpcTransaction,
};
use starknet_api::transaction::{DeclareTransaction, DeployAccountTransaction, InvokeTransaction};
use starknet_types_core::felt::Felt;

use crate::class::CompiledClass;
use crate::receipt::TxKind;

/// Largest transaction payload a node accepts (a declare carries a whole Sierra class).
pub const MAX_TX_BYTES: usize = 4 * 1024 * 1024;

/// Why bytes are not an executable transaction.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    #[error("transaction is {0} bytes, more than the {MAX_TX_BYTES}-byte limit")]
    TooLarge(usize),
    #[error("not a JSON-RPC v3 transaction: {0}")]
    Malformed(String),
    #[error("invalid transaction: {0}")]
    Invalid(String),
    #[error("class compilation failed: {0}")]
    Compilation(String),
    #[error("compiled class hash mismatch: the declare says {claimed:#x}, the class compiles to {actual:#x}")]
    CompiledClassHashMismatch { claimed: Felt, actual: Felt },
}

impl TxError {
    /// The kind a rejected receipt for this error carries.
    pub fn kind(&self) -> TxKind {
        match self {
            TxError::Compilation(_) | TxError::CompiledClassHashMismatch { .. } => TxKind::Declare,
            _ => TxKind::Unknown,
        }
    }
}

/// A parsed, hashed transaction.
pub struct ParsedTx {
    pub hash: Felt,
    pub kind: TxKind,
    pub signature: Vec<Felt>,
    /// Where a deploy-account deploys.
    pub deployed_address: Option<Felt>,
    /// The class a declare brings.
    pub declared: Option<CompiledClass>,
    pub tx: AccountTransaction,
}

pub fn parse(payload: &[u8], chain_id: &ChainId) -> Result<ParsedTx, TxError> {
    if payload.len() > MAX_TX_BYTES {
        return Err(TxError::TooLarge(payload.len()));
    }
    let rpc: RpcTransaction = serde_json::from_slice(payload).map_err(|e| TxError::Malformed(e.to_string()))?;
    let invalid = |e: starknet_api::StarknetApiError| TxError::Invalid(e.to_string());
    let (api, kind, declared, deployed_address) = match rpc {
        RpcTransaction::Invoke(RpcInvokeTransaction::V3(tx)) => {
            let tx = executable::InvokeTransaction::create(InvokeTransaction::V3(tx.into()), chain_id).map_err(invalid)?;
            (executable::AccountTransaction::Invoke(tx), TxKind::Invoke, None, None)
        }
        RpcTransaction::DeployAccount(RpcDeployAccountTransaction::V3(tx)) => {
            let tx = executable::DeployAccountTransaction::create(DeployAccountTransaction::V3(tx.into()), chain_id)
                .map_err(invalid)?;
            let address = *tx.contract_address.0.key();
            (executable::AccountTransaction::DeployAccount(tx), TxKind::DeployAccount, None, Some(address))
        }
        RpcTransaction::Declare(RpcDeclareTransaction::V3(tx)) => {
            let class = CompiledClass::compile(tx.contract_class.clone()).map_err(|e| TxError::Compilation(e.to_string()))?;
            if class.compiled_class_hash != tx.compiled_class_hash {
                return Err(TxError::CompiledClassHashMismatch {
                    claimed: tx.compiled_class_hash.0,
                    actual: class.compiled_class_hash.0,
                });
            }
            let class_info = ClassInfo::new(
                &ContractClass::V1(((*class.casm).clone(), class.sierra_version.clone())),
                class.sierra.sierra_program.len(),
                class.sierra.abi.len(),
                class.sierra_version.clone(),
            )
            .map_err(invalid)?;
            let tx = executable::DeclareTransaction::create(DeclareTransaction::V3(tx.into()), class_info, chain_id)
                .map_err(invalid)?;
            (executable::AccountTransaction::Declare(tx), TxKind::Declare, Some(class), None)
        }
    };
    let hash = api.tx_hash().0;
    let signature = api.signature().0.to_vec();
    Ok(ParsedTx { hash, kind, signature, deployed_address, declared, tx: AccountTransaction::new_for_sequencing(api) })
}
