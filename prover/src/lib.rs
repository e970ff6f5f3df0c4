//! kraken-prover: Kraken's STARK prover and verifier for Cairo executions, built on
//! lambdaworks-math (Stark252 field, FFT, polynomials) and lambdaworks-crypto (Merkle
//! trees, Keccak transcript).
//!
//! Features: `prover` (proving), `trace` (cairo-vm proof-mode execution, default), `verifier`
//! (always built; alone it compiles to wasm32), `parallel` (rayon, real build only).

pub mod air;
pub mod airs;
pub mod block;
pub mod domain;
pub mod error;
pub mod field;
pub mod fri;
pub mod merkle;
pub mod options;
pub mod proof;
pub mod proof_format;
mod protocol;
mod stark252;
pub mod transcript;
pub mod verifier;

#[cfg(feature = "prover")]
mod fft;
#[cfg(feature = "prover")]
mod par;
#[cfg(feature = "prover")]
pub use par::use_threads;
#[cfg(feature = "prover")]
pub mod phases;
#[cfg(feature = "prover")]
pub mod prover;

pub use error::{DecodeError, ProveError, VerifyError};
pub use options::ProofOptions;
pub use proof::StarkProof;
pub use verifier::VerifierPolicy;

#[cfg(all(test, feature = "prover"))]
mod engine_tests;

pub mod cairo;
pub use cairo::{verify_cairo_proof, VerifiedClaim};
