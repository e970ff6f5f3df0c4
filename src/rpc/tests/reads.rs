//! The read methods over blocks, state and transactions: happy paths and every error.

use kraken_execution::Felt;
use kraken_starknet::felt::short_string;
use serde_json::{json, Value};
use starknet_api::abi::abi_utils::get_storage_var_address;

use super::{call, code, fixture, hex};

fn block_hash(n: u64) -> Felt {
    fixture().chain().record(n).unwrap().unwrap().sealed.block_hash
}

#[test]
fn chain_facts() {
    assert_eq!(call("starknet_specVersion", json!([])).unwrap(), "0.9.0");
    assert_eq!(call("starknet_chainId", json!([])).unwrap(), hex(short_string("KRAKEN")));
    assert_eq!(call("starknet_chainId", json!([])).unwrap(), "0x4b52414b454e");
    assert_eq!(call("starknet_syncing", json!([])).unwrap(), false);
    assert_eq!(call("starknet_blockNumber", json!([])).unwrap(), 2);
    assert_eq!(
        call("starknet_blockHashAndNumber", json!([])).unwrap(),
        json!({ "block_hash": hex(block_hash(2)), "block_number": 2 })
    );
}

#[test]
fn blocks_by_number_hash_and_tag() {
    let f = fixture();
    let b = call("starknet_getBlockWithTxHashes", json!([{ "block_number": 1 }])).unwrap();
    let sealed = f.chain().record(1).unwrap().unwrap().sealed;
    assert_eq!(b["block_hash"], hex(sealed.block_hash));
    assert_eq!(b["parent_hash"], hex(block_hash(0)));
    assert_eq!(b["block_number"], 1);
    assert_eq!(b["new_root"], hex(sealed.state_root));
    assert_eq!(b["timestamp"], sealed.timestamp);
    assert_eq!(b["sequencer_address"], hex(f.chain().executor.chain.sequencer_address));
    assert_eq!(b["status"], "ACCEPTED_ON_L2");
    assert_eq!(b["l1_da_mode"], "BLOB");
    assert_eq!(b["starknet_version"], "0.14.0");
    assert_eq!(b["l1_gas_price"], json!({ "price_in_fri": "0x2710", "price_in_wei": "0x2710" }));
    assert_eq!(b["l2_gas_price"]["price_in_fri"], "0x1");
    assert_eq!(b["l1_data_gas_price"]["price_in_fri"], "0x64");
    // Included transactions only: not the rejected third and fourth.
    let included = [f.b1[0], f.b1[1], f.b1[4], f.b1[5]].map(hex);
    assert_eq!(b["transactions"], json!(included));
    assert_eq!(call("starknet_getBlockWithTxHashes", json!([{ "block_hash": hex(sealed.block_hash) }])).unwrap(), b);
    for tag in ["latest", "pre_confirmed"] {
        let latest = call("starknet_getBlockWithTxHashes", json!([tag])).unwrap();
        assert_eq!(latest["block_number"], 2, "{tag}");
        assert_eq!(latest["transactions"], json!([hex(f.b2[0])]));
    }
    // No proof was submitted: the latest block settled is genesis (see settle.rs).
    assert_eq!(call("starknet_getBlockWithTxHashes", json!(["l1_accepted"])).unwrap()["block_number"], 0);
    let genesis = call("starknet_getBlockWithTxHashes", json!([{ "block_number": 0 }])).unwrap();
    assert_eq!(genesis["transactions"], json!([]));
    assert_eq!(genesis["parent_hash"], "0x0");
}

#[test]
fn unknown_blocks_are_not_found() {
    for method in [
        "starknet_getBlockWithTxHashes",
        "starknet_getBlockWithTxs",
        "starknet_getBlockWithReceipts",
        "starknet_getBlockTransactionCount",
        "starknet_getStateUpdate",
    ] {
        assert_eq!(code(method, json!([{ "block_number": 3 }])), 24, "{method}");
        assert_eq!(code(method, json!([{ "block_hash": "0x1234" }])), 24, "{method}");
    }
    assert_eq!(code("starknet_getTransactionByBlockIdAndIndex", json!([{ "block_number": 99 }, 0])), 24);
}

#[test]
fn blocks_with_transactions_and_receipts() {
    let f = fixture();
    let b = call("starknet_getBlockWithTxs", json!([{ "block_number": 1 }])).unwrap();
    let txs = b["transactions"].as_array().unwrap();
    assert_eq!(txs.len(), 4);
    assert_eq!(txs[0]["transaction_hash"], hex(f.b1[0]));
    assert_eq!(txs[0]["type"], "INVOKE");
    assert_eq!(txs[0]["version"], "0x3");
    assert_eq!(txs[0]["sender_address"], hex(f.account(0).address));
    assert_eq!(txs[3]["type"], "DEPLOY_ACCOUNT");
    assert_eq!(txs[3]["transaction_hash"], hex(f.b1[5]));
    let b = call("starknet_getBlockWithReceipts", json!([{ "block_number": 1 }])).unwrap();
    let items = b["transactions"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["receipt"]["transaction_hash"], hex(f.b1[0]));
    assert!(items[0]["transaction"].get("transaction_hash").is_none(), "the spec's TXN here has no hash");
    assert_eq!(items[0]["receipt"]["execution_status"], "SUCCEEDED");
    assert_eq!(items[1]["receipt"]["execution_status"], "REVERTED");
    assert!(items[1]["receipt"]["revert_reason"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(items[0]["receipt"].get("block_hash").is_none(), "block info is the block's, not repeated");
    assert_eq!(call("starknet_getBlockTransactionCount", json!([{ "block_number": 1 }])).unwrap(), 4);
    assert_eq!(call("starknet_getBlockTransactionCount", json!([{ "block_number": 0 }])).unwrap(), 0);
}

#[test]
fn state_updates() {
    let f = fixture();
    let g = &f.chain().genesis;
    let s0 = call("starknet_getStateUpdate", json!([{ "block_number": 0 }])).unwrap();
    assert_eq!(s0["old_root"], "0x0");
    assert_eq!(s0["state_diff"]["declared_classes"].as_array().unwrap().len(), 5, "account, erc20, fib, fact, udc");
    let s1 = call("starknet_getStateUpdate", json!([{ "block_number": 1 }])).unwrap();
    let r0 = f.chain().record(0).unwrap().unwrap().sealed;
    let r1 = f.chain().record(1).unwrap().unwrap().sealed;
    assert_eq!(s1["block_hash"], hex(r1.block_hash));
    assert_eq!(s1["old_root"], hex(r0.state_root));
    assert_eq!(s1["new_root"], hex(r1.state_root));
    let diff = &s1["state_diff"];
    assert!(diff["nonces"].as_array().unwrap().contains(&json!({ "contract_address": hex(f.account(0).address), "nonce": "0x2" })));
    assert_eq!(diff["deployed_contracts"], json!([{ "address": hex(f.newcomer.address), "class_hash": hex(g.account_class.0) }]));
    assert_eq!(diff["declared_classes"], json!([]));
    let token = diff["storage_diffs"].as_array().unwrap().iter().find(|d| d["address"] == hex(g.token)).expect("KRK balances moved");
    assert!(!token["storage_entries"].as_array().unwrap().is_empty());
}

#[test]
fn storage_nonces_and_classes_at_the_latest_block() {
    let f = fixture();
    let g = &f.chain().genesis;
    let bob = f.account(1).address;
    let key = *get_storage_var_address("ERC20_balances", &[bob]).0.key();
    let balance = call("starknet_getStorageAt", json!([hex(g.token), hex(key), "latest"])).unwrap();
    assert_eq!(balance, hex(Felt::from(super::config().balance + 1_000)));
    assert_eq!(call("starknet_getStorageAt", json!([hex(g.token), "0x5", "latest"])).unwrap(), "0x0");
    let by_name = json!({ "block_id": { "block_number": 2 }, "key": hex(key), "contract_address": hex(g.token) });
    assert_eq!(call("starknet_getStorageAt", by_name).unwrap(), balance);
    assert_eq!(call("starknet_getNonce", json!(["latest", hex(f.account(0).address)])).unwrap(), "0x3");
    assert_eq!(call("starknet_getNonce", json!(["latest", hex(f.newcomer.address)])).unwrap(), "0x1");
    assert_eq!(call("starknet_getClassHashAt", json!(["latest", hex(bob)])).unwrap(), hex(g.account_class.0));
    let class = call("starknet_getClass", json!(["latest", hex(g.fib_class.0)])).unwrap();
    assert!(class["sierra_program"].as_array().is_some_and(|p| !p.is_empty()));
    assert!(class["entry_points_by_type"]["EXTERNAL"].is_array());
    assert!(class["abi"].is_string());
    assert!(class["contract_class_version"].is_string());
    assert_eq!(call("starknet_getClassAt", json!(["latest", hex(g.fib)])).unwrap(), class);
}

#[test]
fn storage_at_earlier_blocks_is_the_last_write_up_to_them() {
    let f = fixture();
    let g = &f.chain().genesis;
    let bob = f.account(1).address;
    let key = *get_storage_var_address("ERC20_balances", &[bob]).0.key();
    let at = |block: u64| call("starknet_getStorageAt", json!([hex(g.token), hex(key), { "block_number": block }])).unwrap();
    // Genesis funds bob; block 1 sends him 1000 KRK; block 2 leaves his balance alone.
    assert_eq!(at(0), hex(Felt::from(super::config().balance)));
    assert_eq!(at(1), hex(Felt::from(super::config().balance + 1_000)));
    assert_eq!(at(2), at(1));
    // A slot nobody wrote, and a contract deployed later (the newcomer, in block 1).
    assert_eq!(call("starknet_getStorageAt", json!([hex(g.token), "0x5", { "block_number": 0 }])).unwrap(), "0x0");
    let newcomer = hex(f.newcomer.address);
    assert_eq!(code("starknet_getStorageAt", json!([newcomer, "0x0", { "block_number": 0 }])), 20);
    assert!(call("starknet_getStorageAt", json!([newcomer, "0x0", { "block_number": 1 }])).is_ok());
}

#[test]
fn state_errors() {
    let f = fixture();
    let g = &f.chain().genesis;
    let nobody = "0x123456";
    assert_eq!(code("starknet_getStorageAt", json!([nobody, "0x0", "latest"])), 20);
    assert_eq!(code("starknet_getNonce", json!(["latest", nobody])), 20);
    assert_eq!(code("starknet_getClassHashAt", json!(["latest", nobody])), 20);
    assert_eq!(code("starknet_getClassAt", json!(["latest", nobody])), 20);
    assert_eq!(code("starknet_getClass", json!(["latest", "0x99"])), 28);
    // Storage is read at any block; nonces and classes only at the latest.
    assert_eq!(code("starknet_getStorageAt", json!([hex(g.token), "0x0", { "block_number": 9 }])), 24);
    assert_eq!(code("starknet_getStorageAt", json!([nobody, "0x0", { "block_number": 1 }])), 20);
    assert_eq!(code("starknet_getNonce", json!([{ "block_number": 9 }, hex(g.token)])), 24);
    assert_eq!(code("starknet_getClass", json!([{ "block_hash": "0x77" }, hex(g.fib_class.0)])), 24);
    assert_eq!(code("starknet_getNonce", json!(["latest"])), -32602);
}

#[test]
fn transactions_by_hash_and_by_index() {
    let f = fixture();
    let t = call("starknet_getTransactionByHash", json!([hex(f.b1[0])])).unwrap();
    assert_eq!(t["transaction_hash"], hex(f.b1[0]));
    assert_eq!(t["nonce"], "0x0");
    assert_eq!(t, call("starknet_getTransactionByBlockIdAndIndex", json!([{ "block_number": 1 }, 0])).unwrap());
    let deploy = call("starknet_getTransactionByBlockIdAndIndex", json!([{ "block_number": 1 }, 3])).unwrap();
    assert_eq!(deploy["transaction_hash"], hex(f.b1[5]));
    assert_eq!(code("starknet_getTransactionByBlockIdAndIndex", json!([{ "block_number": 1 }, 4])), 27);
    assert_eq!(code("starknet_getTransactionByBlockIdAndIndex", json!([{ "block_number": 0 }, 0])), 27);
    assert_eq!(code("starknet_getTransactionByBlockIdAndIndex", json!([{ "block_number": 1 }, -1])), -32602);
    assert_eq!(code("starknet_getTransactionByHash", json!([hex(f.b1[2])])), 29, "rejected");
    assert_eq!(code("starknet_getTransactionByHash", json!(["0xdead"])), 29);
    assert_eq!(code("starknet_getTransactionByHash", json!(["dead"])), -32602);
}

#[test]
fn receipts() {
    let f = fixture();
    let r = call("starknet_getTransactionReceipt", json!([hex(f.b1[0])])).unwrap();
    assert_eq!(r["type"], "INVOKE");
    assert_eq!(r["transaction_hash"], hex(f.b1[0]));
    assert_eq!(r["execution_status"], "SUCCEEDED");
    assert_eq!(r["finality_status"], "ACCEPTED_ON_L2");
    assert_eq!(r["block_number"], 1);
    assert_eq!(r["block_hash"], hex(block_hash(1)));
    assert_eq!(r["actual_fee"]["unit"], "FRI");
    assert_ne!(r["actual_fee"]["amount"], "0x0");
    assert!(r["events"].as_array().is_some_and(|e| e.len() >= 2), "the transfer and the fee transfer");
    assert!(r["execution_resources"]["l2_gas"].as_u64().is_some_and(|g| g > 0));
    assert!(r.get("revert_reason").is_none());
    let reverted = call("starknet_getTransactionReceipt", json!([hex(f.b1[1])])).unwrap();
    assert_eq!(reverted["execution_status"], "REVERTED");
    assert!(reverted["revert_reason"].is_string());
    let deploy = call("starknet_getTransactionReceipt", json!([hex(f.b1[5])])).unwrap();
    assert_eq!(deploy["type"], "DEPLOY_ACCOUNT");
    assert_eq!(deploy["contract_address"], hex(f.newcomer.address));
    assert_eq!(code("starknet_getTransactionReceipt", json!([hex(f.b1[2])])), 29, "rejected");
    assert_eq!(code("starknet_getTransactionReceipt", json!(["0xdead"])), 29);
}

#[test]
fn statuses() {
    let f = fixture();
    let status = |h: Felt| call("starknet_getTransactionStatus", json!([hex(h)])).unwrap();
    assert_eq!(status(f.b1[0]), json!({ "finality_status": "ACCEPTED_ON_L2", "execution_status": "SUCCEEDED" }));
    let reverted = status(f.b1[1]);
    assert_eq!(reverted["execution_status"], "REVERTED");
    assert!(reverted["failure_reason"].is_string());
    assert_eq!(code("starknet_getTransactionStatus", json!([hex(f.b1[2])])), 29, "rejected at execution");
    assert_eq!(code("starknet_getTransactionStatus", json!(["0xdead"])), 29);
    assert_eq!(code("starknet_getTransactionStatus", json!([])), -32602);
    let _: Value = status(f.b2[0]);
}
