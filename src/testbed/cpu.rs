//! What the node's work costs the simulated hosts' CPU (the scenario's `[cpu]` table):
//! the cost model, calibrated on a real cluster and committed as `cpu_costs.toml`, and
//! the node's `Cpu` that charges it to the host's cores on the simulated clock.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use kraken_sim::cpu::Cores;
use serde::Deserialize;

use crate::cpu::{Cpu, Work};

/// Microseconds of one core per unit of work (see `cpu_costs.toml` for what each covers
/// and how it was measured).
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostModel {
    pub message_us: f64,
    pub busy_block_us: f64,
    pub tx_us: f64,
    pub admit_us: f64,
    pub client_tx_us: f64,
}

impl CostModel {
    /// The committed calibration.
    pub fn calibrated() -> CostModel {
        toml::from_str(include_str!("cpu_costs.toml")).expect("src/testbed/cpu_costs.toml is a valid cost model")
    }

    /// CPU time of `work`, times `scale`.
    pub fn cost(&self, work: Work, scale: f64) -> Duration {
        let us = match work {
            Work::PeerMessage => self.message_us,
            Work::ExecuteBlock { txs: 0 } => 0.0,
            Work::ExecuteBlock { txs } => self.busy_block_us + txs as f64 * self.tx_us,
            Work::Admit => self.admit_us,
        };
        Duration::from_secs_f64(us * scale / 1e6)
    }

    /// The load client's CPU time for one transaction, times `scale`.
    pub fn client_tx(&self, scale: f64) -> Duration {
        Duration::from_secs_f64(self.client_tx_us * scale / 1e6)
    }
}

/// A simulated node's CPU: each piece of work waits for a core of its host for as long
/// as the model says.
pub struct SimCpu {
    pub cores: Arc<Cores>,
    pub scale: f64,
    pub model: CostModel,
}

impl Cpu for SimCpu {
    fn spend(&self, work: Work) -> BoxFuture<'static, ()> {
        let (cores, time) = (self.cores.clone(), self.model.cost(work, self.scale));
        Box::pin(async move { cores.run(time).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_calibration_parses_and_a_block_costs_more_with_more_transactions() {
        let model = CostModel::calibrated();
        assert!(model.cost(Work::PeerMessage, 1.0) > Duration::ZERO);
        let one = model.cost(Work::ExecuteBlock { txs: 1 }, 1.0);
        let full = model.cost(Work::ExecuteBlock { txs: 100 }, 1.0);
        assert!(one > Duration::ZERO && full > one);
        assert_eq!(model.cost(Work::ExecuteBlock { txs: 100 }, 2.0), full * 2);
        assert!(model.cost(Work::Admit, 1.0) > Duration::ZERO && model.client_tx(1.0) > Duration::ZERO);
    }
}
