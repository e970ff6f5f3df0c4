//! `kraken prove` and `kraken verify`: prove a compiled Cairo program's execution with our
//! STARK prover, and check a proof (the same verifier the explorer runs in the browser).

use kraken_prover::cairo::{prove_program, verify_cairo_proof};
use kraken_prover::field::{felt_from_str, felt_to_decimal, FE};
use kraken_prover::ProofOptions;
use std::path::Path;
use std::time::Instant;

/// The proof options of `--security BITS`.
pub fn options(security: u32) -> anyhow::Result<ProofOptions> {
    match security {
        100 => Ok(ProofOptions::conjectured_100()),
        128 => Ok(ProofOptions::conjectured_128()),
        other => anyhow::bail!("--security {other}: choose 100 or 128 (conjectured bits)"),
    }
}

pub fn prove(program: &Path, inputs: &[String], out: &Path, security: u32) -> anyhow::Result<i32> {
    let options = options(security)?;
    let json = std::fs::read(program).map_err(|e| anyhow::anyhow!("{}: {e}", program.display()))?;
    let felts = inputs
        .iter()
        .map(|s| felt_from_str(s).ok_or_else(|| anyhow::anyhow!("--input {s:?}: not a field element (decimal or 0x-hex)")))
        .collect::<anyhow::Result<Vec<FE>>>()?;
    eprintln!("proving {} on {} input(s)...", program.display(), felts.len());
    let (bytes, report) = prove_program(&json, &felts, &options).map_err(|e| anyhow::anyhow!("{}: {e}", program.display()))?;
    std::fs::write(out, &bytes).map_err(|e| anyhow::anyhow!("--out {}: {e}", out.display()))?;
    println!("{report}");
    println!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(0)
}

pub fn verify(proof: &Path) -> anyhow::Result<i32> {
    let bytes = std::fs::read(proof).map_err(|e| anyhow::anyhow!("{}: {e}", proof.display()))?;
    let start = Instant::now();
    match verify_cairo_proof(&bytes) {
        Ok(claim) => {
            let list = |v: &[FE]| v.iter().map(felt_to_decimal).collect::<Vec<_>>().join(", ");
            println!("VALID  {} ({} bytes) verified in {:.2?}", proof.display(), bytes.len(), start.elapsed());
            println!("  program  {}", claim.program_hash_hex());
            println!("  builtins {}", claim.builtins.join(", "));
            println!("  inputs   [{}]", list(&claim.inputs));
            println!("  outputs  [{}]", list(&claim.outputs));
            println!("  steps    {} (trace 2^{})", claim.steps, claim.trace_length.trailing_zeros());
            println!("  security {} bits (conjectured); {}", claim.security_bits, claim.options);
            Ok(0)
        }
        Err(e) => {
            println!("INVALID  {}: {e}", proof.display());
            Ok(1)
        }
    }
}
