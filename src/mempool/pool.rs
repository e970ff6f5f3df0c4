//! Batches stored locally and not yet committed, in arrival order. Shared by the mempool
//! (which adds) and consensus (which picks payloads and removes committed batches).

use crate::types::{Batch, Digest, TxId};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

#[derive(Default)]
pub struct BatchPool {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next_seq: u64,
    by_seq: BTreeMap<u64, Digest>,
    seq_of: BTreeMap<Digest, (u64, Vec<TxId>)>,
    /// Multiset of pending tx ids (a tx may sit in two batches from two nodes).
    txs: BTreeMap<TxId, u32>,
}

impl BatchPool {
    pub fn add(&self, digest: Digest, batch: &Batch) {
        let mut p = self.inner.lock().unwrap();
        if p.seq_of.contains_key(&digest) {
            return;
        }
        let seq = p.next_seq;
        p.next_seq += 1;
        let ids: Vec<TxId> = batch.txs.iter().map(|t| t.id()).collect();
        for id in &ids {
            *p.txs.entry(*id).or_default() += 1;
        }
        p.by_seq.insert(seq, digest);
        p.seq_of.insert(digest, (seq, ids));
    }

    pub fn remove(&self, digest: &Digest) {
        let mut p = self.inner.lock().unwrap();
        if let Some((seq, ids)) = p.seq_of.remove(digest) {
            p.by_seq.remove(&seq);
            for id in ids {
                if let Some(n) = p.txs.get_mut(&id) {
                    *n -= 1;
                    if *n == 0 {
                        p.txs.remove(&id);
                    }
                }
            }
        }
    }

    /// Oldest `max` batches not in `exclude` (the ones already in the uncommitted chain).
    pub fn pick(&self, max: usize, exclude: &BTreeSet<Digest>) -> Vec<Digest> {
        let p = self.inner.lock().unwrap();
        p.by_seq.values().filter(|d| !exclude.contains(d)).take(max).copied().collect()
    }

    pub fn contains_tx(&self, id: &TxId) -> bool {
        self.inner.lock().unwrap().txs.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.inner.lock().unwrap().by_seq.len()
    }

    /// Distinct transactions in the stored batches.
    pub fn tx_count(&self) -> usize {
        self.inner.lock().unwrap().txs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Tx;

    #[test]
    fn picks_in_arrival_order_skipping_excluded_and_removed() {
        let pool = BatchPool::default();
        let batches: Vec<Batch> = (0..4u8).map(|i| Batch { txs: vec![Tx(vec![i])] }).collect();
        for b in &batches {
            pool.add(b.digest(), b);
        }
        let d: Vec<Digest> = batches.iter().map(|b| b.digest()).collect();
        assert_eq!(pool.pick(2, &BTreeSet::new()), vec![d[0], d[1]]);
        assert_eq!(pool.pick(2, &[d[0]].into()), vec![d[1], d[2]]);
        pool.remove(&d[1]);
        assert_eq!(pool.pick(10, &BTreeSet::new()), vec![d[0], d[2], d[3]]);
        assert!(pool.contains_tx(&Tx(vec![0]).id()));
        assert!(!pool.contains_tx(&Tx(vec![1]).id()));
    }
}
