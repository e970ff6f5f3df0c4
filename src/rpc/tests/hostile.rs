//! Whatever arrives in a body (random bytes, random JSON, nesting far past any sane
//! depth) gets a well-formed JSON-RPC answer, or none exactly when every request in it
//! is a notification.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::{assert_reply_well_formed, fixture, raw};
use crate::rpc::MAX_BATCH;

/// Strings the handlers give meaning to, so random JSON reaches past the first check.
pub fn word() -> impl Strategy<Value = String> {
    let known = [
        "2.0", "1.0", "latest", "pre_confirmed", "l1_accepted", "0x0", "0x1", "0x3", "0x", "0xzz", "-0x1",
        "0x800000000000011000000000000000000000000000000000000000000000001",
        "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "0x10000000000000000000000000000000000000000000000000000000000000000",
        "INVOKE", "DECLARE", "DEPLOY_ACCOUNT", "SKIP_VALIDATE", "1-0", "18446744073709551615-0", "0-18446744073709551616",
        "starknet_blockNumber", "starknet_getBlockWithTxs", "starknet_call", "starknet_getEvents",
    ];
    prop_oneof![prop::sample::select(known.to_vec()).prop_map(String::from), "\\PC{0,12}"]
}

/// Member names the handlers look for.
fn key() -> impl Strategy<Value = String> {
    let known = [
        "jsonrpc", "method", "params", "id", "block_id", "block_number", "block_hash", "filter", "from_block",
        "to_block", "address", "keys", "chunk_size", "continuation_token", "request", "contract_address",
        "entry_point_selector", "calldata", "type", "version", "transaction_hash", "index", "class_hash",
    ];
    prop_oneof![prop::sample::select(known.to_vec()).prop_map(String::from), "[a-z_]{1,8}"]
}

/// Numbers at the edges of every integer type the handlers parse into.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![json!(0), json!(1), json!(-1), json!(u64::MAX), json!(i64::MIN), json!(u32::MAX as u64 + 1), json!(0.5), json!(1e300), json!(-0.0)]),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
    ]
}

pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::from), number(), word().prop_map(Value::from)];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An object with a mostly right envelope around random parts.
fn request_like() -> impl Strategy<Value = Value> {
    let part = |name: &'static str, good: Value| prop_oneof![3 => Just(Some(good)), 1 => Just(None), 1 => json_value().prop_map(Some)].prop_map(move |v| (name, v));
    (
        part("jsonrpc", json!("2.0")),
        part("method", json!("starknet_getBlockWithTxHashes")),
        part("params", json!([{ "block_number": 1 }])),
        part("id", json!(7)),
        prop::option::weighted(0.1, (key(), json_value())),
    )
        .prop_map(|(a, b, c, d, extra)| {
            let mut obj: Map<String, Value> = [a, b, c, d].into_iter().filter_map(|(k, v)| Some((k.to_string(), v?))).collect();
            if let Some((k, v)) = extra {
                obj.insert(k, v);
            }
            Value::Object(obj)
        })
}

/// A request that must be executed without an answer.
fn is_notification(v: &Value) -> bool {
    let Value::Object(obj) = v else { return false };
    !obj.contains_key("id")
        && obj.get("jsonrpc") == Some(&json!("2.0"))
        && obj.get("method").is_some_and(Value::is_string)
        && obj.get("params").is_none_or(|p| p.is_array() || p.is_object())
        && obj.keys().all(|k| ["jsonrpc", "method", "params"].contains(&k.as_str()))
}

fn expects_silence(body: &Value) -> bool {
    match body {
        Value::Array(requests) => !requests.is_empty() && requests.len() <= MAX_BATCH && requests.iter().all(is_notification),
        one => is_notification(one),
    }
}

fn check(body: &Value) {
    match raw(&fixture().ctx, &serde_json::to_vec(body).unwrap()) {
        Some(reply) => {
            assert!(!expects_silence(body), "a notification was answered: {body} -> {reply}");
            assert_reply_well_formed(&reply);
        }
        None => assert!(expects_silence(body), "no answer to {body}"),
    }
}

#[test]
fn nesting_far_past_the_parser_limit_is_a_parse_error() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        for depth in [129, 100_000] {
            for body in [open.repeat(depth) + &close.repeat(depth), open.repeat(depth)] {
                let reply = raw(&fixture().ctx, body.as_bytes()).expect("a parse error is answered");
                assert_eq!(reply["error"]["code"], -32700, "depth {depth}");
            }
        }
    }
}

/// Just under serde_json's limit (128 levels) the request parses: every method gets the
/// deep value as its parameters and must refuse it with an answer.
#[test]
fn every_method_refuses_deeply_nested_params() {
    let deep = "[".repeat(120) + &"]".repeat(120);
    for method in super::mutated::METHODS {
        for params in [format!("[{deep}]"), format!("[{deep}, {deep}, {deep}]"), format!("{{\"filter\": {deep}}}")] {
            let body = format!("{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\",\"params\":{params},\"id\":1}}");
            let reply = raw(&fixture().ctx, body.as_bytes()).expect("answered");
            assert_reply_well_formed(&reply);
            assert!(reply.get("error").is_some(), "{method} accepted nested arrays: {reply}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_are_answered(body in prop::collection::vec(any::<u8>(), 0..256)) {
        let reply = raw(&fixture().ctx, &body);
        // Random bytes are almost never JSON; when they are (`1`, `""`), they are no request.
        prop_assert!(reply.is_some());
        assert_reply_well_formed(&reply.unwrap());
    }

    #[test]
    fn arbitrary_json_is_answered_or_a_notification(body in json_value()) {
        check(&body);
    }

    #[test]
    fn nearly_valid_requests_are_answered(body in prop_oneof![
        request_like(),
        prop::collection::vec(request_like(), 0..4).prop_map(Value::Array),
    ]) {
        check(&body);
    }
}
