//! The committee: who the validators are, their keys and where to reach them.
//! Any N >= 4 members tolerate f = floor((N - 1) / 3) faulty ones, and a quorum is
//! N - f: two quorums then share at least N - 2f >= f + 1 members, so at least one honest
//! member, whatever N is. (2f + 1 is that number only when N = 3f + 1: with N = 5 two sets
//! of 2f + 1 = 3 meet in one member, who may be the faulty one.)

use super::{Author, Hasher, KeyPair, PublicKey, Round};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: String,
    pub public_key: PublicKey,
    /// Node-to-node addresses. Usually one; a byzantine identity simulated as Twins has
    /// one per copy, and messages to the identity go to every copy.
    pub consensus: Vec<SocketAddr>,
    /// Where clients submit transactions and read commits (one per copy as well).
    pub client: Vec<SocketAddr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Committee {
    pub members: Vec<Member>,
    /// The leaders of rounds 1, 2, ... in order, round-robin after them. Empty in a
    /// deployment; a Twins scenario fixes the leaders of the rounds it schedules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaders: Vec<Author>,
}

#[derive(Debug, thiserror::Error)]
pub enum CommitteeError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: not a committee file: {source}")]
    Parse { path: String, source: serde_json::Error },
    #[error("committee has {0} members; BFT needs at least 4 (tolerating f = 1)")]
    TooSmall(usize),
    #[error("committee member {0} appears twice (same public key)")]
    DuplicateKey(String),
    #[error("committee member {0} has no consensus or client address")]
    NoAddress(String),
    #[error("the leader of round {round} is member {leader}, but the committee has {size}")]
    UnknownLeader { round: usize, leader: Author, size: usize },
}

impl Committee {
    /// Deterministic committee: member i gets the key derived from (seed, i) and the
    /// addresses `addr(i)` returns (consensus, client).
    pub fn generate(
        n: usize,
        seed: u64,
        addr: impl Fn(usize) -> (Vec<SocketAddr>, Vec<SocketAddr>),
    ) -> (Committee, Vec<KeyPair>) {
        let keys: Vec<KeyPair> = (0..n)
            .map(|i| {
                let d = Hasher::new("kraken/committee-key").u64(seed).u64(i as u64).finish();
                KeyPair::from_seed(d.0)
            })
            .collect();
        let members = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let (consensus, client) = addr(i);
                Member { name: format!("n{i}"), public_key: k.public(), consensus, client }
            })
            .collect();
        (Committee { members, leaders: Vec::new() }, keys)
    }

    pub fn load(path: &Path) -> Result<Self, CommitteeError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CommitteeError::Io { path: p.clone(), source })?;
        let c: Committee =
            serde_json::from_str(&text).map_err(|source| CommitteeError::Parse { path: p, source })?;
        c.validate()?;
        Ok(c)
    }

    pub fn validate(&self) -> Result<(), CommitteeError> {
        if self.members.len() < 4 {
            return Err(CommitteeError::TooSmall(self.members.len()));
        }
        for (i, m) in self.members.iter().enumerate() {
            if self.members[..i].iter().any(|o| o.public_key == m.public_key) {
                return Err(CommitteeError::DuplicateKey(m.name.clone()));
            }
            if m.consensus.is_empty() || m.client.is_empty() {
                return Err(CommitteeError::NoAddress(m.name.clone()));
            }
        }
        if let Some((i, &leader)) = self.leaders.iter().enumerate().find(|(_, l)| **l as usize >= self.size()) {
            return Err(CommitteeError::UnknownLeader { round: i + 1, leader, size: self.size() });
        }
        Ok(())
    }

    pub fn size(&self) -> usize {
        self.members.len()
    }

    /// Largest number of faulty members tolerated.
    pub fn f(&self) -> usize {
        (self.size() - 1) / 3
    }

    /// Votes needed for a certificate: N - f (see the module doc). Every place that
    /// counts votes, timeouts or signatures uses this one definition.
    pub fn quorum(&self) -> usize {
        self.size() - self.f()
    }

    /// The round's leader if a Twins schedule fixes it (`leaders`).
    pub fn scheduled_leader(&self, round: Round) -> Option<Author> {
        usize::try_from(round).ok().and_then(|r| r.checked_sub(1)).and_then(|i| self.leaders.get(i)).copied()
    }

    /// The round's leader under round-robin: the scheduled one, else member
    /// `round mod N`. (Consensus asks its `Election`, which may weigh reputation.)
    pub fn round_robin_leader(&self, round: Round) -> Author {
        self.scheduled_leader(round).unwrap_or((round % self.size() as u64) as Author)
    }

    pub fn member(&self, author: Author) -> Option<&Member> {
        self.members.get(author as usize)
    }

    pub fn key_of(&self, author: Author) -> Option<&PublicKey> {
        self.member(author).map(|m| &m.public_key)
    }

    pub fn author_of(&self, key: &PublicKey) -> Option<Author> {
        self.members.iter().position(|m| &m.public_key == key).map(|i| i as Author)
    }

    pub fn authors(&self) -> impl Iterator<Item = Author> {
        0..self.size() as Author
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(i: usize) -> (Vec<SocketAddr>, Vec<SocketAddr>) {
        let c = format!("127.0.0.1:{}", 7000 + i).parse().unwrap();
        let t = format!("127.0.0.1:{}", 7100 + i).parse().unwrap();
        (vec![c], vec![t])
    }

    #[test]
    fn quorum_sizes() {
        for (n, f, q) in [(4, 1, 3), (5, 1, 4), (6, 1, 5), (7, 2, 5), (8, 2, 6), (10, 3, 7), (100, 33, 67)] {
            let (c, _) = Committee::generate(n, 1, local);
            assert_eq!((c.f(), c.quorum()), (f, q), "n={n}");
        }
    }

    #[test]
    fn any_two_quorums_share_an_honest_member() {
        for n in 4..=100 {
            let (c, _) = Committee::generate(n, 1, local);
            // Two quorums overlap in at least 2q - n members; more than f of them means
            // at least one is honest.
            assert!(2 * c.quorum() - n > c.f(), "n={n}: quorums of {} can meet in faulty members only", c.quorum());
            // And the honest members alone can form a quorum (liveness).
            assert!(n - c.f() >= c.quorum(), "n={n}");
        }
    }

    #[test]
    fn generation_is_deterministic_and_json_roundtrips() {
        let (a, ka) = Committee::generate(4, 9, local);
        let (b, _) = Committee::generate(4, 9, local);
        assert_eq!(a, b);
        assert_eq!(a.author_of(&ka[2].public()), Some(2));
        let json = serde_json::to_string(&a).unwrap();
        let back: Committee = serde_json::from_str(&json).unwrap();
        assert_eq!(a, back);
        back.validate().unwrap();
    }

    #[test]
    fn rejects_small_and_duplicate_committees() {
        let (mut c, _) = Committee::generate(4, 1, local);
        c.members[3].public_key = c.members[0].public_key;
        assert!(matches!(c.validate(), Err(CommitteeError::DuplicateKey(_))));
        c.members.pop();
        assert!(matches!(c.validate(), Err(CommitteeError::TooSmall(3))));
    }

    #[test]
    fn scheduled_leaders_lead_their_rounds_then_round_robin() {
        let (mut c, _) = Committee::generate(4, 1, local);
        assert_eq!((1..=5).map(|r| c.round_robin_leader(r)).collect::<Vec<_>>(), vec![1, 2, 3, 0, 1]);
        c.leaders = vec![3, 3, 0];
        assert_eq!((0..=5).map(|r| c.round_robin_leader(r)).collect::<Vec<_>>(), vec![0, 3, 3, 0, 0, 1]);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Committee>(&json).unwrap(), c);
        c.validate().unwrap();
        c.leaders.push(4);
        assert!(matches!(c.validate(), Err(CommitteeError::UnknownLeader { round: 4, leader: 4, size: 4 })));
    }
}
