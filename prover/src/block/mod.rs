//! Block proofs: `programs/block.cairo` proves that consecutive Starknet blocks hash as
//! claimed, with their transactions, commitments and parent links, and runs the calls it
//! knows (fib, fact, KRK transfers). This module holds the program, its hash, the layout
//! of its input, and [`BlockClaim`], what a verified proof of it says. Building the input
//! from a chain is the node side's work (Starknet types live there).
//!
//! `prover/README.md` ("Block proofs") states what a valid proof means and what it does
//! not cover.

mod claim;
mod layout;

pub use claim::{BlockClaim, BlockClaimError, ProvenBlock};
pub use layout::{walk_blocks, InputShapeError, TxKind};

use crate::field::FE;

/// The compiled block program (`cairo-compile --proof_mode`, see `programs/compile.sh`).
#[cfg(feature = "trace")]
pub const PROGRAM: &[u8] = include_bytes!("../../programs/block.json");

/// The builtins the block program declares.
pub const BUILTINS: [&str; 3] = ["output", "range_check", "poseidon"];

/// The block program's hash as a proof's public input gives it (a Pedersen chain over its
/// builtins and bytecode; see `cairo::public_input::program_hash`). Pinned so that the
/// verifier, also in wasm, recognizes block proofs without the program's JSON; a test
/// recomputes it from `PROGRAM`, and `compile.sh` output changes must update it.
pub const PROGRAM_HASH: &str = "0x6e3d7c9f501ee68459509a9851a7a3ab52cfc55c9c5b9f8b641b18e73befca4";

/// [`PROGRAM_HASH`] as a field element.
pub fn program_hash() -> FE {
    crate::field::felt_from_str(PROGRAM_HASH).expect("PROGRAM_HASH is a felt")
}

/// Keccak-256 of the block program's bytecode (its words' 32-byte encodings, in order).
/// Pinned with [`PROGRAM_HASH`]; a test recomputes both from `PROGRAM`.
pub const BYTECODE_KECCAK: &str = "0xa73b10afef2484fe59badcd00fe0d0b296f46e8760cbcced9d74b9d01bdb6508";

fn bytecode_keccak(words: &[FE]) -> String {
    use sha3::{Digest, Keccak256};
    let mut h = Keccak256::new();
    for w in words {
        h.update(crate::field::fe_to_bytes(w));
    }
    let digest: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("0x{digest}")
}

/// The block program's hash if `builtins` and `words` are the block program, without
/// the Pedersen chain over its 2,452 words (about 60 ms of a verification, against well
/// under a millisecond of Keccak): the verifier's shortcut for the one program it sees
/// most. Any other bytecode gets `None`, and its hash is computed.
pub fn known_program_hash(builtins: &[&str], words: &[FE]) -> Option<FE> {
    (builtins == BUILTINS && bytecode_keccak(words) == BYTECODE_KECCAK).then(program_hash)
}

/// Runs and proves the block program on `inputs` (the layout `programs/block.cairo`
/// documents).
#[cfg(feature = "trace")]
pub fn prove_blocks(
    inputs: &[FE],
    options: &crate::ProofOptions,
) -> Result<(Vec<u8>, crate::cairo::ProveReport), crate::ProveError> {
    crate::cairo::prove_program(PROGRAM, inputs, options)
}

/// What the block program gives on an input, found by running it without proving.
#[cfg(feature = "trace")]
#[derive(Clone, Debug)]
pub struct BlockRun {
    /// `[first_block, last_block, first_parent_hash, last_block_hash, n_txs, results_digest]`.
    pub outputs: Vec<FE>,
    /// Cairo steps.
    pub steps: u64,
}

/// Runs the block program on `inputs` with cairo-vm alone: what `prove_blocks` would
/// prove, or why the program refuses the input (a failed assertion), in a fraction of
/// the proving time.
#[cfg(feature = "trace")]
pub fn run_blocks(inputs: &[FE]) -> Result<BlockRun, crate::ProveError> {
    let e = crate::cairo::runner::execute(PROGRAM, inputs)?;
    Ok(BlockRun { outputs: e.public_input.outputs, steps: e.public_input.steps })
}

/// What a proof of the block program on `inputs` would state and how big its trace would
/// be, found without proving (the simulator's prover charges its cost model for it).
#[cfg(feature = "trace")]
#[derive(Clone, Debug)]
pub struct BlockShape {
    /// The statement, with `security_bits` 0: nothing is proved.
    pub claim: BlockClaim,
    pub steps: u64,
    pub trace_rows: u64,
    pub columns: u64,
}

/// Runs the block program on `inputs` and builds its trace, without proving.
#[cfg(feature = "trace")]
pub fn shape_blocks(inputs: &[FE], options: &crate::ProofOptions) -> Result<BlockShape, crate::ProveError> {
    let e = crate::cairo::runner::execute(PROGRAM, inputs)?;
    let (rows, columns) = crate::cairo::trace_shape(&e, options)?;
    let claim = BlockClaim::from_run(inputs, &e.public_input.outputs, 0).map_err(|err| crate::ProveError::Trace(err.to_string()))?;
    Ok(BlockShape { claim, steps: e.public_input.steps, trace_rows: rows as u64, columns: columns as u64 })
}

#[cfg(all(test, feature = "trace"))]
mod tests;
