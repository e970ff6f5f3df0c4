//! Every node-to-node message travels in an envelope signed by its sender, so the
//! receiver knows which committee member spoke before it decodes anything else. The
//! sequence number makes every envelope a node seals distinct (a request re-sent is a new
//! envelope), so a receiver can drop byte-identical copies as replays ([`ReplayGuard`]).

use crate::types::{Author, Digest, Hasher, KeyPair, PublicKey, Signature};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub from: Author,
    /// Per sender process: starts at its start time in microseconds (so a restarted
    /// node never repeats an earlier incarnation's numbers) and grows by one per envelope.
    pub seq: u64,
    #[serde(with = "crate::types::bytes")]
    pub body: Vec<u8>,
    pub signature: Signature,
}

impl Envelope {
    fn signed_digest(from: Author, seq: u64, body: &[u8]) -> Digest {
        Hasher::new("kraken/envelope").u64(from as u64).u64(seq).bytes(body).finish()
    }

    pub fn seal(from: Author, seq: u64, key: &KeyPair, body: Vec<u8>) -> Self {
        let signature = key.sign(&Self::signed_digest(from, seq, &body));
        Envelope { from, seq, body, signature }
    }

    pub fn verify(&self, key: &PublicKey) -> bool {
        key.verify(&Self::signed_digest(self.from, self.seq, &self.body), &self.signature)
    }

    /// What identifies this envelope for replay detection: one signature per (from, seq,
    /// body), so a copy has the same one and anything else does not verify.
    fn id(&self) -> (Author, Signature) {
        (self.from, self.signature)
    }
}

/// Remembers the last [`ReplayGuard::WINDOW`] envelopes of each sender and recognises
/// copies of them, before their signature is checked. Older replays get through to the
/// consensus and mempool filters, which drop stale messages cheaply.
#[derive(Default)]
pub struct ReplayGuard {
    seen: BTreeMap<Author, (BTreeSet<Signature>, VecDeque<Signature>)>,
}

impl ReplayGuard {
    pub const WINDOW: usize = 8_192;

    /// Whether this envelope was seen already (recording it if not).
    pub fn is_replay(&mut self, env: &Envelope) -> bool {
        let (from, sig) = env.id();
        let (set, order) = self.seen.entry(from).or_default();
        if !set.insert(sig) {
            return true;
        }
        order.push_back(sig);
        if order.len() > Self::WINDOW {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        false
    }

    /// Forgets a sender's envelope whose signature turned out bad, so a forged copy
    /// sent first cannot shadow the genuine one.
    pub fn forget(&mut self, env: &Envelope) {
        let (from, sig) = env.id();
        if let Some((set, _)) = self.seen.get_mut(&from) {
            set.remove(&sig);
        }
    }
}
