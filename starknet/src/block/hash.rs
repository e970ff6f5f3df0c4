//! The block hash over the header fields.

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

use super::commitments::BlockCommitments;
use crate::felt::short_string;
use crate::Poseidon;

/// Which block-hash rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockHashVersion {
    /// Starknet 0.13.2 and 0.13.3: tag `STARKNET_BLOCK_HASH0`, L1 gas prices inline.
    V0_13_2,
    /// Starknet 0.13.4 up to 0.14.0: tag `STARKNET_BLOCK_HASH1`, all gas prices (L2 too)
    /// hashed into one felt.
    V0_13_4,
}

/// How the block's state diff reaches L1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DataAvailabilityMode {
    /// As calldata.
    #[default]
    Calldata,
    /// As blobs.
    Blob,
}

/// A gas price in both fee tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GasPrice {
    /// In wei (ETH).
    pub wei: u128,
    /// In fri (STRK).
    pub fri: u128,
}

/// The header fields the block hash covers, besides the commitments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockHeader {
    /// Height.
    pub block_number: u64,
    /// The parent block's hash.
    pub parent_hash: Felt,
    /// The state commitment after the block.
    pub state_root: Felt,
    /// The sequencer's address.
    pub sequencer_address: Felt,
    /// Seconds since the Unix epoch.
    pub timestamp: u64,
    /// How state diffs reach L1.
    pub l1_da_mode: DataAvailabilityMode,
    /// L1 gas price.
    pub l1_gas_price: GasPrice,
    /// L1 data (blob) gas price.
    pub l1_data_gas_price: GasPrice,
    /// L2 gas price (hashed from 0.13.4 on).
    pub l2_gas_price: GasPrice,
    /// The protocol version string, for example `"0.14.0"`; hashed as a short string.
    pub starknet_version: String,
}

/// `transaction_count (64 bits) | event_count (64 bits) | state_diff_length (64 bits) |
/// da_mode (1 bit: 1 for blob) | 63 zero bits`, as one felt.
pub fn concat_counts(
    transaction_count: u64,
    event_count: u64,
    state_diff_length: u64,
    da_mode: DataAvailabilityMode,
) -> Felt {
    let mut bytes = [0u8; 32];
    bytes[0..8].copy_from_slice(&transaction_count.to_be_bytes());
    bytes[8..16].copy_from_slice(&event_count.to_be_bytes());
    bytes[16..24].copy_from_slice(&state_diff_length.to_be_bytes());
    if da_mode == DataAvailabilityMode::Blob {
        bytes[24] = 0x80;
    }
    Felt::from_bytes_be(&bytes)
}

/// `h_pos(tag, block_number, state_root, sequencer_address, timestamp, concat_counts,
/// state_diff_commitment, transactions, events, receipts, gas_prices..., starknet_version,
/// 0, parent_hash)`.
pub fn block_hash(
    version: BlockHashVersion,
    header: &BlockHeader,
    commitments: &BlockCommitments,
    state_diff_commitment: Felt,
    state_diff_length: u64,
) -> Felt {
    let tag = match version {
        BlockHashVersion::V0_13_2 => "STARKNET_BLOCK_HASH0",
        BlockHashVersion::V0_13_4 => "STARKNET_BLOCK_HASH1",
    };
    let mut chain = vec![
        short_string(tag),
        Felt::from(header.block_number),
        header.state_root,
        header.sequencer_address,
        Felt::from(header.timestamp),
        concat_counts(
            commitments.transaction_count,
            commitments.event_count,
            state_diff_length,
            header.l1_da_mode,
        ),
        state_diff_commitment,
        commitments.transactions,
        commitments.events,
        commitments.receipts,
    ];
    chain.extend(gas_prices(version, header));
    chain.extend([
        short_string(&header.starknet_version),
        Felt::ZERO,
        header.parent_hash,
    ]);
    Poseidon::hash_array(&chain)
}

fn gas_prices(version: BlockHashVersion, header: &BlockHeader) -> Vec<Felt> {
    let l1 = [
        Felt::from(header.l1_gas_price.wei),
        Felt::from(header.l1_gas_price.fri),
        Felt::from(header.l1_data_gas_price.wei),
        Felt::from(header.l1_data_gas_price.fri),
    ];
    match version {
        BlockHashVersion::V0_13_2 => l1.to_vec(),
        BlockHashVersion::V0_13_4 => {
            let mut chain = vec![short_string("STARKNET_GAS_PRICES0")];
            chain.extend(l1);
            chain.extend([
                Felt::from(header.l2_gas_price.wei),
                Felt::from(header.l2_gas_price.fri),
            ]);
            vec![Poseidon::hash_array(&chain)]
        }
    }
}
