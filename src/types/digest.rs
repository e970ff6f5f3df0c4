//! 32-byte SHA-256 digests that identify blocks, batches, votes and transactions.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    pub fn of(bytes: &[u8]) -> Self {
        Digest(Sha256::digest(bytes).into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// First 8 bytes in hex: the id used in the simulator's event log.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..8])
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", &self.to_hex()[..12])
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_hex())
    }
}

/// Domain-separated incremental hashing, so that a vote digest can never be replayed
/// as a timeout digest or a block digest.
pub struct Hasher(Sha256);

impl Hasher {
    pub fn new(domain: &str) -> Self {
        let mut h = Sha256::new();
        h.update((domain.len() as u32).to_be_bytes());
        h.update(domain.as_bytes());
        Hasher(h)
    }

    pub fn u64(mut self, v: u64) -> Self {
        self.0.update(v.to_be_bytes());
        self
    }

    pub fn digest(mut self, d: &Digest) -> Self {
        self.0.update(d.0);
        self
    }

    pub fn bytes(mut self, b: &[u8]) -> Self {
        self.0.update((b.len() as u64).to_be_bytes());
        self.0.update(b);
        self
    }

    pub fn finish(self) -> Digest {
        Digest(self.0.finalize().into())
    }
}
