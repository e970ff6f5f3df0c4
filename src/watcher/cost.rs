//! The cost model of proving: how long one worker (one thread) takes to prove a trace of
//! `rows` × `columns`, which the simulator charges to its clock (real CPU time does not
//! pass there). Proving is dominated by the low-degree extension and its commitments,
//! `columns` FFTs and Merkle leaves over `rows × blowup` points, so the model is
//! `SECONDS_PER_POINT × columns × N × log2 N` with `N = rows × blowup`.
//!
//! Calibrated on the project's 2-core machine with `make bench-prove` (one thread,
//! 100-bit options), whose CSV prints the model beside each measurement (`model_s`):
//!
//! | trace | measured | model |
//! |---|---|---|
//! | 2^10 × 236 (empty block) | 0.401 s | 0.371 s |
//! | 2^12 × 268 (1 tx) | 1.860 s | 1.97 s |
//! | 2^14 × 232 (10 txs) | 7.72 s | 7.78 s |
//! | 2^18 × 226 (100 txs) | 173 s | 152 s (memory-bound there) |

use kraken_prover::ProofOptions;

/// Seconds per column per LDE point per level of its FFT, one thread (see above).
const SECONDS_PER_POINT: f64 = 3.2e-8;

/// Seconds one worker takes to prove a trace of `rows` × `columns` with `options`.
pub fn prove_seconds(rows: u64, columns: u64, options: &ProofOptions) -> f64 {
    let points = (rows * options.blowup() as u64).max(2) as f64;
    SECONDS_PER_POINT * columns as f64 * points * points.log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_tracks_its_calibration_points_and_a_wider_blowup_costs_more() {
        let o = ProofOptions::conjectured_100();
        for (rows, columns, measured) in [(1 << 10, 236, 0.401), (1 << 12, 268, 1.860), (1 << 14, 232, 7.724)] {
            let model = prove_seconds(rows, columns, &o);
            assert!((model / measured - 1.0).abs() < 0.1, "2^{} rows: model {model:.3} s, measured {measured} s", rows.trailing_zeros());
        }
        assert!(prove_seconds(1 << 14, 232, &ProofOptions::conjectured_128()) > 2.0 * prove_seconds(1 << 14, 232, &o));
    }
}
