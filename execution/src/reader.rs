//! Blockifier's view of Kraken's state: its `StateReader` over a [`StateView`], turning
//! declared classes into runnable ones for the node's engine.

use blockifier::execution::contract_class::RunnableCompiledClass;
use blockifier::state::errors::StateError;
use blockifier::state::state_api::{StateReader, StateResult};
use starknet_api::contract_class::compiled_class_hash::{HashVersion, HashableCompiledClass};
use starknet_api::core::{ClassHash, CompiledClassHash, ContractAddress, Nonce};
use starknet_api::state::StorageKey;
use starknet_types_core::felt::Felt;

use std::sync::Mutex;

use crate::engine::{Engine, RunnableCache};
use crate::view::{StateView, ViewError};

/// A [`StateView`] as blockifier reads it.
///
/// A failed read is the node's fault, not the transaction's: blockifier would turn it
/// into a rejected or reverted transaction, and nodes would diverge. So the reader also
/// remembers the failure, and the caller aborts the whole block when there is one.
pub struct Reader<'a, V: ?Sized> {
    view: &'a V,
    engine: Engine,
    cache: &'a RunnableCache,
    failure: Mutex<Option<String>>,
}

impl<'a, V: StateView + ?Sized> Reader<'a, V> {
    pub fn new(view: &'a V, engine: Engine, cache: &'a RunnableCache) -> Self {
        Reader { view, engine, cache, failure: Mutex::new(None) }
    }

    /// The first node-side failure seen, if any.
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().expect("reader poisoned").clone()
    }

    fn fail(&self, msg: String) -> StateError {
        self.failure.lock().expect("reader poisoned").get_or_insert_with(|| msg.clone());
        StateError::StateReadError(msg)
    }

    fn read<T>(&self, r: Result<T, ViewError>) -> StateResult<T> {
        r.map_err(|e| self.fail(e.0))
    }
}

impl<V: StateView + ?Sized> StateReader for Reader<'_, V> {
    fn get_storage_at(&self, contract_address: ContractAddress, key: StorageKey) -> StateResult<Felt> {
        self.read(self.view.storage(*contract_address.0.key(), *key.0.key()))
    }

    fn get_nonce_at(&self, contract_address: ContractAddress) -> StateResult<Nonce> {
        self.read(self.view.nonce(*contract_address.0.key())).map(Nonce)
    }

    fn get_class_hash_at(&self, contract_address: ContractAddress) -> StateResult<ClassHash> {
        self.read(self.view.class_hash_at(*contract_address.0.key())).map(ClassHash)
    }

    fn get_compiled_class(&self, class_hash: ClassHash) -> StateResult<RunnableCompiledClass> {
        if let Some(runnable) = self.cache.get(class_hash) {
            return Ok(runnable);
        }
        let class = self.read(self.view.class(class_hash.0))?.ok_or(StateError::UndeclaredClassHash(class_hash))?;
        self.cache
            .build(self.engine, &class)
            .map_err(|e| self.fail(format!("class {:#x} cannot run on {}: {e}", class_hash.0, self.engine)))
    }

    fn get_compiled_class_hash(&self, class_hash: ClassHash) -> StateResult<CompiledClassHash> {
        self.read(self.view.compiled_class_hash(class_hash.0)).map(CompiledClassHash)
    }

    fn get_compiled_class_hash_v2(
        &self,
        class_hash: ClassHash,
        compiled_class: &RunnableCompiledClass,
    ) -> StateResult<CompiledClassHash> {
        match compiled_class {
            RunnableCompiledClass::V0(_) => Err(StateError::MissingCompiledClassHashV2(class_hash)),
            RunnableCompiledClass::V1(class) => Ok(class.hash(&HashVersion::V2)),
            RunnableCompiledClass::V1Native(class) => Ok(class.hash(&HashVersion::V2)),
        }
    }
}
