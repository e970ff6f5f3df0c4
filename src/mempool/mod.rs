//! The mempool: admits client transactions, seals them into batches, persists and
//! disseminates the batches, and keeps the pool of batches waiting to be ordered.
//! Consensus orders batch digests only, so block size never limits throughput.

mod messages;
mod pool;
mod worker;

pub use messages::MempoolMessage;
pub use pool::BatchPool;
pub use worker::{Admission, Mempool, MempoolHandle, MempoolParams, Rejection, Submission, TxCheck};
