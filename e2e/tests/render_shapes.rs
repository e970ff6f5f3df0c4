//! Offline (no cluster): the JSON shapes Kraken's RPC emits (`src/rpc/render.rs`,
//! `blocks.rs`, `txs.rs`, `events.rs`, `exec.rs`, `error.rs`, and transactions as
//! starknet_api 0.16 serializes them) parse into starknet-rs 0.17's types. Each literal
//! copies the field names and encodings of the render code; the end-to-end test checks
//! the real output against a running cluster.

use serde_json::{json, Value};
use starknet::core::types::{
    ContractClass, EventsPage, ExecutionResult, FeeEstimate, MaybePreConfirmedBlockWithReceipts,
    MaybePreConfirmedBlockWithTxHashes, MaybePreConfirmedBlockWithTxs,
    MaybePreConfirmedStateUpdate, StarknetError, Transaction, TransactionReceipt,
    TransactionReceiptWithBlockInfo, TransactionStatus,
};
use starknet::providers::jsonrpc::JsonRpcError;

fn parse<T: serde::de::DeserializeOwned>(what: &str, v: Value) -> T {
    serde_json::from_value(v.clone())
        .unwrap_or_else(|e| panic!("{what}: starknet-rs cannot parse {v:#}: {e}"))
}

/// render::header
fn header() -> serde_json::Map<String, Value> {
    let price =
        |p: u128| json!({ "price_in_fri": format!("{p:#x}"), "price_in_wei": format!("{p:#x}") });
    let v = json!({
        "status": "ACCEPTED_ON_L2",
        "block_hash": "0xb1",
        "parent_hash": "0xb0",
        "block_number": 7,
        "new_root": "0x5eed",
        "timestamp": 1_700_000_000u64,
        "sequencer_address": "0x1",
        "l1_gas_price": price(10_000),
        "l2_gas_price": price(1),
        "l1_data_gas_price": price(100),
        "l1_da_mode": "BLOB",
        "starknet_version": "0.14.0",
    });
    v.as_object().unwrap().clone()
}

fn bounds() -> Value {
    let b = |a: &str, p: &str| json!({ "max_amount": a, "max_price_per_unit": p });
    json!({ "l1_gas": b("0x0", "0x3a98"), "l2_gas": b("0x1e8480", "0x1"), "l1_data_gas": b("0x180", "0x96") })
}

/// render::transaction of an invoke v3 (starknet_api's RpcTransaction + transaction_hash).
fn invoke_tx() -> Value {
    json!({
        "type": "INVOKE", "version": "0x3", "sender_address": "0xacc", "calldata": ["0x1", "0x2"],
        "signature": ["0x5", "0x6"], "nonce": "0x2", "resource_bounds": bounds(), "tip": "0x0",
        "paymaster_data": [], "account_deployment_data": [],
        "nonce_data_availability_mode": "L1", "fee_data_availability_mode": "L1",
        "transaction_hash": "0x7a1",
    })
}

fn deploy_account_tx() -> Value {
    json!({
        "type": "DEPLOY_ACCOUNT", "version": "0x3", "signature": ["0x5", "0x6"], "nonce": "0x0",
        "class_hash": "0xc1a55", "contract_address_salt": "0x5a17", "constructor_calldata": ["0x9ab"],
        "resource_bounds": bounds(), "tip": "0x0", "paymaster_data": [],
        "nonce_data_availability_mode": "L1", "fee_data_availability_mode": "L1",
        "transaction_hash": "0x7a2",
    })
}

/// A declare: `contract_class` replaced by `class_hash`.
fn declare_tx() -> Value {
    json!({
        "type": "DECLARE", "version": "0x3", "sender_address": "0xacc", "compiled_class_hash": "0xcc",
        "signature": ["0x5", "0x6"], "nonce": "0x3", "resource_bounds": bounds(), "tip": "0x0",
        "paymaster_data": [], "account_deployment_data": [],
        "nonce_data_availability_mode": "L1", "fee_data_availability_mode": "L1",
        "class_hash": "0xc1a55", "transaction_hash": "0x7a3",
    })
}

/// render::receipt
fn receipt(
    kind: &str,
    hash: &str,
    reverted: Option<&str>,
    contract_address: Option<&str>,
    block: bool,
) -> Value {
    let mut v = json!({
        "type": kind,
        "transaction_hash": hash,
        "actual_fee": { "amount": "0x2710", "unit": "FRI" },
        "finality_status": "ACCEPTED_ON_L2",
        "messages_sent": [{ "from_address": "0xacc", "to_address": "0xe7", "payload": ["0x1"] }],
        "events": [{ "from_address": "0xe20", "keys": ["0x99"], "data": ["0x1", "0x0"] }],
        "execution_resources": { "l1_gas": 0, "l1_data_gas": 128, "l2_gas": 1_234_567 },
    });
    let obj = v.as_object_mut().unwrap();
    match reverted {
        Some(reason) => {
            obj.insert("execution_status".into(), "REVERTED".into());
            obj.insert("revert_reason".into(), reason.into());
        }
        None => {
            obj.insert("execution_status".into(), "SUCCEEDED".into());
        }
    }
    if let Some(a) = contract_address {
        obj.insert("contract_address".into(), a.into());
    }
    if block {
        obj.insert("block_hash".into(), "0xb1".into());
        obj.insert("block_number".into(), 7.into());
    }
    v
}

#[test]
fn blocks() {
    let mut b = header();
    b.insert("transactions".into(), json!(["0x7a1", "0x7a2"]));
    match parse::<MaybePreConfirmedBlockWithTxHashes>("getBlockWithTxHashes", Value::Object(b)) {
        MaybePreConfirmedBlockWithTxHashes::Block(b) => assert_eq!(b.transactions.len(), 2),
        other => panic!("a confirmed block parsed as {other:?}"),
    }
    let mut b = header();
    b.insert(
        "transactions".into(),
        json!([invoke_tx(), deploy_account_tx(), declare_tx()]),
    );
    match parse::<MaybePreConfirmedBlockWithTxs>("getBlockWithTxs", Value::Object(b)) {
        MaybePreConfirmedBlockWithTxs::Block(b) => assert_eq!(b.transactions.len(), 3),
        other => panic!("a confirmed block parsed as {other:?}"),
    }
    // blocks::with_receipts: the spec's TXN_AND_RECEIPT.transaction is a TXN without its
    // hash (the receipt carries it), which `--features strict` (starknet-rs's
    // `no_unknown_fields`) checks.
    let without_hash = |mut tx: Value| {
        tx.as_object_mut().unwrap().remove("transaction_hash");
        tx
    };
    let mut b = header();
    b.insert(
        "transactions".into(),
        json!([
            { "transaction": without_hash(invoke_tx()), "receipt": receipt("INVOKE", "0x7a1", None, None, false) },
            { "transaction": without_hash(deploy_account_tx()), "receipt": receipt("DEPLOY_ACCOUNT", "0x7a2", None, Some("0xacc2"), false) },
            { "transaction": without_hash(declare_tx()), "receipt": receipt("DECLARE", "0x7a3", Some("boom"), None, false) },
        ]),
    );
    match parse::<MaybePreConfirmedBlockWithReceipts>("getBlockWithReceipts", Value::Object(b)) {
        MaybePreConfirmedBlockWithReceipts::Block(b) => assert_eq!(b.transactions.len(), 3),
        other => panic!("a confirmed block parsed as {other:?}"),
    }
}

#[test]
fn transactions() {
    for (what, tx) in [
        ("invoke", invoke_tx()),
        ("deploy account", deploy_account_tx()),
        ("declare", declare_tx()),
    ] {
        let t: Transaction = parse(what, tx);
        assert!(
            t.transaction_hash() != &starknet::core::types::Felt::ZERO,
            "{what}"
        );
    }
}

#[test]
fn receipts_and_statuses() {
    let r: TransactionReceiptWithBlockInfo = parse(
        "invoke receipt",
        receipt("INVOKE", "0x7a1", None, None, true),
    );
    assert!(r.block.is_block());
    assert_eq!(r.receipt.execution_result(), &ExecutionResult::Succeeded);
    let r: TransactionReceiptWithBlockInfo = parse(
        "reverted receipt",
        receipt("INVOKE", "0x7a1", Some("out of gas"), None, true),
    );
    assert!(matches!(
        r.receipt.execution_result(),
        ExecutionResult::Reverted { .. }
    ));
    let r: TransactionReceiptWithBlockInfo = parse(
        "deploy account receipt",
        receipt("DEPLOY_ACCOUNT", "0x7a2", None, Some("0xacc2"), true),
    );
    assert!(matches!(r.receipt, TransactionReceipt::DeployAccount(_)));
    let _: TransactionReceiptWithBlockInfo = parse(
        "declare receipt",
        receipt("DECLARE", "0x7a3", None, None, true),
    );

    // txs::status
    let s: TransactionStatus = parse(
        "status",
        json!({ "finality_status": "ACCEPTED_ON_L2", "execution_status": "SUCCEEDED" }),
    );
    assert!(s.is_accepted_on_l2());
    let _: TransactionStatus = parse(
        "reverted status",
        json!({ "finality_status": "ACCEPTED_ON_L2", "execution_status": "REVERTED", "failure_reason": "x" }),
    );
    // v0.9 has no REJECTED status: starknet-rs cannot parse one (the node answers 29 instead).
    assert!(serde_json::from_value::<TransactionStatus>(
        json!({ "finality_status": "REJECTED", "failure_reason": "x" })
    )
    .is_err());
}

#[test]
fn events_state_fees_classes() {
    // events::get_events
    let page: EventsPage = parse(
        "getEvents",
        json!({
            "events": [{ "from_address": "0xc0", "keys": ["0x1"], "data": ["0x5", "0xf"],
                         "block_hash": "0xb1", "block_number": 7, "transaction_hash": "0x7a1" }],
            "continuation_token": "7-1",
        }),
    );
    assert_eq!(page.continuation_token.as_deref(), Some("7-1"));
    let last: EventsPage = parse("getEvents (last page)", json!({ "events": [] }));
    assert!(last.continuation_token.is_none());

    // blocks::state_update
    let u: MaybePreConfirmedStateUpdate = parse(
        "getStateUpdate",
        json!({
            "block_hash": "0xb1", "old_root": "0x0", "new_root": "0x5eed",
            "state_diff": {
                "storage_diffs": [{ "address": "0xc0", "storage_entries": [{ "key": "0x1", "value": "0x2" }] }],
                "deprecated_declared_classes": [],
                "declared_classes": [{ "class_hash": "0xc1a55", "compiled_class_hash": "0xcc" }],
                "deployed_contracts": [{ "address": "0xc0", "class_hash": "0xc1a55" }],
                "replaced_classes": [],
                "nonces": [{ "contract_address": "0xacc", "nonce": "0x3" }],
            },
        }),
    );
    assert!(matches!(u, MaybePreConfirmedStateUpdate::Update(_)));

    // exec::estimate_fee
    let fees: Vec<FeeEstimate> = parse(
        "estimateFee",
        json!([{
            "l1_gas_consumed": "0x0", "l1_gas_price": "0x2710", "l2_gas_consumed": "0x12d687",
            "l2_gas_price": "0x1", "l1_data_gas_consumed": "0x80", "l1_data_gas_price": "0x64",
            "overall_fee": "0x133e87", "unit": "FRI",
        }]),
    );
    assert_eq!(fees[0].overall_fee, 0x133e87);

    // state::class: starknet_api's SierraContractClass as stored.
    let class: ContractClass = parse(
        "getClass",
        json!({
            "sierra_program": ["0x1", "0x7", "0x0"],
            "contract_class_version": "0.1.0",
            "entry_points_by_type": {
                "CONSTRUCTOR": [{ "function_idx": 0, "selector": "0x28ffe4ff0f226a9107253e17a904099aa4f63a02a5621de0576e5aa71bc5194" }],
                "EXTERNAL": [], "L1_HANDLER": [],
            },
            "abi": "[]",
        }),
    );
    assert!(matches!(class, ContractClass::Sierra(_)));
}

#[test]
fn errors() {
    let convert = |v: Value| -> Result<StarknetError, String> {
        let e: JsonRpcError = serde_json::from_value(v).unwrap();
        StarknetError::try_from(&e).map_err(|e| format!("{e:?}"))
    };
    // Admission refusals carry their detail as a string.
    assert!(matches!(
        convert(
            json!({ "code": 55, "message": "Account validation failed", "data": "invalid signature" })
        ),
        Ok(StarknetError::ValidationFailure(_))
    ));
    assert!(matches!(
        convert(
            json!({ "code": 52, "message": "Invalid transaction nonce", "data": "nonce 1 < 2" })
        ),
        Ok(StarknetError::InvalidTransactionNonce(_))
    ));
    // ... and starknet-rs needs it: without data, 52/55/56/63 are no StarknetError.
    assert!(convert(json!({ "code": 55, "message": "Account validation failed" })).is_err());
    // 40 and 41 carry objects (error.rs embeds the JSON text as the object).
    assert!(matches!(
        convert(
            json!({ "code": 40, "message": "Contract error", "data": { "revert_error": "execution failed: [0x1]" } })
        ),
        Ok(StarknetError::ContractError(_))
    ));
    assert!(matches!(
        convert(
            json!({ "code": 41, "message": "Transaction execution error",
                        "data": { "transaction_index": 0, "execution_error": "boom" } })
        ),
        Ok(StarknetError::TransactionExecutionError(_))
    ));
    for code in [
        20, 24, 27, 28, 29, 31, 32, 33, 34, 51, 53, 54, 57, 59, 60, 61,
    ] {
        assert!(
            convert(json!({ "code": code, "message": "m" })).is_ok(),
            "code {code} without data"
        );
    }
    assert!(matches!(
        convert(json!({ "code": 63, "message": "An unexpected error occurred", "data": "x" })),
        Ok(StarknetError::UnexpectedError(_))
    ));
}
