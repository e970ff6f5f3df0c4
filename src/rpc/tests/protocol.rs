//! JSON-RPC 2.0 framing: every malformed request gets the right error, batches and
//! notifications follow the spec.

use serde_json::{json, Value};

use super::{call, code, fixture, raw};
use crate::rpc::{MAX_BATCH, MAX_BODY_BYTES};

fn reply(body: &str) -> Option<Value> {
    raw(&fixture().ctx, body.as_bytes())
}

fn error_code(v: &Value) -> i64 {
    v["error"]["code"].as_i64().unwrap_or_else(|| panic!("not an error: {v}"))
}

#[test]
fn malformed_json_is_a_parse_error_with_a_null_id() {
    for body in ["{", "", "[1,", "{\"jsonrpc\":\"2.0\",\"method\":\"starknet_blockNumber\",\"id\":1", "\u{0}"] {
        let r = reply(body).expect("a parse error is answered");
        assert_eq!(error_code(&r), -32700, "{body:?}");
        assert_eq!(r["id"], Value::Null);
        assert_eq!(r["jsonrpc"], "2.0");
    }
}

#[test]
fn invalid_requests_are_refused_with_their_id_when_it_is_usable() {
    let cases = [
        (json!(1), Value::Null),
        (json!("starknet_blockNumber"), Value::Null),
        (json!({ "jsonrpc": "1.0", "method": "starknet_blockNumber", "id": 7 }), json!(7)),
        (json!({ "method": "starknet_blockNumber", "id": "a" }), json!("a")),
        (json!({ "jsonrpc": "2.0", "id": 3 }), json!(3)),
        (json!({ "jsonrpc": "2.0", "method": 5, "id": 3 }), json!(3)),
        (json!({ "jsonrpc": "2.0", "method": "starknet_blockNumber", "params": "x", "id": 3 }), json!(3)),
        (json!({ "jsonrpc": "2.0", "method": "starknet_blockNumber", "params": 1, "id": 3 }), json!(3)),
        (json!({ "jsonrpc": "2.0", "method": "starknet_blockNumber", "id": {"a": 1} }), Value::Null),
        (json!({ "jsonrpc": "2.0", "method": "starknet_blockNumber", "id": [1] }), Value::Null),
        (json!({ "jsonrpc": "2.0", "method": "starknet_blockNumber", "id": 3, "extra": true }), json!(3)),
        // No id, but invalid: still answered (with a null id).
        (json!({ "jsonrpc": "2.0", "method": 1 }), Value::Null),
    ];
    for (body, id) in cases {
        let r = reply(&body.to_string()).unwrap_or_else(|| panic!("{body} is answered"));
        assert_eq!(error_code(&r), -32600, "{body}");
        assert_eq!(r["id"], id, "{body}");
    }
}

#[test]
fn unknown_methods_are_not_found() {
    assert_eq!(code("starknet_noSuchMethod", json!([])), -32601);
    assert_eq!(code("blockNumber", json!([])), -32601);
    assert_eq!(code("starknet_", json!([])), -32601);
    assert_eq!(code("starknet_traceTransaction", json!([])), -32601);
}

#[test]
fn wrong_params_are_invalid_params() {
    assert_eq!(code("starknet_getBlockWithTxHashes", json!([])), -32602, "missing");
    assert_eq!(code("starknet_getBlockWithTxHashes", json!([null])), -32602, "null");
    assert_eq!(code("starknet_getBlockWithTxHashes", json!(["latest", 1])), -32602, "too many");
    assert_eq!(code("starknet_getBlockWithTxHashes", json!({ "block": "latest" })), -32602, "unknown name");
    assert_eq!(code("starknet_getBlockWithTxHashes", json!(["newest"])), -32602, "unknown tag");
    assert_eq!(code("starknet_getBlockWithTxHashes", json!([{ "block_number": -1 }])), -32602);
    assert_eq!(code("starknet_getBlockWithTxHashes", json!([{ "block_number": "1" }])), -32602);
    assert_eq!(code("starknet_getBlockWithTxHashes", json!([{ "block_hash": "12" }])), -32602, "no 0x");
    assert_eq!(code("starknet_getBlockWithTxHashes", json!([{ "block_hash": "0xzz" }])), -32602);
    assert_eq!(code("starknet_getBlockWithTxHashes", json!([{ "block_hash": format!("0x{}", "1".repeat(65)) }])), -32602);
    assert_eq!(code("starknet_getBlockWithTxHashes", json!([{ "block_number": 1, "block_hash": "0x1" }])), -32602);
    assert_eq!(code("starknet_getBlockWithTxHashes", json!([7])), -32602);
    assert_eq!(code("starknet_blockNumber", json!([1])), -32602);
    assert_eq!(code("starknet_getStorageAt", json!(["0x1", 5, "latest"])), -32602);
    assert_eq!(code("starknet_getTransactionByBlockIdAndIndex", json!(["latest", "0"])), -32602);
    // By name works like by position.
    assert_eq!(call("starknet_getBlockTransactionCount", json!({ "block_id": { "block_number": 1 } })).unwrap(), json!(4));
    assert_eq!(call("starknet_blockNumber", json!({})).unwrap(), json!(2));
}

#[test]
fn notifications_are_executed_but_never_answered() {
    assert_eq!(reply(r#"{"jsonrpc":"2.0","method":"starknet_blockNumber"}"#), None);
    assert_eq!(reply(r#"{"jsonrpc":"2.0","method":"starknet_noSuchMethod","params":[]}"#), None);
    assert_eq!(reply(r#"{"jsonrpc":"2.0","method":"starknet_getBlockWithTxHashes","params":[]}"#), None);
    // A null id is an id, not a notification.
    let r = reply(r#"{"jsonrpc":"2.0","method":"starknet_blockNumber","id":null}"#).unwrap();
    assert_eq!(r["result"], 2);
    assert_eq!(r["id"], Value::Null);
}

#[test]
fn batches_answer_each_request_that_has_an_id() {
    let body = json!([
        { "jsonrpc": "2.0", "method": "starknet_blockNumber", "id": 1 },
        { "jsonrpc": "2.0", "method": "starknet_blockNumber" },
        { "jsonrpc": "2.0", "method": "starknet_noSuchMethod", "id": "two" },
        7,
        { "jsonrpc": "2.0", "method": "starknet_specVersion", "params": [], "id": 3 },
    ]);
    let r = reply(&body.to_string()).unwrap();
    let replies = r.as_array().expect("a batch is answered with an array");
    assert_eq!(replies.len(), 4);
    assert_eq!(replies[0], json!({ "jsonrpc": "2.0", "result": 2, "id": 1 }));
    assert_eq!(error_code(&replies[1]), -32601);
    assert_eq!(replies[1]["id"], "two");
    assert_eq!(error_code(&replies[2]), -32600);
    assert_eq!(replies[3]["result"], "0.9.0");
}

#[test]
fn an_empty_batch_is_one_invalid_request_and_a_batch_of_notifications_gets_nothing() {
    let r = reply("[]").unwrap();
    assert!(r.is_object(), "{r}");
    assert_eq!(error_code(&r), -32600);
    let notes = json!([
        { "jsonrpc": "2.0", "method": "starknet_blockNumber" },
        { "jsonrpc": "2.0", "method": "starknet_chainId" },
    ]);
    assert_eq!(reply(&notes.to_string()), None);
    let r = reply("[1, 2]").unwrap();
    assert_eq!(r.as_array().unwrap().len(), 2);
}

#[test]
fn oversize_bodies_and_batches_are_refused() {
    let big = vec![b' '; MAX_BODY_BYTES + 1];
    let r = raw(&fixture().ctx, &big).unwrap();
    assert_eq!(error_code(&r), -32600);
    let one = json!({ "jsonrpc": "2.0", "method": "starknet_specVersion", "id": 1 });
    let batch = Value::Array(vec![one; MAX_BATCH + 1]);
    let r = reply(&batch.to_string()).unwrap();
    assert_eq!(error_code(&r), -32600);
}
