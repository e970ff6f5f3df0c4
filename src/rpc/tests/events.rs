//! `starknet_getEvents`: filters, pages and their errors.

use serde_json::{json, Value};
use starknet_api::abi::abi_utils::selector_from_name;

use super::{call, code, fixture, hex};

fn events(filter: Value) -> Value {
    call("starknet_getEvents", json!([filter])).unwrap()
}

/// Every event of every included transaction, in chain order.
fn all_events() -> Vec<Value> {
    let f = fixture();
    let mut out = Vec::new();
    for n in 0..=2 {
        let record = f.chain().record(n).unwrap().unwrap();
        for r in record.receipts.iter().filter(|r| r.included()) {
            for e in &r.events {
                out.push(json!({
                    "from_address": hex(e.from_address),
                    "keys": e.keys.iter().map(|k| hex(*k)).collect::<Vec<_>>(),
                    "data": e.data.iter().map(|d| hex(*d)).collect::<Vec<_>>(),
                    "block_hash": hex(record.sealed.block_hash),
                    "block_number": n,
                    "transaction_hash": hex(r.tx_hash),
                }));
            }
        }
    }
    out
}

#[test]
fn all_events_in_one_page() {
    let all = all_events();
    // Block 1: two transfers with their fees, a reverted transfer's fee, the deploy's
    // fee; block 2: fib's fee.
    assert_eq!(all.len(), 7, "{all:#?}");
    let page = events(json!({ "chunk_size": 1024 }));
    assert_eq!(page["events"], json!(all));
    assert!(page.get("continuation_token").is_none());
    let ranged = events(json!({ "from_block": { "block_number": 2 }, "to_block": "latest", "chunk_size": 100 }));
    let in_block2: Vec<&Value> = all.iter().filter(|e| e["block_number"] == 2).collect();
    assert_eq!(ranged["events"], json!(in_block2));
    let none = events(json!({ "from_block": { "block_number": 2 }, "to_block": { "block_number": 1 }, "chunk_size": 10 }));
    assert_eq!(none["events"], json!([]));
}

#[test]
fn filters_by_address_and_keys() {
    let f = fixture();
    let token = f.chain().genesis.token;
    let by_address = events(json!({ "address": hex(token), "chunk_size": 100 }));
    let expected: Vec<Value> = all_events().into_iter().filter(|e| e["from_address"] == hex(token)).collect();
    assert!(!expected.is_empty());
    assert_eq!(by_address["events"], json!(expected));
    let transfer = selector_from_name("Transfer").0;
    let keyed = events(json!({ "keys": [[hex(transfer)]], "chunk_size": 100 }));
    let expected: Vec<Value> = all_events().into_iter().filter(|e| e["keys"][0] == hex(transfer)).collect();
    assert_eq!(keyed["events"], json!(expected));
    // An empty position matches anything; a second position must match the sender.
    let alice = hex(f.account(0).address);
    let from_alice = events(json!({ "keys": [[], [alice.clone()]], "chunk_size": 100 }));
    let expected: Vec<Value> = all_events().into_iter().filter(|e| e["keys"].get(1) == Some(&alice)).collect();
    assert!(!expected.is_empty());
    assert_eq!(from_alice["events"], json!(expected));
    let nothing = events(json!({ "keys": [["0x1234"]], "chunk_size": 100 }));
    assert_eq!(nothing["events"], json!([]));
}

#[test]
fn pages_follow_the_continuation_token() {
    let all = all_events();
    let mut seen = Vec::new();
    let mut token: Option<Value> = None;
    for _ in 0..100 {
        let mut filter = json!({ "chunk_size": 3 });
        if let Some(t) = &token {
            filter["continuation_token"] = t.clone();
        }
        let page = events(filter);
        let got = page["events"].as_array().unwrap();
        assert!(got.len() <= 3);
        seen.extend(got.iter().cloned());
        match page.get("continuation_token") {
            Some(t) => token = Some(t.clone()),
            None => break,
        }
    }
    assert_eq!(seen, all);
}

#[test]
fn event_errors() {
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 1025 }])), 31);
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 0 }])), -32602);
    assert_eq!(code("starknet_getEvents", json!([{}])), -32602, "chunk_size is required");
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 10, "continuation_token": "x" }])), 33);
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 10, "continuation_token": "1-" }])), 33);
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 10, "continuation_token": 5 }])), 33);
    let before_range = json!([{ "from_block": { "block_number": 2 }, "chunk_size": 10, "continuation_token": "1-0" }]);
    assert_eq!(code("starknet_getEvents", before_range), 33);
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 10, "to_block": { "block_number": 3 } }])), 24);
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 10, "from_block": { "block_hash": "0x5" } }])), 24);
    let many: Vec<Vec<String>> = vec![vec!["0x1".to_string(); 257]];
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 10, "keys": many }])), 34);
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 10, "keys": ["0x1"] }])), -32602);
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 10, "address": 1 }])), -32602);
    assert_eq!(code("starknet_getEvents", json!([{ "chunk_size": 10, "colour": "red" }])), -32602);
    assert_eq!(code("starknet_getEvents", json!(["filter"])), -32602);
}
