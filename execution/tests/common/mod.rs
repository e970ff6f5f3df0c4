//! Shared helpers of the execution tests: a small genesis and readers of its tokens.

#![allow(dead_code)]

use kraken_execution::{Engine, Felt, GenesisConfig, LocalChain, StateView};
use starknet_api::abi::abi_utils::get_storage_var_address;

pub fn config() -> GenesisConfig {
    GenesisConfig { accounts: 8, ..GenesisConfig::default() }
}

pub fn chain(engine: Engine) -> LocalChain {
    LocalChain::new(engine, &config())
}

pub fn balance(chain: &LocalChain, token: Felt, owner: Felt) -> u128 {
    let key = *get_storage_var_address("ERC20_balances", &[owner]).0.key();
    let low = chain.state.storage(token, key).unwrap();
    let high = chain.state.storage(token, key + Felt::ONE).unwrap();
    assert_eq!(high, Felt::ZERO, "balances in tests stay below 2^128");
    low.to_biguint().try_into().unwrap()
}

pub fn storage_var(chain: &LocalChain, contract: Felt, var: &str) -> Felt {
    chain.state.storage(contract, *get_storage_var_address(var, &[]).0.key()).unwrap()
}
