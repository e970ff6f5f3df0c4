//! Transaction, event and receipt commitments: roots of height-64 Poseidon tries whose
//! leaf `i` is the hash of the `i`-th item of the block.

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

use super::hash::BlockHashVersion;
use crate::felt::starknet_keccak;
use crate::trie::root_from_leaves;
use crate::Poseidon;

/// The height of the transaction, event and receipt tries.
pub const COMMITMENT_TRIE_HEIGHT: u8 = 64;

/// An event as a receipt carries it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// The emitting contract.
    pub from_address: Felt,
    /// Indexed keys.
    pub keys: Vec<Felt>,
    /// Payload.
    pub data: Vec<Felt>,
}

/// A message a transaction sent to L1.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageToL1 {
    /// The sending L2 contract.
    pub from_address: Felt,
    /// The L1 recipient (an Ethereum address).
    pub to_address: Felt,
    /// Payload.
    pub payload: Vec<Felt>,
}

/// What the block hash needs from one executed transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutedTransaction {
    /// The transaction hash.
    pub hash: Felt,
    /// The transaction's signature.
    pub signature: Vec<Felt>,
    /// The fee charged.
    pub actual_fee: Felt,
    /// Events emitted, in order.
    pub events: Vec<Event>,
    /// Messages sent to L1, in order.
    pub messages: Vec<MessageToL1>,
    /// `Some(reason)` if execution reverted.
    pub revert_reason: Option<String>,
    /// L1 gas consumed.
    pub l1_gas: u64,
    /// L1 data (blob) gas consumed.
    pub l1_data_gas: u64,
}

/// A transaction's leaf: `h_pos(hash, signature...)`. Before 0.13.4 an empty signature
/// is hashed as `[0]`.
pub fn transaction_leaf(version: BlockHashVersion, hash: Felt, signature: &[Felt]) -> Felt {
    let mut chain = vec![hash];
    if signature.is_empty() && version == BlockHashVersion::V0_13_2 {
        chain.push(Felt::ZERO);
    }
    chain.extend_from_slice(signature);
    Poseidon::hash_array(&chain)
}

/// An event's leaf: `h_pos(from_address, transaction_hash, #keys, keys..., #data, data...)`.
pub fn event_hash(event: &Event, transaction_hash: Felt) -> Felt {
    let mut chain = vec![event.from_address, transaction_hash];
    push_with_len(&mut chain, &event.keys);
    push_with_len(&mut chain, &event.data);
    Poseidon::hash_array(&chain)
}

/// `h_pos(#messages, (from, to, #payload, payload...)...)`.
pub fn message_hash(messages: &[MessageToL1]) -> Felt {
    let mut chain = vec![Felt::from(messages.len())];
    for m in messages {
        chain.extend([m.from_address, m.to_address]);
        push_with_len(&mut chain, &m.payload);
    }
    Poseidon::hash_array(&chain)
}

/// Starknet keccak (keccak-256 truncated to 250 bits) of a revert reason, or 0 when the
/// transaction succeeded.
pub fn revert_reason_hash(revert_reason: Option<&str>) -> Felt {
    revert_reason.map_or(Felt::ZERO, |reason| starknet_keccak(reason.as_bytes()))
}

/// A receipt's leaf: `h_pos(hash, actual_fee, message_hash, revert_reason_hash, 0, l1_gas,
/// l1_data_gas)`; the 0 stands for L2 gas, which the protocol hashes as 0 under these
/// rules.
pub fn receipt_hash(tx: &ExecutedTransaction) -> Felt {
    Poseidon::hash_array(&[
        tx.hash,
        tx.actual_fee,
        message_hash(&tx.messages),
        revert_reason_hash(tx.revert_reason.as_deref()),
        Felt::ZERO,
        Felt::from(tx.l1_gas),
        Felt::from(tx.l1_data_gas),
    ])
}

fn push_with_len(chain: &mut Vec<Felt>, items: &[Felt]) {
    chain.push(Felt::from(items.len()));
    chain.extend_from_slice(items);
}

/// The root of the height-64 Poseidon trie whose leaf `i` is `leaves[i]`.
fn indexed_root(leaves: impl IntoIterator<Item = Felt>) -> Felt {
    let keyed: Vec<(Felt, Felt)> = leaves
        .into_iter()
        .enumerate()
        .map(|(i, leaf)| (Felt::from(i), leaf))
        .collect();
    root_from_leaves::<Poseidon>(COMMITMENT_TRIE_HEIGHT, &keyed)
}

/// The commitments of a block's transactions, events and receipts, and the counts the
/// header packs next to them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockCommitments {
    /// Root over [`transaction_leaf`]s.
    pub transactions: Felt,
    /// Root over [`event_hash`]es, all events of the block in order.
    pub events: Felt,
    /// Root over [`receipt_hash`]es.
    pub receipts: Felt,
    /// How many transactions.
    pub transaction_count: u64,
    /// How many events.
    pub event_count: u64,
}

impl BlockCommitments {
    /// The commitments of `transactions`, in block order.
    pub fn compute(version: BlockHashVersion, transactions: &[ExecutedTransaction]) -> Self {
        let events: Vec<Felt> = transactions
            .iter()
            .flat_map(|tx| tx.events.iter().map(|e| event_hash(e, tx.hash)))
            .collect();
        BlockCommitments {
            transactions: indexed_root(
                transactions
                    .iter()
                    .map(|tx| transaction_leaf(version, tx.hash, &tx.signature)),
            ),
            event_count: events.len() as u64,
            events: indexed_root(events),
            receipts: indexed_root(transactions.iter().map(receipt_hash)),
            transaction_count: transactions.len() as u64,
        }
    }
}
