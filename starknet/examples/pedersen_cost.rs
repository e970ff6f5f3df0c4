//! What one Pedersen hash costs in the build at hand, Kraken's (pathfinder-crypto's
//! tables) beside starknet-types-core's, in one run: state-trie updates are Pedersen
//! hashes along every changed path, and they dominate a real node's sealing time.
//!   cargo run -p kraken-starknet --example pedersen_cost            (dev: dependencies at
//!       opt-level 2 with debug assertions, the build `make test` and `make run-local` use)
//!   cargo run -p kraken-starknet --example pedersen_cost --release

use std::time::Instant;

use kraken_starknet::{Felt, Pedersen, StarkHash};
use starknet_types_core::hash::Pedersen as TypesCore;

/// Microseconds per hash over a chain of `hashes`, and the chain's last value.
fn cost<H: StarkHash>(hashes: u64) -> (f64, Felt) {
    let mut acc = Felt::from(7u8);
    let start = Instant::now();
    for i in 0..hashes {
        acc = H::hash(&acc, &Felt::from(i));
    }
    (start.elapsed().as_secs_f64() * 1e6 / hashes as f64, acc)
}

fn main() {
    let hashes = 20_000u64;
    let profile = if cfg!(debug_assertions) { "dev" } else { "release" };
    let (ours, a) = cost::<Pedersen>(hashes);
    let (theirs, b) = cost::<TypesCore>(hashes);
    assert_eq!(a, b, "the two implementations disagree");
    println!("{profile}: {ours:.1} us per Pedersen hash (kraken), {theirs:.1} us (starknet-types-core), {:.2}x, over {hashes} hashes", theirs / ours);
}
