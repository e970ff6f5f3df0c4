//! Every node-to-node message travels in an envelope sealed by its sender for one peer,
//! with a MAC under the key the two share ([`super::link_keys`]), so the receiver knows
//! which committee member spoke before it decodes anything else. The sequence number
//! makes every envelope a node seals distinct (a request re-sent is a new envelope), so
//! a receiver can drop byte-identical copies as replays ([`ReplayGuard`]).

use super::link_keys::LinkKey;
use crate::types::{Author, RecentSet};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;

/// An envelope's MAC: HMAC-SHA256 over the sender, the receiver, the sequence number
/// and the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag([u8; 32]);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub from: Author,
    /// Per sender process: starts at its start time in microseconds (so a restarted
    /// node never repeats an earlier incarnation's numbers) and grows by one per message.
    pub seq: u64,
    #[serde(with = "crate::types::bytes")]
    pub body: Vec<u8>,
    pub tag: Tag,
}

impl Envelope {
    fn mac(key: &LinkKey, from: Author, to: Author, seq: u64, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes a key of any length");
        mac.update(b"kraken/envelope");
        mac.update(&from.to_be_bytes());
        mac.update(&to.to_be_bytes());
        mac.update(&seq.to_be_bytes());
        mac.update(body);
        mac
    }

    /// `body` from `from` to `to`, under the key the two share (see
    /// [`super::LinkKeys::seal`], which picks it).
    pub fn seal(from: Author, to: Author, seq: u64, key: &LinkKey, body: Vec<u8>) -> Self {
        let tag = Tag(Self::mac(key, from, to, seq, &body).finalize().into_bytes().into());
        Envelope { from, seq, body, tag }
    }

    /// Whether this envelope was sealed for `to` by the other holder of `key`, as it
    /// stands (compared in constant time).
    pub fn verify(&self, to: Author, key: &LinkKey) -> bool {
        Self::mac(key, self.from, to, self.seq, &self.body).verify_slice(&self.tag.0).is_ok()
    }

    /// What identifies this envelope for replay detection: one tag per (from, seq,
    /// body), so a copy has the same one and anything else does not verify.
    fn id(&self) -> (Author, Tag) {
        (self.from, self.tag)
    }
}

/// Remembers the last [`ReplayGuard::WINDOW`] authenticated envelopes of each sender and
/// recognises copies of them (a network attacker can resend what it saw). Older replays
/// get through to the consensus and mempool filters, which drop stale messages cheaply.
#[derive(Default)]
pub struct ReplayGuard {
    seen: BTreeMap<Author, RecentSet<Tag>>,
}

impl ReplayGuard {
    pub const WINDOW: usize = 8_192;

    /// Whether this envelope was seen already (recording it if not).
    pub fn is_replay(&mut self, env: &Envelope) -> bool {
        let (from, tag) = env.id();
        !self.seen.entry(from).or_insert_with(|| RecentSet::new(Self::WINDOW)).insert(tag)
    }
}
