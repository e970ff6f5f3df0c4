//! Cairo executions: the AIR, the trace builder, cairo-vm integration and the public API
//! (`prove_program`, `verify_cairo_proof`).
//!
//! The AIR is the CPU (`cpu`), a memory argument and the offsets' range check (`air`,
//! `range`), and the builtins (`builtins`, one module each); `layout` says where their
//! columns are and `trace` builds the trace.

pub mod air;
pub mod builtins;
pub mod cpu;
pub mod instruction;
pub mod layout;
pub mod proof;
pub mod public_input;
mod range;
#[cfg(feature = "trace")]
pub mod runner;
#[cfg(feature = "prover")]
pub mod trace;

pub use proof::{decode_cairo_proof, encode_cairo_proof, verify_cairo_proof, verify_cairo_proof_with_policy, CairoProof, VerifiedClaim};
pub use public_input::CairoPublicInput;

#[cfg(all(test, feature = "trace"))]
mod tests;
#[cfg(feature = "prover")]
pub use proof::{prove_execution, trace_shape, ProveReport};
#[cfg(feature = "trace")]
pub use proof::prove_program;
