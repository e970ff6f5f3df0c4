//! The mempool: admits client transactions, seals them into batches, persists and
//! disseminates the batches, and keeps the pool of batches waiting to be ordered.
//! Consensus orders batch digests only, so block size never limits throughput.

mod api;
mod messages;
mod pool;
mod task;

pub use api::{Admission, MempoolHandle, MempoolParams, Rejection, Submission, TxCheck};
pub use messages::MempoolMessage;
pub use pool::BatchPool;
pub use task::Mempool;
