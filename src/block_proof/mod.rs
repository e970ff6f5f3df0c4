//! Proving the chain: the block program's input from any node's standard JSON-RPC
//! (`input`, `fetch`), what a block proof is checked against (`check`), and a sample
//! chain for the proving benchmark (`sample`). The program
//! and its claim live in `kraken_prover::block`.

pub mod check;
pub mod fetch;
pub mod input;
mod local;
pub mod sample;

#[cfg(test)]
mod tests;

use kraken_execution::Felt;
use kraken_prover::field::{fe_from_bytes, fe_to_bytes, FE};

/// A Starknet felt as the prover's field element (both are canonical below p).
pub fn to_fe(x: &Felt) -> FE {
    fe_from_bytes(&x.to_bytes_be()).expect("a Felt is below p")
}

/// A prover field element as a Starknet felt.
pub fn to_felt(x: &FE) -> Felt {
    Felt::from_bytes_be(&fe_to_bytes(x))
}
