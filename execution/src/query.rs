//! Read-only execution for the JSON-RPC: `starknet_call` (one entry point) and
//! `starknet_estimateFee` (transactions in sequence), both on a throwaway `CachedState`
//! over the latest state, so nothing they do is ever persisted.

use std::sync::Arc;

use blockifier::context::TransactionContext;
use blockifier::execution::common_hints::ExecutionMode;
use blockifier::execution::entry_point::{CallEntryPoint, EntryPointExecutionContext, SierraGasRevertTracker};
use blockifier::state::cached_state::CachedState;
use blockifier::transaction::account_transaction::{AccountTransaction, ExecutionFlags};
use blockifier::transaction::objects::{DeprecatedTransactionInfo, TransactionInfo};
use blockifier::transaction::transactions::ExecutableTransaction;
use serde::{Deserialize, Serialize};
use starknet_api::contract_class::EntryPointType;
use starknet_api::core::{ChainId, ContractAddress, EntryPointSelector};
use starknet_api::executable_transaction::AccountTransaction as ApiTx;
use starknet_api::execution_resources::GasAmount;
use starknet_api::rpc_transaction::{
    RpcDeclareTransaction, RpcDeployAccountTransaction, RpcInvokeTransaction, RpcTransaction,
};
use starknet_api::transaction::fields::Calldata;
use starknet_api::transaction::{
    DeclareTransactionV3, TransactionHash, TransactionHasher, TransactionVersion, QUERY_VERSION_BASE,
};
use starknet_types_core::felt::Felt;

use crate::block::{BlockEnv, Executor};
use crate::context::{L1_DATA_GAS_PRICE, L1_GAS_PRICE, L2_GAS_PRICE};
use crate::errors::StarknetError;
use crate::reader::Reader;
use crate::tx;
use crate::view::StateView;

/// What one transaction would cost, in fri, at the chain's fixed prices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeEstimate {
    pub l1_gas: u64,
    pub l1_gas_price: u128,
    pub l2_gas: u64,
    pub l2_gas_price: u128,
    pub l1_data_gas: u64,
    pub l1_data_gas_price: u128,
    pub overall_fee: u128,
}

// The read API's errors. `data` holds the spec's data object as JSON text (the RPC
// embeds a `data` that parses as a JSON object as that object).
impl StarknetError {
    pub fn contract_not_found() -> Self {
        StarknetError { code: 20, message: "Contract not found".into(), data: String::new() }
    }
    pub fn contract_error(revert_error: impl Into<String>) -> Self {
        let data = serde_json::json!({ "revert_error": revert_error.into() }).to_string();
        StarknetError { code: 40, message: "Contract error".into(), data }
    }
    pub fn transaction_execution_error(index: usize, error: impl Into<String>) -> Self {
        let data = serde_json::json!({ "transaction_index": index, "execution_error": error.into() }).to_string();
        StarknetError { code: 41, message: "Transaction execution error".into(), data }
    }
}

/// The hash of a v3 JSON-RPC transaction, as `tx::parse` computes it (without compiling
/// a declare's class).
pub fn rpc_tx_hash(rpc: &RpcTransaction, chain_id: &ChainId) -> Result<Felt, String> {
    hash_with_version(rpc, chain_id, &TransactionVersion::THREE)
}

fn hash_with_version(rpc: &RpcTransaction, chain_id: &ChainId, version: &TransactionVersion) -> Result<Felt, String> {
    let hash = match rpc {
        RpcTransaction::Invoke(RpcInvokeTransaction::V3(tx)) => tx.calculate_transaction_hash(chain_id, version),
        RpcTransaction::DeployAccount(RpcDeployAccountTransaction::V3(tx)) => tx.calculate_transaction_hash(chain_id, version),
        RpcTransaction::Declare(RpcDeclareTransaction::V3(tx)) => {
            DeclareTransactionV3::from(tx.clone()).calculate_transaction_hash(chain_id, version)
        }
    };
    hash.map(|h| h.0).map_err(|e| e.to_string())
}

impl Executor {
    /// Runs `selector` of `contract` with `calldata` on `view` as in block `env`.
    pub fn call<V: StateView + ?Sized>(
        &self,
        view: &V,
        env: BlockEnv,
        contract: Felt,
        selector: Felt,
        calldata: Vec<Felt>,
    ) -> Result<Vec<Felt>, StarknetError> {
        let class = view.class_hash_at(contract).map_err(|e| StarknetError::unexpected_error(e.0))?;
        let storage_address = ContractAddress::try_from(contract).map_err(|_| StarknetError::contract_not_found())?;
        if class == Felt::ZERO {
            return Err(StarknetError::contract_not_found());
        }
        let reader = Reader::new(view, self.engine, self.cache());
        let mut state = CachedState::new(reader);
        let block_context = Arc::new(self.chain.block_context(env.number, env.timestamp));
        let initial_gas = block_context.versioned_constants().sierra_gas_limit(&ExecutionMode::Execute).0;
        // A call is no transaction: the deprecated (empty) transaction info, as Starknet
        // full nodes use for calls.
        let tx_context = Arc::new(TransactionContext {
            block_context,
            tx_info: TransactionInfo::Deprecated(DeprecatedTransactionInfo::default()),
        });
        let mut context =
            EntryPointExecutionContext::new_invoke(tx_context, false, SierraGasRevertTracker::new(GasAmount(initial_gas)));
        let call = CallEntryPoint {
            entry_point_type: EntryPointType::External,
            entry_point_selector: EntryPointSelector(selector),
            calldata: Calldata(Arc::new(calldata)),
            storage_address,
            initial_gas,
            ..Default::default()
        };
        let mut remaining_gas = initial_gas;
        let result = call.execute(&mut state, &mut context, &mut remaining_gas);
        if let Some(reason) = state.state.failure() {
            return Err(StarknetError::unexpected_error(reason));
        }
        match result {
            Ok(info) if info.execution.failed => {
                let reason: Vec<String> = info.execution.retdata.0.iter().map(|f| format!("{f:#x}")).collect();
                Err(StarknetError::contract_error(format!("execution failed: [{}]", reason.join(", "))))
            }
            Ok(info) => Ok(info.execution.retdata.0),
            Err(e) => Err(StarknetError::contract_error(e.to_string())),
        }
    }

    /// Fees of `payloads` (JSON-RPC v3 transactions, query version allowed) executed in
    /// order on `view` as in block `env`: each sees the effects of those before it.
    pub fn estimate_fee<V: StateView + ?Sized>(
        &self,
        view: &V,
        env: BlockEnv,
        payloads: &[&[u8]],
        skip_validate: bool,
    ) -> Result<Vec<FeeEstimate>, StarknetError> {
        let chain_id = self.chain.chain_id();
        let block_context = self.chain.block_context(env.number, env.timestamp);
        let max_l2_gas = block_context.versioned_constants().sierra_gas_limit(&ExecutionMode::Execute);
        let reader = Reader::new(view, self.engine, self.cache());
        let mut state = CachedState::new(reader);
        let mut out = Vec::with_capacity(payloads.len());
        for (index, payload) in payloads.iter().enumerate() {
            let tx = query_tx(payload, &chain_id, skip_validate, max_l2_gas)
                .map_err(|e| StarknetError::transaction_execution_error(index, e))?;
            let result = tx.execute(&mut state, &block_context);
            if let Some(reason) = state.state.failure() {
                return Err(StarknetError::unexpected_error(reason));
            }
            let info = result.map_err(|e| StarknetError::transaction_execution_error(index, e.to_string()))?;
            if let Some(revert) = &info.revert_error {
                return Err(StarknetError::transaction_execution_error(index, revert.to_string()));
            }
            let gas = info.receipt.gas;
            out.push(FeeEstimate {
                l1_gas: gas.l1_gas.0,
                l1_gas_price: L1_GAS_PRICE,
                l2_gas: gas.l2_gas.0,
                l2_gas_price: L2_GAS_PRICE,
                l1_data_gas: gas.l1_data_gas.0,
                l1_data_gas_price: L1_DATA_GAS_PRICE,
                overall_fee: info.receipt.fee.0,
            });
        }
        Ok(out)
    }
}

/// A transaction to estimate. Clients sign estimates with the query version (3 + 2^128)
/// so the signature cannot be replayed on chain; the transaction runs as version 3 with
/// that hash. Zero L2 gas bounds (what clients send to ask "how much?") become the
/// protocol maximum, and no fee is charged.
fn query_tx(payload: &[u8], chain_id: &ChainId, skip_validate: bool, max_l2_gas: GasAmount) -> Result<AccountTransaction, String> {
    let mut json: serde_json::Value = serde_json::from_slice(payload).map_err(|e| e.to_string())?;
    let query_version = Felt::THREE + *QUERY_VERSION_BASE;
    let version = json.get("version").and_then(|v| v.as_str()).and_then(|v| Felt::from_hex(v).ok());
    let only_query = version == Some(query_version);
    if only_query {
        json["version"] = serde_json::Value::String("0x3".into());
    }
    let mut rpc: RpcTransaction = serde_json::from_value(json).map_err(|e| format!("not a JSON-RPC v3 transaction: {e}"))?;
    let signed_version = TransactionVersion(if only_query { query_version } else { Felt::THREE });
    let hash = hash_with_version(&rpc, chain_id, &signed_version)?;
    let bounds = match &mut rpc {
        RpcTransaction::Invoke(RpcInvokeTransaction::V3(tx)) => &mut tx.resource_bounds,
        RpcTransaction::DeployAccount(RpcDeployAccountTransaction::V3(tx)) => &mut tx.resource_bounds,
        RpcTransaction::Declare(RpcDeclareTransaction::V3(tx)) => &mut tx.resource_bounds,
    };
    if bounds.l2_gas.max_amount.0 == 0 {
        bounds.l2_gas.max_amount = max_l2_gas;
    }
    let bytes = serde_json::to_vec(&rpc).map_err(|e| e.to_string())?;
    let mut parsed = tx::parse(&bytes, chain_id).map_err(|e| e.to_string())?;
    let hash = TransactionHash(hash);
    match &mut parsed.tx.tx {
        ApiTx::Invoke(t) => t.tx_hash = hash,
        ApiTx::Declare(t) => t.tx_hash = hash,
        ApiTx::DeployAccount(t) => t.tx_hash = hash,
    }
    parsed.tx.execution_flags =
        ExecutionFlags { only_query, charge_fee: false, validate: !skip_validate, strict_nonce_check: true };
    Ok(parsed.tx)
}
