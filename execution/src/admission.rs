//! Admission: the checks a node runs before a transaction enters its mempool, on its
//! latest executed state — well-formed, a nonce not already used, a balance covering the
//! maximal fee, and the account's own `__validate__` accepting the signature. (Deploy
//! accounts and declares run whole, as Starknet's gateway does.) Nonces ahead of the
//! account's are admitted so a client can pipeline; execution enforces exact order.

use blockifier::blockifier::stateful_validator::StatefulValidator;
use blockifier::state::cached_state::CachedState;
use starknet_types_core::felt::Felt;

use crate::block::{BlockEnv, Executor};
use crate::errors::StarknetError;
use crate::reader::Reader;
use crate::receipt::TxKind;
use crate::tx;
use crate::view::StateView;

/// An admitted transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Admitted {
    pub hash: Felt,
    pub kind: TxKind,
}

impl Executor {
    /// Checks `payload` against `view` as it would execute in block `env`.
    pub fn admit<V: StateView + ?Sized>(&self, view: &V, env: BlockEnv, payload: &[u8]) -> Result<Admitted, StarknetError> {
        let mut parsed = tx::parse(payload, &self.chain.chain_id()).map_err(|e| StarknetError::from(&e))?;
        let admitted = Admitted { hash: parsed.hash, kind: parsed.kind };
        parsed.tx.execution_flags.strict_nonce_check = false;
        let reader = Reader::new(view, self.engine, self.cache());
        let mut validator =
            StatefulValidator::create(CachedState::new(reader), self.chain.block_context(env.number, env.timestamp));
        let result = validator.perform_validations(parsed.tx);
        result.map_err(|e| StarknetError::from(&e))?;
        Ok(admitted)
    }
}
