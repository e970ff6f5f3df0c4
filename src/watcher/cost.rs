//! The cost model of proving: how long one worker (one thread) takes to prove a trace of
//! `rows` × `columns`, which the simulator charges to its clock (real CPU time does not
//! pass there). Proving is dominated by the low-degree extension and its commitments,
//! `columns` FFTs and Merkle leaves over `rows × blowup` points, so the model is
//! `FIXED_SECONDS + SECONDS_PER_POINT × columns × N × log2 N` with `N = rows × blowup`.
//!
//! Calibrated on the project's 2-core machine, one thread, 100-bit options, fitted to the
//! smallest and largest of these (`target/real/debug/kraken bench-prove-blocks --sizes
//! 0,1,2,4,10 --threads 1`, whose CSV prints the model beside each measurement,
//! `model_s`):
//!
//! | trace | measured | model |
//! |---|---|---|
//! | 2^10 × 236 (empty block) | 0.388 s | 0.388 s |
//! | 2^12 × 268 (1 and 2 txs) | 1.689, 1.721 s | 1.69 s |
//! | 2^13 × 244 (4 txs) | 3.206 s | 3.22 s |
//! | 2^14 × 232 (10 txs) | 6.437 s | 6.44 s |
//!
//! Beyond it the model is low: a 2^18-row trace (100 txs) took 173 s, the model says
//! 124 s (memory-bound there).
//!
//! The constants follow that machine on that day; the same command elsewhere ends with
//! `cost_scale = X` (measured ÷ model), which a scenario's `[prover] cost_scale` charges.

use kraken_prover::ProofOptions;

/// Seconds per column per LDE point per level of its FFT, one thread (see above).
const SECONDS_PER_POINT: f64 = 2.61e-8;
/// What a proof costs whatever its size (running the program, building the trace).
const FIXED_SECONDS: f64 = 0.085;

/// Seconds one worker takes to prove a trace of `rows` × `columns` with `options`.
pub fn prove_seconds(rows: u64, columns: u64, options: &ProofOptions) -> f64 {
    let points = (rows * options.blowup() as u64).max(2) as f64;
    FIXED_SECONDS + SECONDS_PER_POINT * columns as f64 * points * points.log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_tracks_its_calibration_points_and_a_wider_blowup_costs_more() {
        let o = ProofOptions::conjectured_100();
        for (rows, columns, measured) in [(1 << 10, 236, 0.388), (1 << 12, 268, 1.689), (1 << 13, 244, 3.206), (1 << 14, 232, 6.437)] {
            let model = prove_seconds(rows, columns, &o);
            assert!((model / measured - 1.0).abs() < 0.05, "2^{} rows: model {model:.3} s, measured {measured} s", rows.trailing_zeros());
        }
        assert!(prove_seconds(1 << 14, 232, &ProofOptions::conjectured_128()) > 2.0 * prove_seconds(1 << 14, 232, &o));
    }
}
