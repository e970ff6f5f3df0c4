//! Load: one engine that sends signed Starknet transactions from the genesis accounts at
//! an offered rate and follows them to their receipts, behind a small [`Transport`] (the
//! simulator's load client and `kraken client --rpc` are its two adapters), and the
//! pieces every load client shares: the transaction mix, the clients' habits and the
//! tally with its latency percentiles.

mod accounts;
mod engine;
mod habits;
mod mix;
mod tally;

pub use engine::{run, Outcome, Outgoing, Plan, Refusal, Transport};
pub use habits::{Draws, Habits};
pub use mix::Mix;
pub use tally::{Latency, Tally};
