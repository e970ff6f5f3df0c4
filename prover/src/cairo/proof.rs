//! Cairo proofs: public input + STARK proof, their bytes, proving and verifying.

use super::air::CairoAir;
use super::public_input::CairoPublicInput;
use crate::error::{DecodeError, VerifyError};
use crate::field::FE;
use crate::options::ProofOptions;
use crate::proof::StarkProof;
use crate::proof_format::{read_stark, write_stark, ProofKind, Reader, Writer};
use crate::verifier::{verify, VerifierPolicy};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CairoProof {
    pub public_input: CairoPublicInput,
    pub stark: StarkProof,
}

/// What a valid proof establishes: this program, on these inputs, gave these outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedClaim {
    pub program_hash: FE,
    /// The builtins main was proved with, in order (e.g. `["output", "range_check"]`);
    /// the program hash covers them (see `public_input::program_hash`).
    pub builtins: Vec<&'static str>,
    pub inputs: Vec<FE>,
    pub outputs: Vec<FE>,
    pub security_bits: u32,
    pub steps: u64,
    pub trace_length: u64,
    pub options: ProofOptions,
}

impl VerifiedClaim {
    pub fn program_hash_hex(&self) -> String {
        format!("0x{}", hex_of(&crate::field::fe_to_bytes(&self.program_hash)))
    }
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn encode_cairo_proof(p: &CairoProof) -> Vec<u8> {
    let mut w = Writer::envelope(ProofKind::Cairo);
    p.public_input.write(&mut w);
    write_stark(&mut w, &p.stark);
    w.buf
}

pub fn decode_cairo_proof(bytes: &[u8]) -> Result<CairoProof, DecodeError> {
    let mut r = Reader::new(bytes);
    if r.envelope()? != ProofKind::Cairo {
        return Err(DecodeError::Tag(0));
    }
    let public_input = CairoPublicInput::read(&mut r)?;
    let stark = read_stark(&mut r)?;
    r.finish()?;
    Ok(CairoProof { public_input, stark })
}

/// Verifies proof bytes under the default policy (>= 100 bits conjectured security).
pub fn verify_cairo_proof(proof_bytes: &[u8]) -> Result<VerifiedClaim, VerifyError> {
    verify_cairo_proof_with_policy(proof_bytes, &VerifierPolicy::default())
}

pub fn verify_cairo_proof_with_policy(proof_bytes: &[u8], policy: &VerifierPolicy) -> Result<VerifiedClaim, VerifyError> {
    let p = decode_cairo_proof(proof_bytes)?;
    p.public_input.validate()?;
    let log_n = p.stark.log_trace_length as u32;
    if !(4..=26).contains(&log_n) {
        return Err(VerifyError::Shape("trace length"));
    }
    let n = 1usize << log_n;
    if p.public_input.steps == 0 || p.public_input.steps > n as u64 {
        return Err(VerifyError::PublicInput("steps exceed the trace length".into()));
    }
    if p.public_input.min_trace_length() > n as u64 {
        return Err(VerifyError::PublicInput("more builtin instances than the trace holds".into()));
    }
    let air = CairoAir::new(p.public_input.clone(), n);
    verify(&air, &p.stark, policy)?;
    let pi = p.public_input;
    Ok(VerifiedClaim {
        program_hash: crate::block::known_program_hash(&pi.builtins(), &pi.program).unwrap_or_else(|| pi.program_hash()),
        builtins: pi.builtins(),
        inputs: pi.inputs.clone(),
        outputs: pi.outputs.clone(),
        security_bits: p.stark.options.security_bits(),
        steps: pi.steps,
        trace_length: n as u64,
        options: p.stark.options,
    })
}

/// Figures about one proof, for logs and benchmarks.
#[cfg(feature = "prover")]
#[derive(Clone, Debug)]
pub struct ProveReport {
    pub steps: u64,
    pub trace_length: usize,
    pub columns: usize,
    pub prove_time: std::time::Duration,
    /// Where `prove_time` went.
    pub phases: crate::phases::PhaseTimes,
    pub proof_size: usize,
    pub security_bits: u32,
    pub options: ProofOptions,
}

#[cfg(feature = "prover")]
impl std::fmt::Display for ProveReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} steps, trace 2^{} x {} columns, proved in {:.2?}, proof {} bytes; {}",
            self.steps,
            self.trace_length.trailing_zeros(),
            self.columns,
            self.prove_time,
            self.proof_size,
            self.options
        )
    }
}

/// The trace a proof of `exec` would have, built without proving: (rows, columns, main
/// and auxiliary). What a cost model of proving time needs.
#[cfg(feature = "prover")]
pub fn trace_shape(exec: &super::trace::Execution, options: &ProofOptions) -> Result<(usize, usize), crate::error::ProveError> {
    use crate::air::Air;
    let (pi, main) = super::trace::build_main(exec, options.fri_final_log as u32 + 1)?;
    let n = main[0].len();
    let air = CairoAir::new(pi, n);
    Ok((n, air.num_main() + air.num_aux()))
}

/// Proves an execution (from cairo-vm or built by hand) and returns the proof bytes.
#[cfg(feature = "prover")]
pub fn prove_execution(
    exec: &super::trace::Execution,
    options: &ProofOptions,
) -> Result<(Vec<u8>, ProveReport), crate::error::ProveError> {
    use crate::air::Air;
    let start = std::time::Instant::now();
    let (pi, main) = super::trace::build_main(exec, options.fri_final_log as u32 + 1)?;
    let trace_time = start.elapsed();
    pi.validate().map_err(|e| crate::error::ProveError::Trace(e.to_string()))?;
    let n = main[0].len();
    let air = CairoAir::new(pi.clone(), n);
    if cfg!(debug_assertions) {
        // Catch trace-builder bugs early with a readable message (debug builds only).
        let mut t = crate::transcript::Transcript::new(b"kraken-debug-check");
        let ch = [t.challenge(), t.challenge(), t.challenge()];
        let aux = air.build_aux(&main, &ch);
        crate::air::check_constraints(&air, &main, &aux, &ch).map_err(crate::error::ProveError::Trace)?;
    }
    let (stark, mut phases) = crate::prover::prove_timed(&air, &main, options)?;
    phases.trace = trace_time;
    let bytes = encode_cairo_proof(&CairoProof { public_input: pi.clone(), stark });
    let report = ProveReport {
        steps: pi.steps,
        trace_length: n,
        columns: air.num_main() + air.num_aux(),
        prove_time: start.elapsed(),
        phases,
        proof_size: bytes.len(),
        security_bits: options.security_bits(),
        options: *options,
    };
    Ok((bytes, report))
}

/// Runs `program_json` (Cairo 0, compiled with `--proof_mode`) on `inputs` in cairo-vm and
/// proves the run. The proof's public input names the program, the inputs and the outputs.
#[cfg(feature = "trace")]
pub fn prove_program(
    program_json: &[u8],
    inputs: &[FE],
    options: &ProofOptions,
) -> Result<(Vec<u8>, ProveReport), crate::error::ProveError> {
    let start = std::time::Instant::now();
    let exec = super::runner::execute(program_json, inputs)?;
    let vm_time = start.elapsed();
    let (bytes, mut report) = prove_execution(&exec, options)?;
    report.prove_time = start.elapsed();
    report.phases.vm = vm_time;
    Ok((bytes, report))
}
