//! The calls Kraken's load generators and tests make against the genesis contracts, and
//! the signed invoke that carries one.

use starknet_types_core::felt::Felt;

use crate::genesis::Genesis;
use crate::wallet::{self, Account, Call, GasLimits};

/// `fib(n)` on the genesis fib contract.
pub fn fib(genesis: &Genesis, n: u64) -> Call {
    Call::new(genesis.fib, "fib", vec![Felt::from(n)])
}

/// `fact(n)` on the genesis fact contract.
pub fn fact(genesis: &Genesis, n: u64) -> Call {
    Call::new(genesis.fact, "fact", vec![Felt::from(n)])
}

/// `transfer(to, amount)` on an ERC-20 (`amount` is a u256: low, high).
pub fn transfer(token: Felt, to: Felt, amount: u128) -> Call {
    Call::new(token, "transfer", vec![to, Felt::from(amount), Felt::ZERO])
}

/// A signed v3 invoke of `calls` from `account` with `nonce`, as payload bytes.
pub fn signed_invoke(genesis: &Genesis, account: &Account, nonce: u64, calls: &[Call]) -> Vec<u8> {
    wallet::invoke(account, Felt::from(nonce), calls, GasLimits::default(), &genesis.chain.chain_id()).encode()
}
