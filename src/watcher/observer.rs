//! What the watcher-prover reports as it goes: Prometheus metrics in the real build
//! (`metrics.rs`), the run's history in the simulator (`testbed/prover.rs`). Reports
//! only; nothing here steers the prover.

use super::record::ProofRecord;

pub trait ProverObserver: Send + Sync {
    /// The chain's latest block, as the nodes said.
    fn tip(&self, tip: u64);
    /// Ranges being proved now.
    fn in_flight(&self, n: usize);
    /// Proving of `first..=last` began.
    fn started(&self, first: u64, last: u64);
    /// A proof is stored; `stored` is what the store gave back when read, and every
    /// block up to `proved_height` now is proved.
    fn proved(&self, record: &ProofRecord, stored: &[u8], proved_height: u64);
    /// The block program refuses `first..=last`; they stay unproved.
    fn refused(&self, first: u64, last: u64, reason: &str);
    /// A node served `first..=last` other than the committee certified them; refused,
    /// they are asked of the next node.
    fn uncertified(&self, first: u64, last: u64, reason: &str);
}
