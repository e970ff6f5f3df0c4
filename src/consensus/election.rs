//! Who leads a round: round-robin, or leader reputation (DiemBFT v4, Aptos'
//! `LeaderReputation`), which avoids members that failed recently.
//!
//! Under reputation the leader of round r, for a block extending `parent`, is a seeded
//! weighted choice over the members. The weights come from each member's most recent
//! record on the chain ending at `parent`: a member whose last led round left no block
//! on that chain is *failed* (weight [`FAILED`]) for a while; any other, including one
//! with no record in the last `200 × n` blocks, is *active* ([`ACTIVE`]) (Aptos'
//! weights). The rounds between `parent`'s and r count too: their leaders (chosen the
//! same way) left no block on this chain, so a leader that just timed out is not chosen
//! again for the next round. A failed member is tried again
//! after `10 × n` blocks, twice that after a second failure in a row, and so on up to
//! `100 × n`: a dead member costs a timeout ever more rarely, a recovered one is soon
//! back in turn (and proposes the batches only it may hold).
//!
//! Aptos has a third, *inactive* class: members that neither proposed nor signed a
//! recent QC. Here a QC's signatures are not part of a block's identity (any quorum
//! certifies the same block, and a relay may carry another one), so two nodes can hold
//! one block with different signers: counting them made nodes disagree on leaders (the
//! Twins enumeration's `blameless` checker caught an honest proposal refused for its
//! author). Without signers, "proposed nothing lately" cannot tell an idle member from an
//! absent one, and weighing it down starved every member but the first proposer; so only
//! what the block's digest binds (author, round, parent) enters, and no record is active.
//!
//! That a round's failure is its leader's needs every node to see each certified
//! block: under reputation votes go to every member (each forms the QC), not to the
//! next leader only, else a dead next leader would swallow the votes for the round
//! before and its failure would be charged to that round's (live) leader.
//!
//! Agreement: the leader is a function of the round and the chain the block extends,
//! not of what a node happens to have committed, so every node checking a proposal
//! computes the same leader from the same block; an honest proposal is never refused for
//! its author. Nodes holding different high QCs may expect different leaders for one
//! round; both proposals are then valid, and one vote a round keeps that a question of
//! liveness, never of safety. The seed is the round alone, so a proposer cannot grind its
//! block to pick the next leader.
//!
//! A chain with no block yet (at genesis) falls back to round-robin, and
//! rounds a Twins schedule fixes keep their scheduled leader under either policy.

use super::messages::Block;
use crate::storage::{Store, StoreError, Table};
use crate::types::{Author, Committee, Digest, Hasher, Height, Round};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How leaders are chosen. Every member must use the same: a member that differs
/// refuses its peers' proposals (a loss of liveness, never of safety).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeaderElection {
    #[default]
    Reputation,
    RoundRobin,
}

/// How far back (blocks per member) a member's record is read: twice the longest wait,
/// so a dead member's run of failures is still counted whole when it is tried again.
const LOOKBACK_PER_MEMBER: usize = 200;
/// After one failure a member stays out this many blocks per member; each further
/// failure in a row doubles it, up to `MAX_WAIT_PER_MEMBER`.
const RETRY_PER_MEMBER: usize = 10;
const MAX_WAIT_PER_MEMBER: usize = 100;
pub const ACTIVE: u64 = 1_000;
pub const FAILED: u64 = 1;

/// A member's latest run of failed rounds on a chain, newest first.
#[derive(Clone, Copy, Default)]
struct Recent {
    /// Failures in a row since its last proposal.
    failures: u32,
    /// Blocks back to the most recent of them.
    failed_ago: usize,
    /// A proposal ends the run (older records do not matter).
    settled: bool,
}

impl Recent {
    fn note(&mut self, proposed: bool, blocks_back: usize) {
        if self.settled {
            return;
        }
        if proposed {
            self.settled = true;
        } else {
            if self.failures == 0 {
                self.failed_ago = blocks_back;
            }
            self.failures += 1;
        }
    }
}

/// What the election keeps of a block: enough to weigh its window without the block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    height: Height,
    round: Round,
    parent: Digest,
    author: Author,
    /// Leaders of the rounds between the parent's and this block's, which produced no
    /// block on this chain (the last N of them: enough to mark every member).
    failed: Vec<Author>,
}

pub struct Election {
    committee: Arc<Committee>,
    policy: LeaderElection,
    store: Store,
    lookback: usize,
    genesis: Digest,
    /// Entries of recent blocks; older ones are read back from the store (where each is
    /// written the first time it is computed) or recomputed from the block.
    entries: BTreeMap<Digest, Entry>,
    /// For a block, the leaders of the rounds after it, in order, as far as asked.
    after: BTreeMap<Digest, Vec<Author>>,
}

impl Election {
    pub fn new(committee: Arc<Committee>, policy: LeaderElection, store: Store) -> Self {
        let lookback = LOOKBACK_PER_MEMBER * committee.size();
        Election { committee, policy, store, lookback, genesis: Block::genesis().digest(), entries: BTreeMap::new(), after: BTreeMap::new() }
    }

    /// The leader of `round` for a block extending `parent`; `None` when `parent` is not
    /// a block this node holds (or `round` does not follow it).
    pub fn leader(&mut self, round: Round, parent: &Digest) -> Result<Option<Author>, StoreError> {
        if let Some(scheduled) = self.committee.scheduled_leader(round) {
            return Ok(Some(scheduled));
        }
        if self.policy == LeaderElection::RoundRobin {
            return Ok(Some(self.committee.round_robin_leader(round)));
        }
        self.leaders_after(parent, round)
    }

    /// The leaders of the rounds after `parent`'s up to `round` (kept in `after`), and
    /// the last of them.
    fn leaders_after(&mut self, parent: &Digest, round: Round) -> Result<Option<Author>, StoreError> {
        let Some(p) = self.entry(parent)? else { return Ok(None) };
        let Some(i) = round.checked_sub(p.round + 1) else { return Ok(None) };
        let i = usize::try_from(i).unwrap_or(usize::MAX);
        // Taken out while `choose` (which needs `self`) extends it, and always put back.
        let mut known = self.after.remove(parent).unwrap_or_default();
        while known.len() <= i {
            let r = p.round + 1 + known.len() as Round;
            match self.choose(r, parent, &known) {
                Ok(a) => known.push(a),
                Err(e) => {
                    self.after.insert(*parent, known);
                    return Err(e);
                }
            }
        }
        let leader = known.get(i).copied();
        self.after.insert(*parent, known);
        Ok(leader)
    }

    /// Forgets what only blocks at or below `height` could need: the leaders after them
    /// (nothing extends them any more) and entries further back than any window reaches.
    pub fn prune(&mut self, height: Height) {
        let entries = &self.entries;
        self.after.retain(|d, _| entries.get(d).is_none_or(|e| e.height >= height));
        let keep_from = height.saturating_sub(self.lookback as Height);
        self.entries.retain(|_, e| e.height >= keep_from);
    }

    /// The leader of `round` for a block extending `parent`, when every round between
    /// them failed under the leaders `gap_leaders`.
    fn choose(&mut self, round: Round, parent: &Digest, gap_leaders: &[Author]) -> Result<Author, StoreError> {
        if let Some(scheduled) = self.committee.scheduled_leader(round) {
            return Ok(scheduled);
        }
        // Each member's record on this chain, newest first: the gap's failures, then each
        // block's proposal and the failures just before it; read until every member's
        // latest run of failures has ended in a proposal, or the lookback is spent.
        let n = self.committee.size();
        let mut records: Vec<Recent> = vec![Recent::default(); n];
        // (The last `lookback` of them: a gap that long already marks whoever failed.)
        for &a in gap_leaders.iter().rev().take(self.lookback) {
            if let Some(r) = records.get_mut(a as usize) {
                r.note(false, 0);
            }
        }
        let mut cur = *parent;
        let mut blocks = 0;
        while blocks < self.lookback && records.iter().any(|r| !r.settled) {
            let Some(e) = self.entry(&cur)? else { break };
            if e.height == 0 {
                break;
            }
            if let Some(r) = records.get_mut(e.author as usize) {
                r.note(true, blocks);
            }
            for &a in e.failed.iter().rev() {
                if let Some(r) = records.get_mut(a as usize) {
                    r.note(false, blocks);
                }
            }
            blocks += 1;
            cur = e.parent;
        }
        if records.iter().all(|r| r.failures == 0 && !r.settled) {
            return Ok(self.committee.round_robin_leader(round));
        }
        let base = RETRY_PER_MEMBER * n;
        let weights: Vec<u64> = records
            .iter()
            .map(|r| {
                // A member out after its k-th failure in a row is tried again after
                // base × 2^(k-1) blocks (at most the longest wait): a dead one costs a
                // timeout ever more rarely, a recovered one is soon back in turn.
                let wait = base.saturating_mul(1 << r.failures.saturating_sub(1).min(16)).min(MAX_WAIT_PER_MEMBER * n);
                if r.failures > 0 && r.failed_ago < wait { FAILED } else { ACTIVE }
            })
            .collect();
        Ok(weighted_choice(&weights, round))
    }

    /// The entry of a block this node holds: cached, stored, or computed from the block
    /// and its ancestors' entries (oldest first, so no recursion however far back).
    fn entry(&mut self, d: &Digest) -> Result<Option<Entry>, StoreError> {
        if let Some(e) = self.entries.get(d) {
            return Ok(Some(e.clone()));
        }
        let mut missing = Vec::new();
        let mut cur = *d;
        loop {
            if let Some(e) = self.known_entry(&cur)? {
                self.entries.insert(cur, e);
                break;
            }
            let Some(b) = self.store.get::<Block>(Table::Blocks, &cur.0)? else { return Ok(None) };
            cur = *b.parent();
            missing.push(b);
        }
        while let Some(b) = missing.pop() {
            let parent = self.entries.get(b.parent()).cloned().expect("computed just before");
            let gap = usize::try_from(b.round.saturating_sub(parent.round + 1)).unwrap_or(usize::MAX);
            let failed = match gap {
                0 => Vec::new(),
                _ => {
                    self.leaders_after(b.parent(), b.round - 1)?;
                    let after = self.after.get(b.parent()).map(Vec::as_slice).unwrap_or_default();
                    after[..gap.min(after.len())].iter().rev().take(self.committee.size()).rev().copied().collect()
                }
            };
            let e = Entry {
                height: b.height,
                round: b.round,
                parent: *b.parent(),
                author: b.author,
                failed,
            };
            let digest = b.digest();
            // Computed again from the blocks if a crash loses it.
            self.store.defer(Table::Election, &digest.0, &e)?;
            self.entries.insert(digest, e);
        }
        Ok(self.entries.get(d).cloned())
    }

    fn known_entry(&self, d: &Digest) -> Result<Option<Entry>, StoreError> {
        if let Some(e) = self.entries.get(d) {
            return Ok(Some(e.clone()));
        }
        if *d == self.genesis {
            let e = Entry { height: 0, round: 0, parent: self.genesis, author: 0, failed: Vec::new() };
            return Ok(Some(e));
        }
        self.store.get(Table::Election, &d.0)
    }
}

/// A member drawn with probability proportional to its weight, from a seed that is the
/// round alone.
pub(super) fn weighted_choice(weights: &[u64], round: Round) -> Author {
    let seed = Hasher::new("kraken/leader").u64(round).finish();
    let total: u64 = weights.iter().sum();
    let mut pick = u64::from_be_bytes(seed.0[..8].try_into().expect("8 bytes")) % total;
    for (a, w) in weights.iter().enumerate() {
        if pick < *w {
            return a as Author;
        }
        pick -= w;
    }
    unreachable!("pick < total")
}
