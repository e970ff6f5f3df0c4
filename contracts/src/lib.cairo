//! Kraken's contracts (see contracts/README.md): the genesis contracts, and `counter`,
//! which tests declare and deploy.

pub mod account;
pub mod counter;
pub mod erc20;
pub mod fact;
pub mod fib;
pub mod udc;
