//! The offered load: a piecewise-constant transaction rate, the transaction size, an
//! opaque workload mix that the system interprets, and how the clients behave beyond
//! sending each transaction once (resubmitting, submitting to two nodes at once).

use std::collections::BTreeMap;
use std::time::Duration;

/// `[load] resubmit_after` when not given.
pub const DEFAULT_RESUBMIT_AFTER: Duration = Duration::from_secs(2);

/// One piece of the offered rate: `rate` tx/s from `at` until the next phase.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LoadPhase {
    /// Start of the phase, from the start of the run.
    pub at: Duration,
    /// Offered transactions per second.
    pub rate: f64,
}

/// The `[load]` table.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LoadSpec {
    /// Sorted phases, the first at 0s (a constant `rate` is one phase).
    pub phases: Vec<LoadPhase>,
    /// Bytes per transaction.
    pub tx_size: usize,
    /// Workload weights, opaque to the simulator.
    pub mix: BTreeMap<String, u64>,
    /// Share of transactions the client sends again, to another node, when it has not
    /// seen them committed `resubmit_after` after sending them.
    pub resubmit: f64,
    /// How long the client waits before resubmitting.
    pub resubmit_after: Duration,
    /// Share of transactions the client sends to two nodes at once.
    pub duplicate: f64,
}

impl Default for LoadSpec {
    fn default() -> Self {
        LoadSpec {
            phases: vec![LoadPhase {
                at: Duration::ZERO,
                rate: 0.0,
            }],
            tx_size: 512,
            mix: BTreeMap::new(),
            resubmit: 0.0,
            resubmit_after: DEFAULT_RESUBMIT_AFTER,
            duplicate: 0.0,
        }
    }
}

impl LoadSpec {
    /// Offered rate (tx/s) at time `t` from the start of the run.
    pub fn rate_at(&self, t: Duration) -> f64 {
        self.phases
            .iter()
            .take_while(|p| p.at <= t)
            .last()
            .map_or(0.0, |p| p.rate)
    }

    /// Every send time in `[0, until)`: each phase paced evenly at its rate from its
    /// start (computed per phase, so rounding never drifts across phases).
    pub fn send_times(&self, until: Duration) -> Vec<Duration> {
        let mut times = Vec::new();
        for (i, phase) in self.phases.iter().enumerate() {
            let end = self
                .phases
                .get(i + 1)
                .map_or(until, |next| next.at.min(until));
            if phase.rate <= 0.0 {
                continue;
            }
            for k in 0u64.. {
                // A rate so low that the next send lies past any representable time
                // ends the phase.
                let Ok(offset) = Duration::try_from_secs_f64(k as f64 / phase.rate) else {
                    break;
                };
                match phase.at.checked_add(offset) {
                    Some(t) if t < end => times.push(t),
                    _ => break,
                }
            }
        }
        times
    }

    /// How many sends `send_times(until)` plans, to within one per phase.
    pub fn offered(&self, until: Duration) -> f64 {
        self.phases
            .iter()
            .enumerate()
            .map(|(i, phase)| {
                let end = self
                    .phases
                    .get(i + 1)
                    .map_or(until, |next| next.at.min(until));
                phase.rate * end.saturating_sub(phase.at).as_secs_f64()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phased() -> LoadSpec {
        LoadSpec {
            phases: vec![
                LoadPhase {
                    at: Duration::ZERO,
                    rate: 10.0,
                },
                LoadPhase {
                    at: Duration::from_secs(2),
                    rate: 0.0,
                },
                LoadPhase {
                    at: Duration::from_secs(3),
                    rate: 100.0,
                },
            ],
            ..LoadSpec::default()
        }
    }

    #[test]
    fn rate_follows_phases() {
        let load = phased();
        assert_eq!(load.rate_at(Duration::from_millis(1999)), 10.0);
        assert_eq!(load.rate_at(Duration::from_secs(2)), 0.0);
        assert_eq!(load.rate_at(Duration::from_secs(9)), 100.0);
    }

    #[test]
    fn send_times_match_rates() {
        let times = phased().send_times(Duration::from_secs(4));
        assert_eq!(
            times
                .iter()
                .filter(|t| **t < Duration::from_secs(2))
                .count(),
            20
        );
        assert_eq!(
            times
                .iter()
                .filter(|t| **t >= Duration::from_secs(2) && **t < Duration::from_secs(3))
                .count(),
            0
        );
        assert_eq!(
            times
                .iter()
                .filter(|t| **t >= Duration::from_secs(3))
                .count(),
            100
        );
        assert!(LoadSpec::default()
            .send_times(Duration::from_secs(10))
            .is_empty());
        assert_eq!(phased().offered(Duration::from_secs(4)), 120.0);
    }

    #[test]
    fn a_vanishing_rate_sends_once() {
        for rate in [f64::MIN_POSITIVE, 1e-300, 5e-324] {
            let load = LoadSpec {
                phases: vec![LoadPhase {
                    at: Duration::ZERO,
                    rate,
                }],
                ..LoadSpec::default()
            };
            assert_eq!(
                load.send_times(Duration::from_secs(3600)),
                [Duration::ZERO],
                "{rate}"
            );
        }
    }
}
