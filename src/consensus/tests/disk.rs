//! A failing disk stops the core loudly; a store error is never read as a missing block.

use super::{simulate, Stage};
use crate::consensus::messages::{ConsensusMessage, QuorumCert};
use std::sync::atomic::Ordering;

#[test]
fn a_read_error_stops_the_node_instead_of_asking_peers_for_the_block() {
    simulate(|| async {
        let stage = Stage::start(0, 4).await;
        let b1 = stage.block(1, 1, QuorumCert::genesis(), None, vec![]);
        stage.deliver(1, ConsensusMessage::Propose(b1.clone())).await;
        // After a restart b1 is on disk only; then the disk stops answering reads.
        stage.faults.fail_reads_once_started.store(true, Ordering::SeqCst);
        stage.restart().await;
        let before = stage.sent().len();
        let b2 = stage.block(2, 2, stage.qc(&b1), None, vec![]);
        stage.deliver(2, ConsensusMessage::Propose(b2)).await;
        let asked = stage.sent()[before..].iter().any(|(_, m)| matches!(m, ConsensusMessage::SyncRequest { .. }));
        assert!(!asked, "a block on a failing disk was asked of the peers as if missing");
        let reason = stage.halt_reason().expect("the node stops on a read error");
        assert!(reason.contains("injected read error"), "{reason}");
    });
}

#[test]
fn a_write_error_stops_the_node_before_it_votes() {
    simulate(|| async {
        let stage = Stage::start_with(0, 4, |s| s.faults.fail_writes_once_started.store(true, Ordering::SeqCst)).await;
        let b1 = stage.block(1, 1, QuorumCert::genesis(), None, vec![]);
        stage.deliver(1, ConsensusMessage::Propose(b1)).await;
        assert!(stage.votes().is_empty(), "voted without a durable record");
        assert!(stage.halt_reason().is_some(), "the node stops on a write error");
    });
}
