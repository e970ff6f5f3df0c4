//! kraken-prover: see ARCHITECTURE.md.
