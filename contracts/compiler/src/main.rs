//! `kraken-cairo-compile <project-dir> <contract-path> <out.contract_class.json>`: compiles one
//! Starknet contract of a Cairo project (a directory with a `cairo_project.toml`) to a Sierra
//! contract class, as the Cairo compiler's own `starknet-compile <dir> --contract-path` does:
//! warnings are errors and the class must only use libfuncs of the audited list.
//!
//! The corelib is found the compiler's usual way, at `corelib/src` two to four directories
//! above this executable (build.sh installs it there); the compiler refuses a corelib whose
//! version is not its own.
//!
//! `KRAKEN_CAIRO_REPLACE_IDS=1` names the Sierra ids after what they stand for in the debug
//! info (the compiler's `--replace-ids`), for reading the output.

use anyhow::{bail, Context, Result};
use cairo_lang_compiler::diagnostics::DiagnosticsReporter;
use cairo_lang_compiler::CompilerConfig;
use cairo_lang_lowering::utils::InliningStrategy;
use cairo_lang_starknet::compile::starknet_compile;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [project, contract, output] = args.as_slice() else {
        bail!("usage: kraken-cairo-compile <project-dir> <contract-path> <out.json>");
    };
    let config = CompilerConfig {
        diagnostics_reporter: DiagnosticsReporter::stderr(),
        replace_ids: std::env::var_os("KRAKEN_CAIRO_REPLACE_IDS").is_some_and(|v| v == "1"),
        ..CompilerConfig::default()
    };
    let class = starknet_compile(
        project.into(),
        Some(contract.clone()),
        Some(config),
        InliningStrategy::Default,
        None,
    )
    .with_context(|| format!("compiling {contract}"))?;
    std::fs::write(output, class + "\n").with_context(|| format!("writing {output}"))?;
    Ok(())
}
