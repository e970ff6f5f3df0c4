//! Kraken: a Starknet stack whose real code also runs in a deterministic simulator.
