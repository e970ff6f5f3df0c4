//! The block tree: every block above the last committed one (in memory, backed by the
//! store), plus the committed tip. Commits extend the tip along parent links only, so a
//! block that does not descend from the tip can never be committed here. A store error
//! is an error, never "not found": the core stops the node on it rather than asking its
//! peers for a block it holds on a failing disk.

use super::messages::Block;
use crate::storage::{Store, StoreError, Table};
use crate::types::{Digest, Height, Round};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tip {
    pub height: Height,
    pub round: Round,
    pub digest: Digest,
}

pub struct BlockTree {
    store: Store,
    blocks: BTreeMap<Digest, Block>,
    tip: Tip,
}

const TIP_KEY: &[u8] = b"tip";

/// The last committed block recorded in a store, if any.
pub fn committed_tip(store: &Store) -> Result<Option<Tip>, StoreError> {
    store.get::<Tip>(Table::Meta, TIP_KEY)
}

impl BlockTree {
    pub fn load(store: Store) -> Result<Self, StoreError> {
        let genesis = Block::genesis();
        let tip = committed_tip(&store)?.unwrap_or(Tip {
            height: 0,
            round: 0,
            digest: genesis.digest(),
        });
        let tip_block = if tip.height == 0 { genesis } else {
            store.get::<Block>(Table::Blocks, &tip.digest.0)?.ok_or_else(|| StoreError::Corrupt {
                table: Table::Blocks,
                msg: format!("committed tip {} is missing", tip.digest),
            })?
        };
        let mut blocks = BTreeMap::new();
        blocks.insert(tip.digest, tip_block);
        Ok(BlockTree { store, blocks, tip })
    }

    pub fn tip(&self) -> Tip {
        self.tip
    }

    /// A block above the tip (or the tip itself), from memory or, after a restart, the store.
    pub fn get(&mut self, d: &Digest) -> Result<Option<&Block>, StoreError> {
        if !self.blocks.contains_key(d) {
            let Some(b) = self.store.get::<Block>(Table::Blocks, &d.0)? else { return Ok(None) };
            if b.height <= self.tip.height {
                return Ok(None);
            }
            self.blocks.insert(*d, b);
        }
        Ok(self.blocks.get(d))
    }

    /// Any stored block, including committed and abandoned ones (to serve sync requests).
    pub fn get_any(&self, d: &Digest) -> Result<Option<Block>, StoreError> {
        if let Some(b) = self.blocks.get(d) {
            return Ok(Some(b.clone()));
        }
        if *d == Block::genesis().digest() {
            return Ok(Some(Block::genesis()));
        }
        self.store.get::<Block>(Table::Blocks, &d.0)
    }

    /// Is the block known but unusable: at or below the tip without being the tip?
    pub fn is_stale(&self, d: &Digest) -> Result<bool, StoreError> {
        Ok(*d != self.tip.digest && self.get_any(d)?.is_some_and(|b| b.height <= self.tip.height))
    }

    /// Deferred to the next write (see [`Store::defer`]): a block can be fetched again, and
    /// the ones that matter reach the disk with our vote for them or their commit,
    /// whichever comes first.
    pub fn insert(&mut self, b: Block) -> Result<Digest, StoreError> {
        let d = b.digest();
        self.store.defer(Table::Blocks, &d.0, &b)?;
        self.blocks.insert(d, b);
        Ok(d)
    }

    /// Blocks from `from` down to (not including) the tip, newest first; `None` when
    /// `from` does not descend from the tip.
    pub fn path_to_tip(&mut self, from: &Digest) -> Result<Option<Vec<Block>>, StoreError> {
        let mut path = Vec::new();
        let mut cur = *from;
        loop {
            if cur == self.tip.digest {
                return Ok(Some(path));
            }
            let Some(b) = self.get(&cur)?.cloned() else { return Ok(None) };
            cur = *b.parent();
            path.push(b);
        }
    }

    /// `d` and up to `max - 1` ancestors, newest first.
    pub fn ancestors(&self, d: &Digest, max: usize) -> Result<Vec<Block>, StoreError> {
        let mut out = Vec::new();
        let mut cur = *d;
        while out.len() < max {
            let Some(b) = self.get_any(&cur)? else { break };
            let stop = b.height == 0;
            cur = *b.parent();
            out.push(b);
            if stop {
                break;
            }
        }
        Ok(out)
    }

    /// Moves the tip (already persisted by the committer) and drops blocks at or below it.
    pub fn set_tip(&mut self, tip: Tip) {
        self.tip = tip;
        self.blocks.retain(|d, b| b.height > tip.height || *d == tip.digest);
    }

    pub fn tip_key() -> &'static [u8] {
        TIP_KEY
    }
}
