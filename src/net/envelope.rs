//! Every node-to-node message travels in an envelope signed by its sender, so the
//! receiver knows which committee member spoke before it decodes anything else.

use crate::types::{Author, Hasher, KeyPair, PublicKey, Signature};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub from: Author,
    #[serde(with = "crate::types::bytes")]
    pub body: Vec<u8>,
    pub signature: Signature,
}

impl Envelope {
    fn signed_digest(from: Author, body: &[u8]) -> crate::types::Digest {
        Hasher::new("kraken/envelope").u64(from as u64).bytes(body).finish()
    }

    pub fn seal(from: Author, key: &KeyPair, body: Vec<u8>) -> Self {
        let signature = key.sign(&Self::signed_digest(from, &body));
        Envelope { from, body, signature }
    }

    pub fn verify(&self, key: &PublicKey) -> bool {
        key.verify(&Self::signed_digest(self.from, &self.body), &self.signature)
    }
}
