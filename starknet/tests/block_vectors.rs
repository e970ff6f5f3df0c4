//! Block hash and commitment vectors from starkware-libs/sequencer, crate starknet_api,
//! src/block_hash/*_test.rs (regression values of StarkWare's own implementation), on the
//! inputs of its src/block_hash/test_utils.rs.

use std::collections::{BTreeMap, BTreeSet};

use kraken_starknet::block::{
    block_hash, concat_counts, event_hash, message_hash, receipt_hash, revert_reason_hash,
    state_diff_commitment, transaction_leaf, BlockCommitments, BlockHashVersion, BlockHeader,
    DataAvailabilityMode, Event, ExecutedTransaction, GasPrice, MessageToL1,
};
use kraken_starknet::state::StateDiff;
use kraken_starknet::Felt;

fn felt(hex: &str) -> Felt {
    Felt::from_hex(hex).unwrap()
}

fn f(x: u64) -> Felt {
    Felt::from(x)
}

/// test_utils.rs `generate_message_to_l1(seed)`.
fn message(seed: u64) -> MessageToL1 {
    MessageToL1 {
        from_address: f(seed),
        to_address: f(seed + 1),
        payload: vec![f(seed + 2), f(seed + 3)],
    }
}

/// test_utils.rs `get_transaction_output()` for transaction `hash` signed `signature`.
fn reverted_tx(hash: Felt, signature: Vec<Felt>) -> ExecutedTransaction {
    ExecutedTransaction {
        hash,
        signature,
        actual_fee: f(99804),
        events: vec![],
        messages: vec![message(34), message(56)],
        revert_reason: Some("aborted".into()),
        l1_gas: 16580,
        l1_data_gas: 32,
    }
}

/// test_utils.rs `get_state_diff()`; its replaced class (19 → 20) counts among the
/// contracts with a new class, as in the protocol's state diff.
fn state_diff() -> StateDiff {
    StateDiff {
        class_hashes: BTreeMap::from([(f(0), f(1)), (f(2), f(3)), (f(19), f(20))]),
        storage_updates: BTreeMap::from([
            (f(4), BTreeMap::from([(f(5), f(6)), (f(7), f(8))])),
            (f(9), BTreeMap::from([(f(10), f(11))])),
        ]),
        declared_classes: BTreeMap::from([(f(12), f(13)), (f(14), f(15))]),
        deprecated_declared_classes: BTreeSet::from([f(16)]),
        nonces: BTreeMap::from([(f(17), f(18))]),
    }
}

#[test]
fn state_diff_commitment_regression() {
    // state_diff_hash_test.rs `test_state_diff_hash_regression`.
    assert_eq!(
        state_diff_commitment(&state_diff()),
        felt("0x0281f5966e49ad7dad9323826d53d1d27c0c4e6ebe5525e2e2fbca549bfa0a67")
    );
}

#[test]
fn transaction_leaves_and_commitment() {
    // transaction_commitment_test.rs.
    let v = BlockHashVersion::V0_13_2;
    assert_eq!(
        transaction_leaf(v, Felt::ONE, &[Felt::TWO, Felt::THREE]),
        felt("0x2f0d8840bcf3bc629598d8a6cc80cb7c0d9e52d93dab244bbf9cd0dca0ad082")
    );
    assert_eq!(
        transaction_leaf(v, Felt::ONE, &[]),
        felt("0x00a93bf5e58b9378d093aa86ddc2f61a3295a1d1e665bd0ef3384dd07b30e033")
    );
    let tx = ExecutedTransaction {
        hash: Felt::ONE,
        signature: vec![Felt::TWO, Felt::THREE],
        ..Default::default()
    };
    let commitments = BlockCommitments::compute(v, &[tx.clone(), tx]);
    assert_eq!(
        commitments.transactions,
        felt("0x0282b635972328bd1cfa86496fe920d20bd9440cd78ee8dc90ae2b383d664dcf")
    );
}

#[test]
fn event_hash_and_commitment() {
    // event_commitment_test.rs `get_event_leaf_element(seed)`.
    let event = |seed: u64| Event {
        from_address: f(seed + 8),
        keys: vec![f(seed), f(seed + 1)],
        data: vec![f(seed + 2), f(seed + 3), f(seed + 4)],
    };
    let tx_hash = felt("0x1234");
    assert_eq!(
        event_hash(&event(2), tx_hash),
        felt("0x367807f532742a4dcbe2d8a47b974b22dd7496faa75edc64a3a5fdb6709057")
    );
    let tx = ExecutedTransaction {
        hash: tx_hash,
        events: vec![event(0), event(1), event(2)],
        ..Default::default()
    };
    let commitments = BlockCommitments::compute(BlockHashVersion::V0_13_4, &[tx]);
    assert_eq!(
        commitments.events,
        felt("0x069bb140ddbbeb01d81c7201ecfb933031306e45dab9c77ff9f9ba3cd4c2b9c3")
    );
    assert_eq!(commitments.event_count, 3);
}

#[test]
fn receipt_hash_and_commitment() {
    // receipt_commitment_test.rs.
    assert_eq!(
        message_hash(&[message(0), message(1)]),
        felt("0x00c89474a9007dc060aed76caf8b30b927cfea1ebce2d134b943b8d7121004e4")
    );
    assert_eq!(revert_reason_hash(None), Felt::ZERO);
    assert_eq!(
        revert_reason_hash(Some("ABC")),
        felt("0x01629b9dda060bb30c7908346f6af189c16773fa148d3366701fbaa35d54f3c8")
    );
    let tx = reverted_tx(f(1234), vec![]);
    assert_eq!(
        receipt_hash(&tx),
        felt("0x6276abf21e7c68b2eecfdc8a845b11b44401901f5f040efe10c60d625049646")
    );
    let commitments = BlockCommitments::compute(BlockHashVersion::V0_13_4, &[tx]);
    assert_eq!(
        commitments.receipts,
        felt("0x31963cb891ebb825e83514deb748c89b6967b5368cbc48a9b56193a1464ca87")
    );
}

#[test]
fn concat_counts_regression() {
    // block_hash_calculator_test.rs `concat_counts_test`.
    assert_eq!(
        concat_counts(4, 3, 2, DataAvailabilityMode::Blob),
        felt("0x0000000000000004000000000000000300000000000000028000000000000000")
    );
}

#[test]
fn block_hash_regression() {
    // block_hash_calculator_test.rs `test_block_hash_regression`, both rules.
    for (version, starknet_version, expected) in [
        (
            BlockHashVersion::V0_13_2,
            "0.13.2",
            "0xe248d6ce583f8fa48d1d401d4beb9ceced3733e38d8eacb0d8d3669a7d901c",
        ),
        (
            BlockHashVersion::V0_13_4,
            "0.13.4",
            "0x3d6174623c812f5dc03fa3faa07c42c06fd90ad425629ee5f39e149df65c3ca",
        ),
    ] {
        let header = BlockHeader {
            block_number: 1,
            state_root: f(2),
            sequencer_address: f(3),
            timestamp: 4,
            l1_da_mode: DataAvailabilityMode::Blob,
            l1_gas_price: GasPrice { fri: 6, wei: 7 },
            l1_data_gas_price: GasPrice { fri: 10, wei: 9 },
            l2_gas_price: GasPrice { fri: 11, wei: 12 },
            starknet_version: starknet_version.into(),
            parent_hash: f(11),
        };
        let txs = [reverted_tx(Felt::ONE, vec![Felt::TWO, Felt::THREE])];
        let diff = state_diff();
        assert_eq!(diff.len(), 10);
        let commitments = BlockCommitments::compute(version, &txs);
        let hash = block_hash(
            version,
            &header,
            &commitments,
            state_diff_commitment(&diff),
            diff.len() as u64,
        );
        assert_eq!(hash, felt(expected), "{version:?}");
    }
}
