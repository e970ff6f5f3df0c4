//! What a load did: transactions sent, admitted, refused (by reason) and included, and
//! how long each took from submission to its receipt.

use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Default, Debug)]
pub struct Tally {
    pub sent: u64,
    /// Send times that found every account with a transaction in flight.
    pub skipped: u64,
    pub accepted: u64,
    /// Refusals at submission, by reason.
    pub rejected: BTreeMap<String, u64>,
    pub succeeded: u64,
    pub reverted: u64,
    /// Included while the load was still sending.
    pub included_in_window: u64,
    /// Admitted, then never included: rejected at execution, or no receipt in time.
    pub lost: u64,
    pub latencies_ms: Vec<f64>,
    /// The last error talking to a node (not a refusal).
    pub last_error: Option<String>,
}

impl Tally {
    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }

    pub fn included(&self) -> u64 {
        self.succeeded + self.reverted
    }

    pub fn refused(&mut self, reason: String) {
        *self.rejected.entry(reason).or_default() += 1;
    }

    /// Transactions included per second of sending.
    pub fn included_rate(&self, sending: Duration) -> f64 {
        self.included_in_window as f64 / sending.as_secs_f64()
    }

    pub fn latency(&self) -> Latency {
        Latency::of(&self.latencies_ms)
    }
}

/// Percentiles of a set of latencies, in milliseconds (NaN when there are none).
#[derive(Clone, Copy, Debug)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Latency {
    pub fn of(ms: &[f64]) -> Latency {
        let mut sorted = ms.to_vec();
        sorted.sort_by(f64::total_cmp);
        Latency {
            p50: percentile(&sorted, 0.5),
            p90: percentile(&sorted, 0.9),
            p99: percentile(&sorted, 0.99),
            max: sorted.last().copied().unwrap_or(f64::NAN),
        }
    }
}

/// The percentile `p` (0..=1) of sorted values: the one at the rounded rank
/// `(n - 1) p`; NaN for none.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_at_the_rounded_rank_and_nan_when_empty() {
        let l = Latency::of(&[5.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!((l.p50, l.p90, l.p99, l.max), (3.0, 5.0, 5.0, 5.0));
        assert!(Latency::of(&[]).p50.is_nan());
        let l = Latency::of(&(1..=100).map(f64::from).collect::<Vec<_>>());
        assert_eq!((l.p50, l.p90, l.p99), (51.0, 90.0, 99.0));
    }
}
