//! The Starknet errors a rejected transaction gets, with the codes of the Starknet
//! JSON-RPC spec (write API), so clients see the error they already handle.

use blockifier::blockifier::stateful_validator::StatefulValidatorError;
use blockifier::blockifier::transaction_executor::TransactionExecutorError;
use blockifier::transaction::errors::{TransactionExecutionError, TransactionFeeError, TransactionPreValidationError};
use serde::{Deserialize, Serialize};

use crate::tx::TxError;

/// A Starknet JSON-RPC error: code, the spec's message, and what exactly was wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} ({code}): {data}")]
pub struct StarknetError {
    pub code: i32,
    pub message: String,
    pub data: String,
}

macro_rules! spec_errors {
    ($($name:ident = $code:literal, $msg:literal;)*) => {
        impl StarknetError {
            $(pub fn $name(data: impl Into<String>) -> Self {
                StarknetError { code: $code, message: $msg.into(), data: data.into() }
            })*
        }
    };
}

spec_errors! {
    class_already_declared = 51, "Class already declared";
    invalid_transaction_nonce = 52, "Invalid transaction nonce";
    insufficient_resources_for_validate = 53, "The transaction's resources don't cover validation or the minimal transaction fee";
    insufficient_account_balance = 54, "Account balance is smaller than the transaction's maximal fee (calculated as the sum of each resource's limit x max price)";
    validation_failure = 55, "Account validation failed";
    compilation_failed = 56, "Compilation failed";
    contract_class_size_is_too_large = 57, "Contract class size is too large";
    duplicate_tx = 59, "A transaction with the same hash already exists in the mempool";
    compiled_class_hash_mismatch = 60, "the compiled class hash did not match the one supplied in the transaction";
    unsupported_tx_version = 61, "the transaction version is not supported";
    unexpected_error = 63, "An unexpected error occurred";
}

impl From<&TxError> for StarknetError {
    fn from(e: &TxError) -> Self {
        let data = e.to_string();
        match e {
            TxError::TooLarge(_) => StarknetError::contract_class_size_is_too_large(data),
            TxError::Malformed(_) | TxError::Invalid(_) => StarknetError::unsupported_tx_version(data),
            TxError::Compilation(_) => StarknetError::compilation_failed(data),
            TxError::CompiledClassHashMismatch { .. } => StarknetError::compiled_class_hash_mismatch(data),
        }
    }
}

impl From<&TransactionExecutionError> for StarknetError {
    fn from(e: &TransactionExecutionError) -> Self {
        let data = e.to_string();
        match e {
            TransactionExecutionError::TransactionPreValidationError(pre) => pre_validation_error(pre, data),
            TransactionExecutionError::TransactionFeeError(fee) => fee_error(fee, data),
            TransactionExecutionError::DeclareTransactionError { .. } => StarknetError::class_already_declared(data),
            TransactionExecutionError::StateError(_) => StarknetError::unexpected_error(data),
            _ => StarknetError::validation_failure(data),
        }
    }
}

fn pre_validation_error(e: &TransactionPreValidationError, data: String) -> StarknetError {
    match e {
        TransactionPreValidationError::InvalidNonce { .. } => StarknetError::invalid_transaction_nonce(data),
        TransactionPreValidationError::TransactionFeeError(fee) => fee_error(fee, data),
        TransactionPreValidationError::StateError(_) => StarknetError::unexpected_error(data),
    }
}

fn fee_error(e: &TransactionFeeError, data: String) -> StarknetError {
    match e {
        TransactionFeeError::ResourcesBoundsExceedBalance { .. }
        | TransactionFeeError::GasBoundsExceedBalance { .. }
        | TransactionFeeError::MaxFeeExceedsBalance { .. } => StarknetError::insufficient_account_balance(data),
        _ => StarknetError::insufficient_resources_for_validate(data),
    }
}

impl From<&TransactionExecutorError> for StarknetError {
    fn from(e: &TransactionExecutorError) -> Self {
        match e {
            TransactionExecutorError::TransactionExecutionError(e) => e.into(),
            other => StarknetError::unexpected_error(other.to_string()),
        }
    }
}

impl From<&StatefulValidatorError> for StarknetError {
    fn from(e: &StatefulValidatorError) -> Self {
        match e {
            StatefulValidatorError::TransactionExecutionError(e) => e.into(),
            StatefulValidatorError::TransactionExecutorError(e) => e.into(),
            StatefulValidatorError::TransactionPreValidationError(pre) => pre_validation_error(pre, pre.to_string()),
            StatefulValidatorError::StateError(e) => StarknetError::unexpected_error(e.to_string()),
        }
    }
}
