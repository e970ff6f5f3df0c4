//! The calls Kraken's load generators and tests make against the genesis contracts, and
//! the signed invoke that carries one.

use starknet_api::core::ClassHash;
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Pedersen, StarkHash};

use crate::genesis::{deployed_address, Genesis};
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

/// `deployContract(class_hash, salt, unique, constructor_calldata)` on the Universal
/// Deployer Contract at `udc`: the call starknet-rs's `ContractFactory` makes (calldata
/// `[class_hash, salt, unique, len, ...constructor_calldata]`). Kraken's UDC also takes
/// it as `deploy_contract`, with the flag named `not_from_zero`.
pub fn udc_deploy(udc: Felt, class_hash: Felt, salt: Felt, unique: bool, constructor_calldata: &[Felt]) -> Call {
    let mut calldata = vec![class_hash, salt, Felt::from(unique), Felt::from(constructor_calldata.len())];
    calldata.extend_from_slice(constructor_calldata);
    Call::new(udc, "deployContract", calldata)
}

/// Where [`udc_deploy`] sent by `caller` puts the contract, as starknet-rs's
/// `get_udc_deployed_address` predicts it: unique, the salt is `pedersen(caller, salt)`
/// and the deployer the UDC; otherwise the salt as given and deployer zero.
pub fn udc_deployed_address(
    udc: Felt,
    caller: Felt,
    class_hash: Felt,
    salt: Felt,
    unique: bool,
    constructor_calldata: &[Felt],
) -> Felt {
    let class = ClassHash(class_hash);
    if unique {
        deployed_address(Pedersen::hash(&caller, &salt), class, constructor_calldata, udc)
    } else {
        deployed_address(salt, class, constructor_calldata, Felt::ZERO)
    }
}

/// A signed v3 invoke of `calls` from `account` with `nonce`, as payload bytes.
pub fn signed_invoke(genesis: &Genesis, account: &Account, nonce: u64, calls: &[Call]) -> Vec<u8> {
    wallet::invoke(account, Felt::from(nonce), calls, GasLimits::default(), &genesis.chain.chain_id()).encode()
}
