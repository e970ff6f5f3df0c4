//! Cairo executions: the AIR, the trace builder, cairo-vm integration and the public API
//! (`prove_program`, `verify_cairo_proof`).

pub mod air;
pub mod instruction;
pub mod layout;
pub mod pedersen;
pub mod poseidon;
pub mod proof;
pub mod public_input;
#[cfg(feature = "trace")]
pub mod runner;
#[cfg(feature = "prover")]
pub mod trace;

pub use proof::{decode_cairo_proof, encode_cairo_proof, verify_cairo_proof, verify_cairo_proof_with_policy, CairoProof, VerifiedClaim};
pub use public_input::CairoPublicInput;

#[cfg(all(test, feature = "trace"))]
mod tests;
#[cfg(feature = "prover")]
pub use proof::{prove_execution, ProveReport};
#[cfg(feature = "trace")]
pub use proof::prove_program;
