//! Typed errors. Nothing in this crate panics on bad input: decoders and verifiers return these.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    #[error("proof bytes end early")]
    Truncated,
    #[error("bad magic: not a Kraken proof")]
    BadMagic,
    #[error("unsupported proof format version {0}")]
    Version(u16),
    #[error("non-canonical field element")]
    NonCanonical,
    #[error("length out of range: {0}")]
    Length(&'static str),
    #[error("trailing bytes after proof")]
    Trailing,
    #[error("unknown tag {0}")]
    Tag(u8),
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VerifyError {
    #[error("decode: {0}")]
    Decode(#[from] DecodeError),
    #[error("invalid proof options")]
    BadOptions,
    #[error("proof gives {got} bits of conjectured security, policy requires {min}")]
    InsufficientSecurity { got: u32, min: u32 },
    #[error("proof shape does not match the AIR: {0}")]
    Shape(&'static str),
    #[error("public input rejected: {0}")]
    PublicInput(String),
    #[error("out-of-domain composition check failed")]
    OodMismatch,
    #[error("proof of work (grinding) invalid")]
    Grinding,
    #[error("Merkle decommitment invalid: {0}")]
    Merkle(&'static str),
    #[error("FRI consistency check failed at layer {0}")]
    Fri(usize),
}

#[derive(Debug, Error)]
pub enum ProveError {
    #[error("invalid trace: {0}")]
    Trace(String),
    #[error("invalid options: {0}")]
    Options(String),
    #[error("execution failed: {0}")]
    Execution(String),
    #[error("program: {0}")]
    Program(String),
}
