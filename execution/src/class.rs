//! Contract classes as the chain stores them: the Sierra class a user declares and the
//! CASM the sequencer compiles from it, with both hashes. Declared classes are compiled
//! here, in-process, by the Cairo 2.12 compiler crates (as a Starknet gateway does), so
//! a user never ships CASM and cannot lie about it.

use std::sync::Arc;

use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use cairo_lang_starknet_classes::contract_class::{
    ContractClass as CairoLangClass, ContractEntryPoint, ContractEntryPoints,
};
use cairo_lang_utils::bigint::BigUintAsHex;
use serde::{Deserialize, Serialize};
use starknet_api::contract_class::SierraVersion;
use starknet_api::core::{ClassHash, CompiledClassHash};
use starknet_api::state::{EntryPoint, SierraContractClass};
use starknet_types_core::felt::Felt;

/// Largest CASM bytecode the sequencer compiles for a declared class (Starknet's limit).
pub const MAX_BYTECODE_SIZE: usize = 81_920;

/// Why a class cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ClassError {
    #[error("invalid contract class JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("invalid Sierra program: {0}")]
    Sierra(String),
    #[error("Sierra to CASM compilation failed: {0}")]
    Compilation(String),
}

/// A declared class: Sierra (what users declare and RPC serves) and CASM (what the VM
/// runs and the compiled class hash commits to). Cheap to clone.
#[derive(Clone, Debug)]
pub struct CompiledClass {
    pub class_hash: ClassHash,
    pub compiled_class_hash: CompiledClassHash,
    pub sierra_version: SierraVersion,
    pub sierra: Arc<SierraContractClass>,
    pub casm: Arc<CasmContractClass>,
}

/// The durable form of a [`CompiledClass`]: both classes as JSON.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredClass {
    pub sierra_json: String,
    pub casm_json: String,
}

impl CompiledClass {
    /// Compiles a declared Sierra class to CASM.
    pub fn compile(sierra: SierraContractClass) -> Result<Self, ClassError> {
        let casm = CasmContractClass::from_contract_class(to_cairo_lang(&sierra), false, MAX_BYTECODE_SIZE)
            .map_err(|e| ClassError::Compilation(e.to_string()))?;
        Self::from_parts(sierra, casm)
    }

    /// A class from compiler artifacts: `contract_class.json` (Sierra, the compiler's
    /// layout with the ABI as a JSON array) and `compiled_contract_class.json` (CASM).
    pub fn from_artifacts(sierra_json: &str, casm_json: &str) -> Result<Self, ClassError> {
        let artifact: CairoLangClass = serde_json::from_str(sierra_json)?;
        let sierra = SierraContractClass {
            sierra_program: artifact.sierra_program.iter().map(|x| Felt::from(x.value.clone())).collect(),
            contract_class_version: artifact.contract_class_version.clone(),
            entry_points_by_type: artifact.entry_points_by_type.clone().into(),
            abi: artifact.abi.as_ref().map(|abi| abi.json()).unwrap_or_default(),
        };
        let casm: CasmContractClass = serde_json::from_str(casm_json)?;
        Self::from_parts(sierra, casm)
    }

    fn from_parts(sierra: SierraContractClass, casm: CasmContractClass) -> Result<Self, ClassError> {
        let sierra_version = SierraVersion::extract_from_program(&sierra.sierra_program)
            .map_err(|e| ClassError::Sierra(e.to_string()))?;
        Ok(CompiledClass {
            class_hash: sierra.calculate_class_hash(),
            compiled_class_hash: CompiledClassHash(casm.compiled_class_hash()),
            sierra_version,
            sierra: Arc::new(sierra),
            casm: Arc::new(casm),
        })
    }

    pub fn to_stored(&self) -> StoredClass {
        StoredClass {
            sierra_json: serde_json::to_string(&*self.sierra).expect("a Sierra class serializes"),
            casm_json: serde_json::to_string(&*self.casm).expect("a CASM class serializes"),
        }
    }

    pub fn from_stored(stored: &StoredClass) -> Result<Self, ClassError> {
        let sierra: SierraContractClass = serde_json::from_str(&stored.sierra_json)?;
        let casm: CasmContractClass = serde_json::from_str(&stored.casm_json)?;
        Self::from_parts(sierra, casm)
    }

    /// The Sierra program in the compiler's own types, for Cairo Native.
    pub fn cairo_lang_class(&self) -> CairoLangClass {
        to_cairo_lang(&self.sierra)
    }
}

fn to_cairo_lang(sierra: &SierraContractClass) -> CairoLangClass {
    let entry_points = |eps: &[EntryPoint]| -> Vec<ContractEntryPoint> {
        eps.iter()
            .map(|ep| ContractEntryPoint { selector: ep.selector.0.to_biguint(), function_idx: ep.function_idx.0 })
            .collect()
    };
    CairoLangClass {
        sierra_program: sierra.sierra_program.iter().map(|f| BigUintAsHex { value: f.to_biguint() }).collect(),
        sierra_program_debug_info: None,
        contract_class_version: sierra.contract_class_version.clone(),
        entry_points_by_type: ContractEntryPoints {
            external: entry_points(&sierra.entry_points_by_type.external),
            l1_handler: entry_points(&sierra.entry_points_by_type.l1handler),
            constructor: entry_points(&sierra.entry_points_by_type.constructor),
        },
        abi: None,
    }
}
