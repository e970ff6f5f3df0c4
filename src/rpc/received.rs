//! Starknet hashes of the transactions this node's RPC admitted to the mempool, so that
//! their status reads RECEIVED until they are executed: the executed-transaction index
//! only learns a Starknet hash at execution. Bounded: the oldest hashes are forgotten
//! first (a transaction dropped before execution would otherwise stay RECEIVED forever).

use std::sync::{Arc, Mutex};

use crate::types::RecentSet;
use kraken_execution::Felt;

/// How many admitted hashes are remembered.
const CAPACITY: usize = 1 << 16;

#[derive(Clone)]
pub struct ReceivedTxs(Arc<Mutex<RecentSet<Felt>>>);

impl Default for ReceivedTxs {
    fn default() -> Self {
        ReceivedTxs(Arc::new(Mutex::new(RecentSet::new(CAPACITY))))
    }
}

impl ReceivedTxs {
    pub fn insert(&self, hash: Felt) {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(hash);
    }

    pub fn contains(&self, hash: &Felt) -> bool {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).contains(hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_most_recent_hashes() {
        let r = ReceivedTxs::default();
        for i in 0..CAPACITY as u64 + 10 {
            r.insert(Felt::from(i));
        }
        r.insert(Felt::from(20u64)); // already there: no second entry
        assert!(!r.contains(&Felt::from(0u64)) && !r.contains(&Felt::from(9u64)));
        assert!(r.contains(&Felt::from(10u64)) && r.contains(&Felt::from(CAPACITY as u64 + 9)));
    }
}
