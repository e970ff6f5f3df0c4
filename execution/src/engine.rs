//! The two ways a node runs Cairo: `native` (Sierra compiled to machine code by Cairo
//! Native, once per class) and `vm` (CASM interpreted by the Cairo VM). Both go through
//! blockifier, so they must agree on every result (see the differential test).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use blockifier::execution::contract_class::{CompiledClassV1, RunnableCompiledClass};
use blockifier::execution::native::contract_class::NativeCompiledClassV1;
use cairo_native::executor::AotContractExecutor;
use serde::{Deserialize, Serialize};
use starknet_api::core::ClassHash;

use crate::class::{ClassError, CompiledClass};
use crate::native_runtime;

/// The execution engine a node runs contracts with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Cairo Native: machine code compiled from Sierra.
    #[default]
    Native,
    /// The Cairo VM, interpreting CASM.
    Vm,
}

impl std::str::FromStr for Engine {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "native" => Ok(Engine::Native),
            "vm" => Ok(Engine::Vm),
            other => Err(format!("unknown engine `{other}` (expected `native` or `vm`)")),
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Engine::Native => "native",
            Engine::Vm => "vm",
        })
    }
}

/// Native code compiled in this process, shared by every node in it (the simulator runs
/// several): compiling is deterministic and costs seconds per class, so it happens once.
static NATIVE_CODE: LazyLock<Mutex<HashMap<ClassHash, NativeCompiledClassV1>>> =
    LazyLock::new(Default::default);

/// What the last native compilations cost, for the benchmark.
static COMPILE_TIMES: LazyLock<Mutex<Vec<(ClassHash, Duration)>>> = LazyLock::new(Default::default);

impl Engine {
    /// The class in the form blockifier runs with this engine.
    pub fn runnable(self, class: &CompiledClass) -> Result<RunnableCompiledClass, ClassError> {
        let casm = CompiledClassV1::try_from(((*class.casm).clone(), class.sierra_version.clone()))
            .map_err(|e| ClassError::Compilation(e.to_string()))?;
        match self {
            Engine::Vm => Ok(RunnableCompiledClass::V1(casm)),
            Engine::Native => Ok(RunnableCompiledClass::V1Native(native_code(class, casm)?)),
        }
    }
}

fn native_code(class: &CompiledClass, casm: CompiledClassV1) -> Result<NativeCompiledClassV1, ClassError> {
    if let Some(code) = NATIVE_CODE.lock().expect("native cache poisoned").get(&class.class_hash) {
        return Ok(code.clone());
    }
    let started = Instant::now();
    let executor = compile_native(class)?;
    native_runtime::bind(&executor);
    let code = NativeCompiledClassV1::new(executor, casm);
    COMPILE_TIMES.lock().expect("compile log poisoned").push((class.class_hash, started.elapsed()));
    NATIVE_CODE.lock().expect("native cache poisoned").insert(class.class_hash, code.clone());
    Ok(code)
}

/// `class` compiled to machine code by Cairo Native, bound to Cairo Native's own runtime.
pub(crate) fn compile_native(class: &CompiledClass) -> Result<AotContractExecutor, ClassError> {
    let sierra = class.cairo_lang_class();
    let program = sierra.extract_sierra_program().map_err(|e| ClassError::Sierra(e.to_string()))?;
    AotContractExecutor::new(
        &program,
        &sierra.entry_points_by_type,
        class.sierra_version.clone().into(),
        cairo_native::OptLevel::Default,
        None,
    )
    .map_err(|e| ClassError::Compilation(format!("Cairo Native: {e}")))
}

/// Native compile time of every class compiled so far in this process.
pub fn native_compile_times() -> Vec<(ClassHash, Duration)> {
    COMPILE_TIMES.lock().expect("compile log poisoned").clone()
}

/// Per-node cache of runnable classes, so a class is converted once per engine.
#[derive(Default)]
pub struct RunnableCache {
    classes: Mutex<HashMap<ClassHash, RunnableCompiledClass>>,
}

impl RunnableCache {
    pub fn get(&self, class_hash: ClassHash) -> Option<RunnableCompiledClass> {
        self.classes.lock().expect("class cache poisoned").get(&class_hash).cloned()
    }

    /// Converts `class` for `engine` (a class hash names one class forever, so the
    /// result is kept).
    pub fn build(&self, engine: Engine, class: &CompiledClass) -> Result<RunnableCompiledClass, ClassError> {
        let runnable = engine.runnable(class)?;
        self.classes.lock().expect("class cache poisoned").insert(class.class_hash, runnable.clone());
        Ok(runnable)
    }
}
