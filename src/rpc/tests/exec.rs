//! `starknet_call` and `starknet_estimateFee` on the latest state.

use kraken_execution::calls::fib;
use kraken_execution::wallet::{self, GasLimits};
use kraken_execution::Felt;
use serde_json::{json, Value};
use starknet_api::abi::abi_utils::selector_from_name;

use super::{call, code, config, fixture, hex};

fn request(contract: Felt, entry_point: &str, calldata: &[Felt]) -> Value {
    json!({
        "contract_address": hex(contract),
        "entry_point_selector": hex(selector_from_name(entry_point).0),
        "calldata": calldata.iter().map(|f| hex(*f)).collect::<Vec<_>>(),
    })
}

#[test]
fn calls_read_the_latest_state_and_change_nothing() {
    let f = fixture();
    let g = &f.chain().genesis;
    let bob = f.account(1).address;
    let balance = call("starknet_call", json!([request(g.token, "balance_of", &[bob]), "latest"])).unwrap();
    assert_eq!(balance, json!([hex(Felt::from(config().balance + 1_000)), "0x0"]));
    let before = f.chain().executed_height().unwrap();
    let fib10 = call("starknet_call", json!({ "request": request(g.fib, "fib", &[Felt::from(10u8)]), "block_id": "pre_confirmed" })).unwrap();
    assert_eq!(fib10, json!(["0x37"]));
    assert_eq!(f.chain().executed_height().unwrap(), before);
}

#[test]
fn call_errors() {
    let f = fixture();
    let g = &f.chain().genesis;
    assert_eq!(code("starknet_call", json!([request(Felt::from(0x999u32), "fib", &[]), "latest"])), 20);
    let missing = call("starknet_call", json!([request(g.fib, "no_such_entry_point", &[]), "latest"])).unwrap_err();
    assert_eq!(missing["code"], 40);
    assert!(missing["data"]["revert_error"].is_string(), "{missing}");
    // fib takes a u64: no argument fails inside the contract.
    assert_eq!(code("starknet_call", json!([request(g.fib, "fib", &[]), "latest"])), 40);
    assert_eq!(code("starknet_call", json!([request(g.fib, "fib", &[]), { "block_number": 1 }])), 24);
    assert_eq!(code("starknet_call", json!([{ "contract_address": hex(g.fib) }, "latest"])), -32602);
    assert_eq!(code("starknet_call", json!([request(g.fib, "fib", &[])])), -32602);
}

/// An invoke of alice's next transaction (nonce 3), signed normally.
fn next_invoke() -> Value {
    let f = fixture();
    let g = &f.chain().genesis;
    let tx = wallet::invoke(f.account(0), Felt::from(3u8), &[fib(g, 5)], GasLimits::default(), &g.chain.chain_id());
    serde_json::to_value(&tx.tx).unwrap()
}

#[test]
fn fee_estimates() {
    let estimates = call("starknet_estimateFee", json!([[next_invoke()], [], "latest"])).unwrap();
    let e = &estimates[0];
    assert_eq!(e["unit"], "FRI");
    assert_eq!(e["l2_gas_price"], "0x1");
    assert_eq!(e["l1_gas_price"], "0x2710");
    assert_eq!(e["l1_data_gas_price"], "0x64");
    let fee = u128::from_str_radix(e["overall_fee"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    let gas = |k: &str| u128::from_str_radix(e[k].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert!(fee > 0);
    assert_eq!(fee, gas("l1_gas_consumed") * 10_000 + gas("l1_data_gas_consumed") * 100 + gas("l2_gas_consumed"));
    let skipped = call("starknet_estimateFee", json!({ "request": [next_invoke()], "simulation_flags": ["SKIP_VALIDATE"], "block_id": "latest" })).unwrap();
    assert_eq!(skipped.as_array().unwrap().len(), 1);
    // Nothing was persisted: the same estimate again.
    assert_eq!(call("starknet_estimateFee", json!([[next_invoke()], [], "latest"])).unwrap(), estimates);
}

#[test]
fn a_bad_transaction_is_an_execution_error_with_its_index() {
    let f = fixture();
    let g = &f.chain().genesis;
    let stale = wallet::invoke(f.account(0), Felt::ZERO, &[fib(g, 5)], GasLimits::default(), &g.chain.chain_id());
    let e = call("starknet_estimateFee", json!([[next_invoke(), serde_json::to_value(&stale.tx).unwrap()], [], "latest"])).unwrap_err();
    assert_eq!(e["code"], 41);
    assert_eq!(e["data"]["transaction_index"], 1);
    assert!(e["data"]["execution_error"].is_string());
    let e = call("starknet_estimateFee", json!([[{ "type": "INVOKE" }], [], "latest"])).unwrap_err();
    assert_eq!(e["code"], 41);
    assert_eq!(e["data"]["transaction_index"], 0);
    assert_eq!(code("starknet_estimateFee", json!([[next_invoke()], ["SKIP_FEE_CHARGE_PLEASE"], "latest"])), -32602);
    assert_eq!(code("starknet_estimateFee", json!([next_invoke(), [], "latest"])), -32602);
    assert_eq!(code("starknet_estimateFee", json!([[next_invoke()], [], { "block_number": 0 }])), 24);
}
