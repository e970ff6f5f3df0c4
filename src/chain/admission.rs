//! The mempool's Starknet admission check, on the node's latest executed state.

use std::sync::Arc;

use kraken_execution::StarknetError;

use super::state::{felt_key, StoreState};
use super::Chain;
use crate::mempool::{Rejection, TxCheck};
use crate::storage::Table;
use crate::types::Tx;

pub struct StarknetAdmission {
    pub chain: Arc<Chain>,
}

/// Keeps the Starknet code so the JSON-RPC can answer with it.
fn rejection(e: StarknetError) -> Rejection {
    Rejection { code: Some(e.code), message: e.message, data: e.data }
}

impl TxCheck for StarknetAdmission {
    fn check(&self, tx: &Tx) -> Result<(), Rejection> {
        let chain = &self.chain;
        let env = chain.next_env().map_err(|e| rejection(StarknetError::unexpected_error(format!("{e:#}"))))?;
        let admitted = chain.executor.admit(&StoreState { store: &chain.store }, env, &tx.0).map_err(rejection)?;
        match chain.store.contains(Table::TxLocations, &felt_key(&admitted.hash)) {
            Ok(false) => Ok(()),
            Ok(true) => Err(rejection(StarknetError::duplicate_tx(format!("{:#x} is already on chain", admitted.hash)))),
            Err(e) => Err(rejection(StarknetError::unexpected_error(e.to_string()))),
        }
    }
}
