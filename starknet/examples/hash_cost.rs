//! What one Pedersen and one Poseidon hash cost in the build at hand, Kraken's
//! (pathfinder-crypto's) beside starknet-types-core's, in one run: state-trie updates are
//! Pedersen hashes along every changed path, and a block's commitments are Poseidon
//! hashes of its transactions, events and receipts.
//!   cargo run -p kraken-starknet --example hash_cost            (dev: dependencies at
//!       opt-level 2 with debug assertions, the build `make test` and `make run-local` use)
//!   cargo run -p kraken-starknet --example hash_cost --release

use std::time::Instant;

use kraken_starknet::{Felt, Pedersen, Poseidon, StarkHash};
use starknet_types_core::hash::{Pedersen as TypesCorePedersen, Poseidon as TypesCorePoseidon};

/// Microseconds per hash over a chain of `hashes`, and the chain's last value.
fn cost<H: StarkHash>(hashes: u64) -> (f64, Felt) {
    let mut acc = Felt::from(7u8);
    let start = Instant::now();
    for i in 0..hashes {
        acc = H::hash(&acc, &Felt::from(i));
    }
    (start.elapsed().as_secs_f64() * 1e6 / hashes as f64, acc)
}

fn compare<Ours: StarkHash, Theirs: StarkHash>(name: &str, hashes: u64) {
    let profile = if cfg!(debug_assertions) { "dev" } else { "release" };
    let (ours, a) = cost::<Ours>(hashes);
    let (theirs, b) = cost::<Theirs>(hashes);
    assert_eq!(a, b, "the two {name} implementations disagree");
    println!(
        "{profile}: {ours:.1} us per {name} hash (kraken), {theirs:.1} us (starknet-types-core), {:.2}x, over {hashes} hashes",
        theirs / ours
    );
}

fn main() {
    compare::<Pedersen, TypesCorePedersen>("Pedersen", 20_000);
    compare::<Poseidon, TypesCorePoseidon>("Poseidon", 20_000);
}
