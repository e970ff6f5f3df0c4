//! The write API: what is submitted to the mempool, and how its answer is returned.

use futures::executor::block_on;
use kraken_execution::calls::fib;
use kraken_execution::genesis::artifacts;
use kraken_execution::wallet::{self, Account, GasLimits, SignedTx};
use kraken_execution::{CompiledClass, Felt};
use serde_json::{json, Value};

use super::{call_on, fixture, hex};
use crate::chain::StarknetAdmission;
use crate::mempool::{Admission, MempoolHandle, Rejection, TxCheck};
use crate::rpc::{ReceivedTxs, RpcContext};
use crate::types::Tx;

/// Calls `method` with a mempool that answers `answer(tx)`; also returns what it got.
fn submit(method: &str, params: Value, answer: impl Fn(&Tx) -> Admission) -> (Result<Value, Value>, Vec<Tx>) {
    submit_to(ReceivedTxs::default(), method, params, answer)
}

/// As `submit`, recording admissions in `received`.
fn submit_to(
    received: ReceivedTxs,
    method: &str,
    params: Value,
    answer: impl Fn(&Tx) -> Admission,
) -> (Result<Value, Value>, Vec<Tx>) {
    let (mempool, mut submissions) = MempoolHandle::channel(4);
    let ctx = RpcContext { mempool, received, ..fixture().ctx.clone() };
    let mut got = Vec::new();
    let result = block_on(async {
        let serve = async {
            while let Some((tx, ack)) = submissions.recv().await {
                let _ = ack.send(answer(&tx));
                got.push(tx);
            }
        };
        // The call owns the only handle: when it is done, the channel closes.
        futures::join!(call_owned(ctx, method, params), serve).0
    });
    (result, got)
}

async fn call_owned(ctx: RpcContext, method: &str, params: Value) -> Result<Value, Value> {
    let body = json!({ "jsonrpc": "2.0", "method": method, "params": params, "id": 1 });
    let reply = crate::rpc::handle(&ctx, body.to_string().as_bytes()).await.expect("answered");
    let reply: Value = serde_json::from_slice(&reply).expect("replies are JSON");
    match reply.get("result") {
        Some(r) => Ok(r.clone()),
        None => Err(reply["error"].clone()),
    }
}

fn admit(tx: &Tx) -> Admission {
    Admission::Admitted(tx.id())
}

fn invoke(nonce: u64) -> SignedTx {
    let g = &fixture().chain().genesis;
    wallet::invoke(fixture().account(2), Felt::from(nonce), &[fib(g, 4)], GasLimits::default(), &g.chain.chain_id())
}

#[test]
fn an_invoke_is_submitted_as_its_json_bytes_and_answered_with_its_hash() {
    let tx = invoke(0);
    let (r, got) = submit("starknet_addInvokeTransaction", json!([serde_json::to_value(&tx.tx).unwrap()]), admit);
    assert_eq!(r.unwrap(), json!({ "transaction_hash": hex(tx.hash) }));
    assert_eq!(got, vec![Tx(tx.encode())], "exactly serde_json::to_vec of the RpcTransaction");
    let by_name = json!({ "invoke_transaction": serde_json::to_value(&tx.tx).unwrap() });
    assert_eq!(submit("starknet_addInvokeTransaction", by_name, admit).0.unwrap()["transaction_hash"], hex(tx.hash));
}

#[test]
fn an_admitted_transaction_reads_received_until_it_is_executed() {
    let tx = invoke(0);
    let params = json!([serde_json::to_value(&tx.tx).unwrap()]);
    let received = ReceivedTxs::default();
    let refuse = |_: &Tx| Admission::Rejected { tx: Default::default(), reason: Rejection::mempool("full") };
    submit_to(received.clone(), "starknet_addInvokeTransaction", params.clone(), refuse).0.unwrap_err();
    let ctx = RpcContext { received: received.clone(), ..fixture().ctx.clone() };
    let status = |h: Felt| call_on(&ctx, "starknet_getTransactionStatus", json!([hex(h)]));
    assert_eq!(status(tx.hash).unwrap_err()["code"], 29, "a refused transaction is not received");
    submit_to(received.clone(), "starknet_addInvokeTransaction", params, admit).0.unwrap();
    assert_eq!(status(tx.hash).unwrap(), json!({ "finality_status": "RECEIVED" }));
    // Once executed, the executed status wins.
    let executed = fixture().b1[0];
    received.insert(executed);
    assert_eq!(status(executed).unwrap()["finality_status"], "ACCEPTED_ON_L2");
}

#[test]
fn a_deploy_account_returns_its_address_and_a_declare_its_class() {
    let g = &fixture().chain().genesis;
    let chain_id = g.chain.chain_id();
    let newcomer = Account::from_key(Felt::from(0xBEEFu32), g.account_class);
    let deploy = wallet::deploy_account(&newcomer, g.account_class, GasLimits::default(), &chain_id);
    let (r, _) = submit("starknet_addDeployAccountTransaction", json!([serde_json::to_value(&deploy.tx).unwrap()]), admit);
    assert_eq!(r.unwrap(), json!({ "transaction_hash": hex(deploy.hash), "contract_address": hex(newcomer.address) }));
    let class = CompiledClass::from_artifacts(artifacts::FIB.0, artifacts::FIB.1).unwrap();
    let declare = wallet::declare(
        fixture().account(3),
        Felt::ZERO,
        (*class.sierra).clone(),
        class.compiled_class_hash,
        GasLimits::default(),
        &chain_id,
    );
    let (r, got) = submit("starknet_addDeclareTransaction", json!([serde_json::to_value(&declare.tx).unwrap()]), admit);
    assert_eq!(r.unwrap(), json!({ "transaction_hash": hex(declare.hash), "class_hash": hex(g.fib_class.0) }));
    assert_eq!(got, vec![Tx(declare.encode())]);
}

#[test]
fn rejections_keep_their_starknet_code() {
    let tx = json!([serde_json::to_value(&invoke(0).tx).unwrap()]);
    let nonce = |_: &Tx| Admission::Rejected {
        tx: Default::default(),
        reason: Rejection { code: Some(52), message: "Invalid transaction nonce".into(), data: "nonce 0 is used".into() },
    };
    let e = submit("starknet_addInvokeTransaction", tx.clone(), nonce).0.unwrap_err();
    assert_eq!(e, json!({ "code": 52, "message": "Invalid transaction nonce", "data": "nonce 0 is used" }));
    let dup = |_: &Tx| Admission::Rejected { tx: Default::default(), reason: Rejection::duplicate("already pending") };
    assert_eq!(submit("starknet_addInvokeTransaction", tx.clone(), dup).0.unwrap_err()["code"], 59);
    let oversize = |_: &Tx| Admission::Rejected { tx: Default::default(), reason: Rejection::mempool("too big") };
    let e = submit("starknet_addInvokeTransaction", tx.clone(), oversize).0.unwrap_err();
    assert_eq!(e["code"], 63);
    assert!(e["data"].as_str().unwrap().contains("too big"));
    // A mempool that is gone refuses too (no Starknet code).
    assert_eq!(call_on(&fixture().ctx, "starknet_addInvokeTransaction", tx).unwrap_err()["code"], 63);
}

#[test]
fn malformed_writes_never_reach_the_mempool() {
    let tx = serde_json::to_value(&invoke(0).tx).unwrap();
    let never = |_: &Tx| -> Admission { panic!("submitted") };
    let mut wrong_type = tx.clone();
    wrong_type["type"] = json!("DECLARE");
    let mut old = tx.clone();
    old["version"] = json!("0x1");
    let mut query = tx.clone();
    query["version"] = json!("0x100000000000000000000000000000003");
    let mut broken = tx.clone();
    broken.as_object_mut().unwrap().remove("calldata");
    for (params, expected) in [
        (json!([wrong_type]), -32602),
        (json!([old]), 61),
        (json!([query]), 61),
        (json!([broken]), -32602),
        (json!(["0x1"]), -32602),
        (json!([]), -32602),
        (json!({ "declare_transaction": tx.clone() }), -32602),
    ] {
        let (r, got) = submit("starknet_addInvokeTransaction", params.clone(), never);
        assert_eq!(r.unwrap_err()["code"], expected, "{params}");
        assert!(got.is_empty());
    }
    assert_eq!(submit("starknet_addDeclareTransaction", json!([tx]), never).0.unwrap_err()["code"], -32602);
}

/// The mempool's Starknet check keeps the code a client must see.
#[test]
fn starknet_admission_rejects_with_the_spec_code() {
    let f = fixture();
    let check = StarknetAdmission { chain: f.chain().clone() };
    let g = &f.chain().genesis;
    let used = wallet::invoke(f.account(0), Felt::ZERO, &[fib(g, 1)], GasLimits::default(), &g.chain.chain_id());
    let r = check.check(&Tx(used.encode())).unwrap_err();
    assert_eq!(r.code, Some(52), "{r}");
    assert_eq!(r.message, "Invalid transaction nonce");
    let garbage = check.check(&Tx(b"{}".to_vec())).unwrap_err();
    assert_eq!(garbage.code, Some(61), "{garbage}");
    assert!(check.check(&Tx(invoke(0).encode())).is_ok());
}
