//! Decodes authenticated peer messages and routes them to consensus, the mempool, or the
//! block-certificate task.

use super::NodeMessage;
use crate::observer::Observer;
use crate::certify::Attest;
use crate::consensus::ConsensusMessage;
use crate::mempool::MempoolMessage;
use crate::net::{codec, Inbound, NetStats, WarnLimit};
use crate::types::Author;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Where each kind of message goes.
pub struct Routes {
    pub consensus: mpsc::Sender<(Author, ConsensusMessage)>,
    pub mempool: mpsc::Sender<(Author, MempoolMessage)>,
    /// Without execution a node signs no blocks and keeps no signatures.
    pub attest: Option<mpsc::Sender<Attest>>,
}

pub async fn route(mut inbound: mpsc::Receiver<Inbound>, routes: Routes, observer: Arc<dyn Observer>, stats: Arc<NetStats>) {
    let mut warnings = WarnLimit::new(std::time::Duration::from_secs(10));
    while let Some(Inbound { from, body }) = inbound.recv().await {
        let sent = match codec::decode::<NodeMessage>(&body) {
            Ok(NodeMessage::Consensus(m)) => routes.consensus.send((from, m)).await.is_ok(),
            Ok(NodeMessage::Mempool(m)) => routes.mempool.send((from, m)).await.is_ok(),
            Ok(NodeMessage::Attestation(attestation)) => match &routes.attest {
                Some(attest) => attest.send(Attest::Peer { from, attestation }).await.is_ok(),
                None => true,
            },
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
