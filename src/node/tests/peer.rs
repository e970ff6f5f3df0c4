//! `NodeMessage`, the body of every signed envelope: every consensus and mempool variant,
//! valid, mutated and hostile.

use crate::certify::Attestation;
use kraken_execution::Felt;
use super::decode_within;
use crate::consensus::messages::{timeout_digest, Block, QuorumCert, Timeout, TimeoutCert, Vote};
use crate::consensus::ConsensusMessage;
use crate::mempool::MempoolMessage;
use crate::net::codec;
use crate::node::NodeMessage;
use crate::testing::alloc::peak_of;
use crate::testing::mutate::{hostile_lengths, mutated, with_claims_everywhere};
use crate::types::{Batch, Digest, KeyPair, Tx};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Most a peer message may allocate while decoding: a constant for what `Batch::MAX_TXS`
/// empty transactions cost (1 byte each on the wire, a 24-byte `Vec` in memory, about
/// 6 MiB with `Vec` growth), plus a small multiple of the bytes for everything else.
fn limit(len: usize) -> usize {
    (8 << 20) + 4 * len
}

fn decode(bytes: &[u8]) -> Option<NodeMessage> {
    decode_within(bytes, limit)
}

fn keys() -> Vec<KeyPair> {
    (0..4u8).map(|i| KeyPair::from_seed([i + 1; 32])).collect()
}

fn qc(block: &Block, keys: &[KeyPair]) -> QuorumCert {
    let votes = (0..3).map(|i| (i as u32, Vote::new(block, i as u32, &keys[i]).signature)).collect();
    QuorumCert { block: block.digest(), round: block.round, votes }
}

/// One of each message a node sends, with certificates as real as they come.
fn samples() -> Vec<NodeMessage> {
    let k = keys();
    let payload = vec![Digest::of(b"batch a"), Digest::of(b"batch b")];
    let b1 = Block::new_signed(1, 1, QuorumCert::genesis(), None, payload.clone(), 1, &k[1]);
    let b2 = Block::new_signed(2, 2, qc(&b1, &k), None, vec![], 2, &k[2]);
    let tc = TimeoutCert { round: 3, votes: (0..3).map(|i| (i as u32, 2, k[i].sign(&timeout_digest(3, 2)))).collect() };
    let b4 = Block::new_signed(4, 3, qc(&b2, &k), Some(tc), payload.clone(), 0, &k[0]);
    let batch = Batch { txs: vec![Tx(b"transfer".to_vec()), Tx(vec![7; 300]), Tx(vec![0])] };
    let c = NodeMessage::Consensus;
    let m = NodeMessage::Mempool;
    vec![
        c(ConsensusMessage::Propose(b1.clone())),
        c(ConsensusMessage::Propose(b4.clone())),
        c(ConsensusMessage::Vote(Vote::new(&b2, 3, &k[3]))),
        c(ConsensusMessage::Timeout(Timeout::new(3, qc(&b2, &k), 1, &k[1]))),
        c(ConsensusMessage::Timeout(Timeout::new(1, QuorumCert::genesis(), 0, &k[0]))),
        c(ConsensusMessage::SyncRequest { block: b4.digest(), max: 64 }),
        c(ConsensusMessage::SyncReply(vec![b1, b2, b4])),
        c(ConsensusMessage::SyncReply(vec![])),
        m(MempoolMessage::Batch(batch)),
        m(MempoolMessage::Batch(Batch { txs: vec![] })),
        m(MempoolMessage::Request(payload)),
        NodeMessage::Attestation(Attestation::sign(7, Felt::from(0xb10c_u64), &k[2])),
    ]
}

/// No wildcard arm: a new message variant fails to compile here until it has a sample.
fn variant(msg: &NodeMessage) -> &'static str {
    match msg {
        NodeMessage::Consensus(ConsensusMessage::Propose(b)) if b.tc.is_some() => "propose with tc",
        NodeMessage::Consensus(ConsensusMessage::Propose(_)) => "propose",
        NodeMessage::Consensus(ConsensusMessage::Vote(_)) => "vote",
        NodeMessage::Consensus(ConsensusMessage::Timeout(_)) => "timeout",
        NodeMessage::Consensus(ConsensusMessage::SyncRequest { .. }) => "sync request",
        NodeMessage::Consensus(ConsensusMessage::SyncReply(_)) => "sync reply",
        NodeMessage::Mempool(MempoolMessage::Batch(_)) => "batch",
        NodeMessage::Mempool(MempoolMessage::Request(_)) => "batch request",
        NodeMessage::Attestation(_) => "attestation",
    }
}

fn encoded() -> Vec<Vec<u8>> {
    samples().iter().map(codec::encode).collect()
}

/// Components send their own messages through an outbox; on the wire each must be the
/// very bytes of the node message holding it, which is what peers decode.
#[test]
fn a_components_message_travels_as_the_node_message_holding_it() {
    use crate::node::{attestation_wire, consensus_wire, mempool_wire};
    for msg in samples() {
        let wire = match &msg {
            NodeMessage::Consensus(m) => consensus_wire(m),
            NodeMessage::Mempool(m) => mempool_wire(m),
            NodeMessage::Attestation(m) => attestation_wire(m),
        };
        assert_eq!(wire, codec::encode(&msg), "{}", variant(&msg));
    }
}

#[test]
fn samples_cover_every_variant_and_round_trip() {
    let kinds: BTreeSet<_> = samples().iter().map(variant).collect();
    assert_eq!(kinds.len(), 9, "{kinds:?}");
    for bytes in encoded() {
        let back = decode(&bytes).expect("a valid message decodes");
        assert_eq!(codec::encode(&back), bytes);
    }
}

#[test]
fn every_prefix_of_a_valid_message_is_refused() {
    for bytes in encoded() {
        for end in 0..bytes.len() {
            assert!(decode(&bytes[..end]).is_none(), "a {end}-byte prefix of {} decoded", bytes.len());
        }
    }
}

#[test]
fn a_hostile_length_at_any_offset_is_cheap() {
    for bytes in encoded() {
        for hostile in with_claims_everywhere(&bytes) {
            decode(&hostile);
        }
    }
}

/// A vector claiming more than the codec's 16 MiB limit, or than the bytes that follow,
/// is refused at once: nothing near the claim is allocated.
#[test]
fn claimed_huge_vectors_are_refused_quickly() {
    // Tags: Consensus = 0 (SyncReply = 4), Mempool = 1 (Batch = 0, Request = 1).
    let heads: [&[u8]; 4] = [&[0, 4], &[1, 0], &[1, 1], &[1, 0, 1]];
    for head in heads {
        for claim in hostile_lengths() {
            for tail in [&[][..], &[0u8; 64][..]] {
                let bytes = [head, &claim, tail].concat();
                let started = Instant::now();
                let (decoded, peak) = peak_of(|| codec::decode::<NodeMessage>(&bytes));
                assert!(decoded.is_err(), "{bytes:?} decoded");
                assert!(peak <= 2 << 20, "{bytes:?}: {peak} bytes allocated");
                assert!(started.elapsed() < Duration::from_secs(1), "{bytes:?}: {:?}", started.elapsed());
            }
        }
    }
}

/// The most memory per wire byte a peer can buy: empty transactions (bounded by
/// `Batch::MAX_TXS`), bare blocks, digests.
#[test]
fn the_costliest_messages_stay_within_the_limit() {
    let empty_txs = |n| NodeMessage::Mempool(MempoolMessage::Batch(Batch { txs: vec![Tx(vec![]); n] }));
    let costly = [
        empty_txs(Batch::MAX_TXS),
        NodeMessage::Consensus(ConsensusMessage::SyncReply(vec![Block::genesis(); 5_000])),
        NodeMessage::Mempool(MempoolMessage::Request(vec![Digest::default(); 50_000])),
    ];
    for msg in costly {
        assert!(decode(&codec::encode(&msg)).is_some(), "{}", variant(&msg));
    }
    assert!(decode(&codec::encode(&empty_txs(Batch::MAX_TXS + 1))).is_none());
    assert!(decode(&codec::encode(&empty_txs(1_000_000))).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn mutated_messages_never_panic(bytes in mutated(encoded())) {
        decode(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        decode(&bytes);
    }
}
