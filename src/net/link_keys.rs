//! The keys that authenticate envelopes: one secret per pair of members, agreed from
//! their committee keys alone (static X25519, no handshake), so a member seals each
//! envelope for one peer with a MAC where it once signed it. The receiver knows the
//! sender as surely as from a signature (nobody else holds the pair's key) at about a
//! microsecond instead of an Ed25519 verification's 50. What a member must be able to
//! prove to third parties (blocks, votes, timeouts, certificates) stays signed.

use super::envelope::Envelope;
use crate::types::{Author, Committee, Hasher, KeyPair};
use std::collections::BTreeMap;

/// The secret two members share.
#[derive(Clone)]
pub struct LinkKey(pub(super) [u8; 32]);

/// This member's key with every other member.
pub struct LinkKeys {
    me: Author,
    peers: BTreeMap<Author, LinkKey>,
}

impl LinkKeys {
    /// `me`'s keys, from its secret `key` and every other member's public key; an error
    /// names a member whose key is of small order (no secret can be shared with it).
    pub fn derive(committee: &Committee, me: Author, key: &KeyPair) -> Result<Self, String> {
        let mut peers = BTreeMap::new();
        for peer in committee.authors().filter(|a| *a != me) {
            let public = committee.key_of(peer).expect("author from committee");
            let shared = key
                .shared_secret(public)
                .ok_or_else(|| format!("member {peer}'s public key is of small order: no link key can be agreed with it"))?;
            // Both sides hash the same bytes: the secret and the pair's keys in key order.
            let (low, high) = if *public < key.public() { (*public, key.public()) } else { (key.public(), *public) };
            let digest = Hasher::new("kraken/link-key").bytes(&shared).bytes(&low.to_bytes()).bytes(&high.to_bytes()).finish();
            peers.insert(peer, LinkKey(digest.0));
        }
        Ok(LinkKeys { me, peers })
    }

    pub fn me(&self) -> Author {
        self.me
    }

    /// The key shared with `peer`; `None` for anyone who is not another member.
    pub fn with(&self, peer: Author) -> Option<&LinkKey> {
        self.peers.get(&peer)
    }

    /// `body` sealed for member `to`; `None` if `to` is not another member.
    pub fn seal(&self, to: Author, seq: u64, body: Vec<u8>) -> Option<Envelope> {
        Some(Envelope::seal(self.me, to, seq, self.with(to)?, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ends_of_a_link_hold_the_same_key_and_no_other_pair_does() {
        let (committee, keys) = Committee::generate(4, 7, |_| (vec![], vec![]));
        let links: Vec<LinkKeys> = (0..4).map(|i| LinkKeys::derive(&committee, i, &keys[i as usize]).unwrap()).collect();
        for a in 0..4u32 {
            assert!(links[a as usize].with(a).is_none(), "no key with oneself");
            for b in (0..4u32).filter(|b| *b != a) {
                assert_eq!(links[a as usize].with(b).unwrap().0, links[b as usize].with(a).unwrap().0);
            }
        }
        assert_ne!(links[0].with(1).unwrap().0, links[0].with(2).unwrap().0);
        assert_ne!(links[0].with(1).unwrap().0, links[2].with(3).unwrap().0);
        assert!(links[0].with(4).is_none() && links[0].seal(4, 1, vec![]).is_none());
    }
}
