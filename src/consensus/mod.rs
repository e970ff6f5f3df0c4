//! Chained HotStuff with the 2-chain commit rule (DiemBFT v4 / Jolteon): leaders by
//! reputation or round-robin, votes and QCs, timeouts and TCs, a block synchronizer, and commit of batch
//! digests in order. One task (the [`core`]) owns all consensus state; the files around
//! it hold the pieces it is made of.

mod aggregator;
mod commit;
mod core;
mod election;
pub mod messages;
mod pacemaker;
mod safety;
mod signatures;
mod tree;

pub use self::core::{ConsensusParams, Core};
pub use commit::{CommitRecord, CommittedBlock};
pub use election::LeaderElection;
pub use messages::{check_quorum, ConsensusMessage, Invalid};
pub use safety::SafetyState;
pub use signatures::{CheckedSignatures, SignatureCheck};
pub use tree::{committed_tip, Tip};

#[cfg(all(test, madsim))]
mod tests;
