//! `ClientRequest`, what the client port decodes from anyone who connects.

use super::decode_within;
use crate::net::codec;
use crate::node::client_api::commits;
use crate::node::{ClientCall, ClientRequest, MAX_RECEIPTS};
use crate::storage::Store;
use crate::testing::mutate::{mutated, with_claims_everywhere};
use crate::types::Tx;
use kraken_execution::Felt;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Clients are not authenticated: what one request may cost is held to a small multiple
/// of its bytes (plus serde's preallocation for one claimed sequence).
fn limit(len: usize) -> usize {
    (2 << 20) + 4 * len
}

fn decode(bytes: &[u8]) -> Option<ClientRequest> {
    decode_within(bytes, limit)
}

fn samples() -> Vec<ClientRequest> {
    let felt = Felt::from_hex("0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7").unwrap();
    [
        ClientCall::Submit(Tx(b"{\"type\":\"INVOKE\"}".to_vec())),
        ClientCall::Commits { from: 12, max: 1000 },
        ClientCall::Status,
        ClientCall::Receipts(vec![felt, Felt::ONE, Felt::MAX]),
        ClientCall::Nonce(felt),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, call)| ClientRequest { id: i as u64 * 1000, call })
    .collect()
}

/// No wildcard arm: a new call fails to compile here until it has a sample.
fn variant(call: &ClientCall) -> &'static str {
    match call {
        ClientCall::Submit(_) => "submit",
        ClientCall::Commits { .. } => "commits",
        ClientCall::Status => "status",
        ClientCall::Receipts(_) => "receipts",
        ClientCall::Nonce(_) => "nonce",
    }
}

fn encoded() -> Vec<Vec<u8>> {
    samples().iter().map(codec::encode).collect()
}

#[test]
fn samples_cover_every_call_and_round_trip() {
    let kinds: BTreeSet<_> = samples().iter().map(|r| variant(&r.call)).collect();
    assert_eq!(kinds.len(), 5);
    for bytes in encoded() {
        let back = decode(&bytes).expect("a valid request decodes");
        assert_eq!(codec::encode(&back), bytes);
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

/// Zero felts are the most memory per wire byte a client can buy (1 byte each, 32 in
/// memory): a `Receipts` call is refused past its bound before they are read.
#[test]
fn a_receipts_request_is_refused_past_its_bound() {
    let asking = |n| codec::encode(&ClientRequest { id: 1, call: ClientCall::Receipts(vec![Felt::ZERO; n]) });
    assert!(decode(&asking(MAX_RECEIPTS)).is_some());
    assert!(decode(&asking(MAX_RECEIPTS + 1)).is_none());
    assert!(decode(&asking(1_000_000)).is_none());
}

/// A request that decodes may still carry any value: the last heights of u64 are an
/// empty answer, not an overflow.
#[test]
fn commits_from_the_end_of_time_are_none() {
    let store = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
    for from in [u64::MAX, u64::MAX - 1, u64::MAX - 999] {
        assert!(commits(&store, from, 1000).unwrap().is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn mutated_requests_never_panic(bytes in mutated(encoded())) {
        decode(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode(&bytes);
    }
}
