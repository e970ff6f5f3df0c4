//! Block certificates: what makes a block's hash trustworthy without trusting the node
//! that serves it. Every node, once it has executed block `n` itself, signs
//! `(n, block hash)` and sends the signature to its peers, which keep it. A quorum
//! (N - f) of committee signatures over the same hash is the block's certificate: at
//! most f members are faulty, so at least one honest node executed a block with that
//! hash at that height, and honest nodes execute the same committed blocks. The
//! watcher-prover fetches the certificate (`kraken_getBlockCertificate`) and proves only
//! certified blocks; a block that one lying node invents has no certificate.
//!
//! Ordering is certified by consensus (quorum certificates over consensus blocks);
//! this certifies the execution of what was ordered, which is what a block proof states.

mod collect;

pub use collect::{certificate, keep, spawn, Attest};

use kraken_execution::Felt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::consensus::Invalid;
use crate::types::{Author, Committee, Digest, Hasher, Height, KeyPair, Signature};

/// One node's signature over its executed block `height` with hash `block_hash`; the
/// signer is the peer whose envelope carried it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    pub height: Height,
    pub block_hash: Felt,
    pub signature: Signature,
}

impl crate::net::Wire for Attestation {
    /// Attestations belong to no round.
    fn round(&self) -> Option<crate::types::Round> {
        None
    }
}

/// What a member signs for a block.
pub fn attestation_digest(height: Height, block_hash: &Felt) -> Digest {
    Hasher::new("kraken/executed-block").u64(height).bytes(&block_hash.to_bytes_be()).finish()
}

impl Attestation {
    pub fn sign(height: Height, block_hash: Felt, key: &KeyPair) -> Self {
        Attestation { height, block_hash, signature: key.sign(&attestation_digest(height, &block_hash)) }
    }
}

/// A block's hash with the committee signatures over it that a node holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockCertificate {
    pub block_number: Height,
    pub block_hash: Felt,
    pub signatures: Vec<(Author, Signature)>,
}

/// Why a certificate is not one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NotCertified {
    #[error("the certificate of block {height} is malformed: {what}")]
    Malformed { height: Height, what: String },
    #[error("the certificate of block {height} does not hold: {why}")]
    Invalid { height: Height, why: Invalid },
}

impl BlockCertificate {
    /// Holds when a quorum of distinct committee members signed this hash at this height
    /// (any invalid signature in it refuses the whole certificate).
    pub fn verify(&self, committee: &Committee) -> Result<(), NotCertified> {
        let msg = attestation_digest(self.block_number, &self.block_hash);
        crate::consensus::check_quorum(committee, self.signatures.iter().map(|(a, s)| (*a, msg, s)), self.signatures.len())
            .map_err(|why| NotCertified::Invalid { height: self.block_number, why })
    }

    /// The `kraken_getBlockCertificate` answer.
    pub fn to_json(&self) -> Value {
        let signatures: Vec<Value> = self.signatures.iter().map(|(a, s)| json!({ "signer": a, "signature": format!("0x{}", hex::encode(s.0)) })).collect();
        json!({ "block_number": self.block_number, "block_hash": format!("{:#x}", self.block_hash), "signatures": signatures })
    }

    /// Reads a `kraken_getBlockCertificate` answer (it is checked by [`Self::verify`]).
    pub fn from_json(v: &Value, height: Height) -> Result<Self, NotCertified> {
        let bad = |what: &str| NotCertified::Malformed { height, what: what.to_string() };
        let block_number = v["block_number"].as_u64().ok_or_else(|| bad("no block_number"))?;
        if block_number != height {
            return Err(bad(&format!("it is of block {block_number}")));
        }
        let block_hash = v["block_hash"].as_str().and_then(|s| Felt::from_hex(s).ok()).ok_or_else(|| bad("block_hash is not a hex felt"))?;
        let list = v["signatures"].as_array().ok_or_else(|| bad("no signatures list"))?;
        let mut signatures = Vec::with_capacity(list.len());
        for s in list {
            let signer = s["signer"].as_u64().and_then(|a| Author::try_from(a).ok()).ok_or_else(|| bad("a signer is not a member index"))?;
            let bytes = s["signature"].as_str().and_then(|t| hex::decode(t.strip_prefix("0x").unwrap_or(t)).ok());
            let signature = bytes.and_then(|b| <[u8; 64]>::try_from(b).ok()).ok_or_else(|| bad("a signature is not 64 bytes of hex"))?;
            signatures.push((signer, Signature(signature)));
        }
        Ok(BlockCertificate { block_number, block_hash, signatures })
    }
}

#[cfg(test)]
mod tests;
