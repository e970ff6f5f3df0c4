//! Node parameters: from the `[node]` table of a scenario, or a node's config file.

use crate::chain::ChainSettings;
use crate::consensus::ConsensusParams;
use crate::mempool::MempoolParams;
use crate::storage::StorageParams;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NodeConfig {
    pub consensus: ConsensusParams,
    pub mempool: MempoolParams,
    pub storage: StorageParams,
    /// Execute committed blocks as Starknet transactions; absent, the node orders
    /// opaque transactions only (consensus benchmarks).
    pub execution: Option<ChainSettings>,
}

impl NodeConfig {
    /// Settings that parse but cannot work together, named by their keys.
    pub fn check(&self) -> Result<(), String> {
        let c = &self.consensus;
        if c.min_block_ms >= c.timeout_ms {
            return Err(format!(
                "consensus.min_block_ms = {} must be below consensus.timeout_ms = {}: every round would time out before its leader proposes",
                c.min_block_ms, c.timeout_ms
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacing_at_or_past_the_round_timeout_is_refused_by_name() {
        let mut config = NodeConfig::default();
        assert_eq!(config.check(), Ok(()));
        config.consensus.timeout_ms = 200;
        config.consensus.min_block_ms = 200;
        let e = config.check().unwrap_err();
        assert!(e.contains("consensus.min_block_ms = 200") && e.contains("consensus.timeout_ms = 200"), "{e}");
        config.consensus.min_block_ms = 199;
        assert_eq!(config.check(), Ok(()));
    }
}
