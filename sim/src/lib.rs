//! kraken-sim: see ARCHITECTURE.md.
