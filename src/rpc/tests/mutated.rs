//! A valid request for every method, changed the way a buggy client would: a value
//! replaced (huge, negative, wrong type), a member dropped or renamed, an element
//! repeated, bytes of the body garbled. Every one is answered with a result or a
//! well-formed error, never a panic.

use kraken_execution::calls::fib;
use kraken_execution::genesis::artifacts;
use kraken_execution::wallet::{self, Account, GasLimits};
use kraken_execution::{CompiledClass, Felt};
use proptest::prelude::*;
use serde_json::{json, Value};
use starknet_api::abi::abi_utils::selector_from_name;

use super::hostile::{json_value, word};
use super::{assert_reply_well_formed, fixture, hex, raw};
use crate::testing::mutate::{self, Mutation};

/// Every method the node serves.
pub const METHODS: [&str; 25] = [
    "starknet_specVersion",
    "starknet_chainId",
    "starknet_syncing",
    "starknet_blockNumber",
    "starknet_blockHashAndNumber",
    "starknet_getBlockWithTxHashes",
    "starknet_getBlockWithTxs",
    "starknet_getBlockWithReceipts",
    "starknet_getBlockTransactionCount",
    "starknet_getStateUpdate",
    "starknet_getStorageAt",
    "starknet_getNonce",
    "starknet_getClassHashAt",
    "starknet_getClass",
    "starknet_getClassAt",
    "starknet_getTransactionByHash",
    "starknet_getTransactionByBlockIdAndIndex",
    "starknet_getTransactionReceipt",
    "starknet_getTransactionStatus",
    "starknet_getEvents",
    "starknet_call",
    "starknet_estimateFee",
    "starknet_addInvokeTransaction",
    "starknet_addDeclareTransaction",
    "starknet_addDeployAccountTransaction",
];

/// Valid parameters for `method` on the fixture's chain.
fn params(method: &str) -> Value {
    let f = fixture();
    let g = &f.chain().genesis;
    let chain_id = g.chain.chain_id();
    let alice = f.account(0).address;
    let invoke = || serde_json::to_value(wallet::invoke(f.account(0), Felt::from(3u8), &[fib(g, 5)], GasLimits::default(), &chain_id).tx).unwrap();
    match method.strip_prefix("starknet_").unwrap() {
        "specVersion" | "chainId" | "syncing" | "blockNumber" | "blockHashAndNumber" => json!([]),
        "getBlockWithTxHashes" | "getBlockWithTxs" | "getBlockWithReceipts" | "getBlockTransactionCount" | "getStateUpdate" => {
            json!([{ "block_number": 1 }])
        }
        "getStorageAt" => json!([hex(g.token), "0x0", "latest"]),
        "getNonce" | "getClassHashAt" | "getClassAt" => json!({ "block_id": "latest", "contract_address": hex(alice) }),
        "getClass" => json!(["latest", hex(g.fib_class.0)]),
        "getTransactionByHash" | "getTransactionReceipt" | "getTransactionStatus" => json!([hex(f.b1[0])]),
        "getTransactionByBlockIdAndIndex" => json!([{ "block_hash": hex(f.chain().record(1).unwrap().unwrap().sealed.block_hash) }, 1]),
        "getEvents" => json!([{
            "from_block": { "block_number": 0 }, "to_block": "latest", "address": hex(g.token),
            "keys": [[], [hex(alice)]], "chunk_size": 2, "continuation_token": "1-0",
        }]),
        "call" => json!([{
            "contract_address": hex(g.fib),
            "entry_point_selector": hex(selector_from_name("fib").0),
            "calldata": ["0xa"],
        }, "latest"]),
        "estimateFee" => json!([[invoke()], ["SKIP_VALIDATE"], "latest"]),
        "addInvokeTransaction" => json!([invoke()]),
        "addDeclareTransaction" => {
            let class = CompiledClass::from_artifacts(artifacts::FIB.0, artifacts::FIB.1).unwrap();
            let tx = wallet::declare(f.account(3), Felt::ZERO, (*class.sierra).clone(), class.compiled_class_hash, GasLimits::default(), &chain_id);
            json!([serde_json::to_value(&tx.tx).unwrap()])
        }
        "addDeployAccountTransaction" => {
            let newcomer = Account::from_key(Felt::from(0xF00Du32), g.account_class);
            json!({ "deploy_account_transaction": serde_json::to_value(wallet::deploy_account(&newcomer, g.account_class, GasLimits::default(), &chain_id).tx).unwrap() })
        }
        other => panic!("no sample for {other}"),
    }
}

fn requests() -> Vec<Value> {
    METHODS.iter().enumerate().map(|(i, m)| json!({ "jsonrpc": "2.0", "method": m, "params": params(m), "id": i })).collect()
}

#[test]
fn every_method_answers_its_sample_with_a_result() {
    for request in requests() {
        let reply = raw(&fixture().ctx, request.to_string().as_bytes()).expect("answered");
        assert_reply_well_formed(&reply);
        // The writes reach the fixture's closed mempool, which refuses them (63).
        let write = request["method"].as_str().unwrap().starts_with("starknet_add");
        match write {
            true => assert_eq!(reply["error"]["code"], 63, "{reply}"),
            false => assert!(reply.get("result").is_some(), "{request} -> {reply}"),
        }
    }
}

/// Replaces every block id under `v` (a tag, or a one-member block_number/block_hash
/// object) by `id`.
fn replace_block_ids(v: &mut Value, id: &Value) {
    let is_id = match v {
        Value::String(tag) => tag == "latest",
        Value::Object(o) => o.len() == 1 && (o.contains_key("block_number") || o.contains_key("block_hash")),
        _ => false,
    };
    match v {
        _ if is_id => *v = id.clone(),
        Value::Array(items) => items.iter_mut().for_each(|x| replace_block_ids(x, id)),
        Value::Object(members) => members.values_mut().for_each(|x| replace_block_ids(x, id)),
        _ => {}
    }
}

/// Every method that takes a block id, at the edges of the chain: genesis, the tip,
/// one past it, u64::MAX, unknown hashes.
#[test]
fn edge_block_ids_are_answered_well() {
    let genesis = hex(fixture().chain().record(0).unwrap().unwrap().sealed.block_hash);
    let ids = [
        json!({ "block_number": 0 }),
        json!({ "block_number": 2 }),
        json!({ "block_number": 3 }),
        json!({ "block_number": u64::MAX }),
        json!({ "block_hash": genesis }),
        json!({ "block_hash": "0x0" }),
        json!({ "block_hash": "0x800000000000011000000000000000000000000000000000000000000000000" }),
        json!("pre_confirmed"),
    ];
    for request in requests() {
        for id in &ids {
            let mut edge = request.clone();
            replace_block_ids(&mut edge["params"], id);
            let reply = raw(&fixture().ctx, edge.to_string().as_bytes()).expect("answered");
            assert_reply_well_formed(&reply);
        }
    }
}

/// One change to a JSON value, at the node `at` (pre-order, modulo the node count).
#[derive(Clone, Debug)]
enum Edit {
    Replace(Value),
    /// Drops the node from its array or object.
    Remove,
    /// Repeats an array element.
    Duplicate,
    /// Renames an object member (to a known name, often another parameter's).
    Rename(String),
}

fn edit() -> impl Strategy<Value = (usize, Edit)> {
    let kind = prop_oneof![
        3 => json_value().prop_map(Edit::Replace),
        1 => Just(Edit::Remove),
        1 => Just(Edit::Duplicate),
        1 => word().prop_map(Edit::Rename),
    ];
    (any::<usize>(), kind)
}

fn nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(nodes).sum(),
        Value::Object(o) => o.values().map(nodes).sum(),
        _ => 0,
    }
}

/// Applies `edit` to the `n`-th node under `v` (0 is `v` itself); returns whether done.
fn apply_at(v: &mut Value, n: &mut usize, edit: &Edit) -> bool {
    if *n == 0 {
        if let Edit::Replace(new) = edit {
            *v = new.clone();
        }
        return true;
    }
    *n -= 1;
    match v {
        Value::Array(items) => {
            for i in 0..items.len() {
                if *n == 0 && matches!(edit, Edit::Remove | Edit::Duplicate) {
                    match edit {
                        Edit::Remove => drop(items.remove(i)),
                        _ => items.insert(i, items[i].clone()),
                    }
                    return true;
                }
                if apply_at(&mut items[i], n, edit) {
                    return true;
                }
            }
        }
        Value::Object(members) => {
            let names: Vec<String> = members.keys().cloned().collect();
            for name in names {
                if *n == 0 && matches!(edit, Edit::Remove | Edit::Rename(_)) {
                    let value = members.remove(&name).expect("listed");
                    if let Edit::Rename(to) = edit {
                        members.insert(to.clone(), value);
                    }
                    return true;
                }
                if apply_at(members.get_mut(&name).expect("listed"), n, edit) {
                    return true;
                }
            }
        }
        _ => {}
    }
    false
}

/// Mostly the parameters are edited (the envelope has its own tests), sometimes the
/// whole request.
fn edited() -> impl Strategy<Value = Value> {
    let request = prop::sample::select(requests());
    (request, prop::collection::vec(edit(), 1..=3), prop::bool::weighted(0.8)).prop_map(|(mut request, edits, in_params)| {
        let target = if in_params { &mut request["params"] } else { &mut request };
        for (at, e) in &edits {
            let mut n = at % nodes(target);
            apply_at(target, &mut n, e);
        }
        request
    })
}

fn answered_well(body: &[u8]) {
    if let Some(reply) = raw(&fixture().ctx, body) {
        assert_reply_well_formed(&reply);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn edited_requests_are_answered_well(request in edited()) {
        answered_well(&serde_json::to_vec(&request).unwrap());
    }

    #[test]
    fn garbled_requests_are_answered_well(
        request in prop::sample::select(requests()),
        garbles in prop::collection::vec(any::<(u8, usize, u8, Vec<u8>)>(), 1..=3),
    ) {
        let mut body = serde_json::to_vec(&request).unwrap();
        for (kind, at, byte, bytes) in garbles {
            let m = match kind % 4 {
                0 => Mutation::Set { at, byte },
                1 => Mutation::Insert { at, bytes: if bytes.is_empty() { vec![byte] } else { bytes } },
                2 => Mutation::Delete { at, len: byte as usize % 16 + 1 },
                _ => Mutation::Duplicate { at, len: byte as usize + 1 },
            };
            mutate::apply(&mut body, &m);
        }
        answered_well(&body);
    }
}
