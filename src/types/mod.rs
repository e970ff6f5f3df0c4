//! Data types shared by every part of the node: digests, keys, transactions, committee.

pub(crate) mod bounded;
pub(crate) mod bytes;
mod committee;
mod crypto;
mod digest;
mod recent;
mod tx;

pub use committee::{Committee, CommitteeError, Member};
pub use crypto::{KeyPair, PublicKey, Signature};
pub use digest::{Digest, Hasher};
pub use recent::RecentSet;
pub use tx::{Batch, Tx, TxId};

/// A consensus round (view). Round 0 belongs to genesis.
pub type Round = u64;
/// Position of a block in the committed chain. Genesis has height 0.
pub type Height = u64;
/// Index of a committee member. Twins share their identity's index.
pub type Author = u32;
