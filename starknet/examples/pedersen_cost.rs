//! What one Pedersen hash costs in the build at hand: state-trie updates are Pedersen
//! hashes along every changed path, and they dominate a real node's execution time.
//! Compare profiles side by side:
//!   cargo run -p kraken-starknet --example pedersen_cost            (dev: dependencies at
//!       opt-level 2 with debug assertions, the build `make test` and `make run-local` use)
//!   cargo run -p kraken-starknet --example pedersen_cost --release

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Pedersen, StarkHash};

fn main() {
    let hashes = 20_000u64;
    let mut acc = Felt::from(7u8);
    let start = std::time::Instant::now();
    for i in 0..hashes {
        acc = Pedersen::hash(&acc, &Felt::from(i));
    }
    let per_hash = start.elapsed().as_secs_f64() * 1e6 / hashes as f64;
    let profile = if cfg!(debug_assertions) { "dev" } else { "release" };
    println!("{profile}: {per_hash:.1} us per Pedersen hash over {hashes} hashes (chain ends {acc:#x})");
}
