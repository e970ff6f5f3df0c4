//! The chain a node executes for and the block context blockifier needs: chain id, fee
//! token, sequencer address, gas prices and the protocol constants (Starknet 0.14.0).

use std::num::NonZeroU128;

use blockifier::blockifier_versioned_constants::VersionedConstants;
use blockifier::bouncer::BouncerConfig;
use blockifier::context::{BlockContext, ChainInfo, FeeTokenAddresses};
use serde::{Deserialize, Serialize};
use starknet_api::block::{
    BlockInfo, BlockNumber, BlockTimestamp, GasPrice, GasPriceVector, GasPrices, NonzeroGasPrice,
    StarknetVersion,
};
use starknet_api::core::{ChainId, ContractAddress};
use starknet_api::versioned_constants_logic::VersionedConstantsTrait;
use starknet_types_core::felt::Felt;

/// The protocol version Kraken executes: blockifier's 0.14.0 constants (Poseidon
/// compiled class hashes, so `kraken-starknet`'s commitments apply unchanged).
pub const STARKNET_VERSION: StarknetVersion = StarknetVersion::V0_14_0;

/// Gas prices in fri (STRK), fixed: Kraken has no L1 to track. L2 gas is the unit a
/// Sierra-gas transaction pays for; L1 and blob gas are charged for its state diff.
pub const L1_GAS_PRICE: u128 = 10_000;
pub const L1_DATA_GAS_PRICE: u128 = 100;
pub const L2_GAS_PRICE: u128 = 1;

/// Everything about the chain that every block shares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainConfig {
    pub chain_id: String,
    /// The STRK-like fee token every v3 transaction pays with.
    pub fee_token: Felt,
    /// Where fees go.
    pub sequencer_address: Felt,
}

impl ChainConfig {
    pub fn chain_id(&self) -> ChainId {
        ChainId::Other(self.chain_id.clone())
    }

    /// The context of block `number`, sealed at `timestamp` (Unix seconds).
    pub fn block_context(&self, number: u64, timestamp: u64) -> BlockContext {
        let fee_token = ContractAddress::try_from(self.fee_token).expect("the fee token address is a valid address");
        let block_info = BlockInfo {
            block_number: BlockNumber(number),
            block_timestamp: BlockTimestamp(timestamp),
            sequencer_address: ContractAddress::try_from(self.sequencer_address)
                .expect("the sequencer address is a valid address"),
            gas_prices: gas_prices(),
            use_kzg_da: true,
        };
        let chain_info = ChainInfo {
            chain_id: self.chain_id(),
            // v3 transactions pay in STRK; Kraken has no ETH, so both name the one token.
            fee_token_addresses: FeeTokenAddresses {
                strk_fee_token_address: fee_token,
                eth_fee_token_address: fee_token,
            },
            is_l3: false,
        };
        let constants = VersionedConstants::get(&STARKNET_VERSION).expect("blockifier ships the 0.14.0 constants");
        // Consensus already fixed the block's contents: execution never drops a
        // transaction for block capacity.
        BlockContext::new(block_info, chain_info, constants.clone(), BouncerConfig::max())
    }
}

fn price(p: u128) -> NonzeroGasPrice {
    NonzeroGasPrice::new(GasPrice(NonZeroU128::new(p).expect("gas prices are non-zero").get()))
        .expect("gas prices are non-zero")
}

pub fn gas_prices() -> GasPrices {
    let vector = GasPriceVector {
        l1_gas_price: price(L1_GAS_PRICE),
        l1_data_gas_price: price(L1_DATA_GAS_PRICE),
        l2_gas_price: price(L2_GAS_PRICE),
    };
    GasPrices { eth_gas_prices: vector.clone(), strk_gas_prices: vector }
}
