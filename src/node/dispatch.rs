//! Decodes authenticated peer messages and routes them to consensus or the mempool.

use super::{NodeMessage, Observer, WarnLimit};
use crate::consensus::ConsensusMessage;
use crate::mempool::MempoolMessage;
use crate::net::{codec, Inbound, NetStats};
use crate::types::Author;
use std::sync::Arc;
use tokio::sync::mpsc;

pub async fn route(
    mut inbound: mpsc::Receiver<Inbound>,
    consensus: mpsc::Sender<(Author, ConsensusMessage)>,
    mempool: mpsc::Sender<(Author, MempoolMessage)>,
    observer: Arc<dyn Observer>,
    stats: Arc<NetStats>,
) {
    let mut warnings = WarnLimit::new(std::time::Duration::from_secs(10));
    while let Some(Inbound { from, body }) = inbound.recv().await {
        let sent = match codec::decode::<NodeMessage>(&body) {
            Ok(NodeMessage::Consensus(m)) => consensus.send((from, m)).await.is_ok(),
            Ok(NodeMessage::Mempool(m)) => mempool.send((from, m)).await.is_ok(),
            Err(e) => {
                let reason = format!("undecodable message: {e}");
                warnings.log(from, &reason);
                NetStats::bump(&stats.malformed);
                observer.message_dropped(from, &reason);
                true
            }
        };
        if !sent {
            return;
        }
    }
}
