//! Kraken's genesis contracts (see contracts/README.md).

pub mod account;
pub mod erc20;
pub mod fact;
pub mod fib;
