//! What a node's work costs its host's CPU. A real node pays for its work on its own
//! cores as it does it, so it is `Unmetered`. In the simulator work takes no simulated
//! time at all, so the testbed supplies a `Cpu` that holds the clock for what a
//! calibrated cost model says the work costs on the host's cores: that is what lets the
//! simulator see where a cluster's execution saturates.
//!
//! The node asks before it does the work, so the work's results appear when its time
//! has passed.

use futures_util::future::BoxFuture;

/// Work whose CPU time the node reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// Handling one authenticated message from a peer (a proposal, a vote, a batch, an
    /// attestation...): its signatures and what the component does with it. Per block,
    /// these are what a node spends whatever the block holds.
    PeerMessage,
    /// Executing one committed block of `txs` transactions: what a block with
    /// transactions costs beyond an empty one, and everything the node does per
    /// transaction it orders.
    ExecuteBlock { txs: usize },
    /// Screening one submitted transaction (Starknet's `__validate__`).
    Admit,
}

/// A host's CPU as the node's tasks see it.
pub trait Cpu: Send + Sync {
    /// Completes once `work` has had its CPU time.
    fn spend(&self, work: Work) -> BoxFuture<'static, ()>;
}

/// A real host: the work took its time as it was done.
pub struct Unmetered;

impl Cpu for Unmetered {
    fn spend(&self, _work: Work) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }
}
