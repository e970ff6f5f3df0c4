//! Sealing an executed block: moving the state tries by its diff and hashing its header
//! (Starknet 0.13.4+/0.14.0 rule), with the commitments of its included transactions.

use kraken_starknet::block::{
    block_hash, state_diff_commitment, BlockCommitments, BlockHashVersion, BlockHeader, DataAvailabilityMode,
    Event, ExecutedTransaction, GasPrice, MessageToL1,
};
use kraken_starknet::state::{apply_state_diff, StateRoots, StateStore};
use kraken_starknet::trie::TrieError;
use serde::{Deserialize, Serialize};
use starknet_types_core::felt::Felt;

use crate::block::ExecutedBlock;
use crate::context::{ChainConfig, L1_DATA_GAS_PRICE, L1_GAS_PRICE, L2_GAS_PRICE, STARKNET_VERSION};

/// A sealed block's Starknet header facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedBlock {
    pub number: u64,
    pub timestamp: u64,
    pub parent_hash: Felt,
    pub block_hash: Felt,
    /// The global state root after the block.
    pub state_root: Felt,
    pub contracts_root: Felt,
    pub classes_root: Felt,
    pub transaction_count: u64,
    pub event_count: u64,
}

impl SealedBlock {
    pub fn roots(&self) -> StateRoots {
        StateRoots { contracts_root: self.contracts_root, classes_root: self.classes_root }
    }
}

/// The header a block at `number` gets on this chain.
pub fn header(chain: &ChainConfig, number: u64, timestamp: u64, parent_hash: Felt, state_root: Felt) -> BlockHeader {
    let fri = |p: u128| GasPrice { wei: p, fri: p };
    BlockHeader {
        block_number: number,
        parent_hash,
        state_root,
        sequencer_address: chain.sequencer_address,
        timestamp,
        l1_da_mode: DataAvailabilityMode::Blob,
        l1_gas_price: fri(L1_GAS_PRICE),
        l1_data_gas_price: fri(L1_DATA_GAS_PRICE),
        l2_gas_price: fri(L2_GAS_PRICE),
        starknet_version: STARKNET_VERSION.to_string(),
    }
}

/// Applies `block`'s diff to the tries in `store` (on top of `prev`) and hashes it.
pub fn seal<S: StateStore + ?Sized>(
    store: &mut S,
    chain: &ChainConfig,
    prev: StateRoots,
    parent_hash: Felt,
    number: u64,
    timestamp: u64,
    block: &ExecutedBlock,
) -> Result<SealedBlock, TrieError> {
    let roots = apply_state_diff(store, prev, &block.diff.state)?;
    Ok(hash_block(chain, roots, parent_hash, number, timestamp, block))
}

/// The header of `block` on state `roots` and its hash, with the commitments of its
/// included transactions: the second half of [`seal`].
pub fn hash_block(
    chain: &ChainConfig,
    roots: StateRoots,
    parent_hash: Felt,
    number: u64,
    timestamp: u64,
    block: &ExecutedBlock,
) -> SealedBlock {
    let state_root = roots.state_commitment();
    let txs: Vec<ExecutedTransaction> = block
        .receipts
        .iter()
        .zip(&block.signatures)
        .filter(|(r, _)| r.included())
        .map(|(r, signature)| ExecutedTransaction {
            hash: r.tx_hash,
            signature: signature.clone(),
            actual_fee: Felt::from(r.actual_fee),
            events: r.events.iter().map(|e| Event { from_address: e.from_address, keys: e.keys.clone(), data: e.data.clone() }).collect(),
            messages: r
                .messages
                .iter()
                .map(|m| MessageToL1 { from_address: m.from_address, to_address: m.to_address, payload: m.payload.clone() })
                .collect(),
            revert_reason: r.revert_reason().map(str::to_owned),
            l1_gas: r.gas.l1_gas,
            l1_data_gas: r.gas.l1_data_gas,
        })
        .collect();
    let commitments = BlockCommitments::compute(BlockHashVersion::V0_13_4, &txs);
    let head = header(chain, number, timestamp, parent_hash, state_root);
    let hash = block_hash(
        BlockHashVersion::V0_13_4,
        &head,
        &commitments,
        state_diff_commitment(&block.diff.state),
        block.diff.state.len() as u64,
    );
    SealedBlock {
        number,
        timestamp,
        parent_hash,
        block_hash: hash,
        state_root,
        contracts_root: roots.contracts_root,
        classes_root: roots.classes_root,
        transaction_count: commitments.transaction_count,
        event_count: commitments.event_count,
    }
}
