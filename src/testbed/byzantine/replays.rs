//! Old news: a consensus message of the member's sent again to its first addressee,
//! and batches made of transactions its earlier batches carried. Honest nodes must
//! not act twice on one message, nor commit one transaction twice.

use super::Memory;
use crate::mempool::MempoolMessage;
use crate::node::NodeMessage;
use crate::types::{Author, Batch};
use rand::seq::SliceRandom;
use rand::Rng;

/// Most transactions in a copied batch.
const COPIED_TXS: usize = 16;

/// One of the member's remembered consensus messages, picked at random.
pub fn replay(memory: &mut Memory) -> Option<Vec<(Option<Author>, NodeMessage)>> {
    if memory.sent.is_empty() {
        return None;
    }
    let i = memory.rng.gen_range(0..memory.sent.len());
    Some(vec![memory.sent[i].clone()])
}

/// With a batch, another of up to 16 transactions drawn from earlier batches, to everyone.
pub fn batch_copy(msg: &NodeMessage, memory: &mut Memory) -> Option<Vec<(Option<Author>, NodeMessage)>> {
    let NodeMessage::Mempool(MempoolMessage::Batch(_)) = msg else { return None };
    if memory.txs.is_empty() {
        return None;
    }
    let pool: Vec<_> = memory.txs.iter().cloned().collect();
    let count = memory.rng.gen_range(1..=COPIED_TXS.min(pool.len()));
    let txs = pool.choose_multiple(&mut memory.rng, count).cloned().collect();
    Some(vec![(None, NodeMessage::Mempool(MempoolMessage::Batch(Batch { txs })))])
}
