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
