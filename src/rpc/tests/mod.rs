//! The JSON-RPC over a real chain: genesis and two executed blocks on an in-memory
//! store (VM engine), shared by all tests. Handlers are driven with `block_on`: reads
//! never await, and writes only await a mempool channel the test answers.

mod events;
mod exec;
mod hostile;
mod mutated;
mod protocol;
mod reads;
mod settle;
mod write;

use std::sync::{Arc, OnceLock};

use futures::executor::block_on;
use kraken_execution::calls::{fib, transfer};
use kraken_execution::wallet::{self, Account, GasLimits};
use kraken_execution::{Engine, Felt, GenesisConfig};
use serde_json::{json, Value};

use super::{handle, RpcContext};
use crate::chain::{Chain, ChainSettings};
use crate::mempool::MempoolHandle;
use crate::storage::{Store, Table};
use crate::types::Tx;

pub struct Fixture {
    pub ctx: RpcContext,
    /// Block 1, in order: a transfer (succeeds), a transfer beyond the balance
    /// (reverts), a nonce from the future (rejected), garbage (rejected, no hash), the
    /// funding of `newcomer`, its deploy-account.
    pub b1: Vec<Felt>,
    /// Block 2: a fib call.
    pub b2: Vec<Felt>,
    pub newcomer: Account,
}

impl Fixture {
    pub fn chain(&self) -> &Arc<Chain> {
        &self.ctx.chain
    }
    pub fn account(&self, i: usize) -> &Account {
        &self.chain().genesis.accounts[i]
    }
}

pub fn config() -> GenesisConfig {
    GenesisConfig { accounts: 4, ..GenesisConfig::default() }
}

/// A context whose mempool is gone: every write is refused (reads never submit).
pub fn closed_mempool() -> MempoolHandle {
    MempoolHandle::channel(1).0
}

pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let store = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
        let chain = Chain::open(store.clone(), &ChainSettings { engine: Engine::Vm, genesis: config(), ..Default::default() }).unwrap();
        let g = chain.genesis.clone();
        let (alice, bob) = (&g.accounts[0], &g.accounts[1]);
        let newcomer = Account::from_key(Felt::from(0xC0FFEEu64), g.account_class);
        let chain_id = g.chain.chain_id();
        let too_much = config().balance + 1;
        let deploy = wallet::deploy_account(&newcomer, g.account_class, GasLimits::default(), &chain_id);
        let block1 = vec![
            wallet::invoke(alice, Felt::ZERO, &[transfer(g.token, bob.address, 1_000)], GasLimits::default(), &chain_id),
            wallet::invoke(alice, Felt::ONE, &[transfer(g.token, bob.address, too_much)], GasLimits::default(), &chain_id),
            wallet::invoke(alice, Felt::from(7u8), &[fib(&g, 3)], GasLimits::default(), &chain_id),
        ];
        let mut b1: Vec<Felt> = block1.iter().map(|t| t.hash).collect();
        let mut txs: Vec<Tx> = block1.iter().map(|t| Tx(t.encode())).collect();
        txs.push(Tx(b"not a transaction".to_vec()));
        b1.push(Felt::ZERO);
        let fund = wallet::invoke(bob, Felt::ZERO, &[transfer(g.chain.fee_token, newcomer.address, 10u128.pow(18))], GasLimits::default(), &chain_id);
        for t in [fund, deploy] {
            b1.push(t.hash);
            txs.push(Tx(t.encode()));
        }
        store.put(Table::BlockTxs, &1u64.to_be_bytes(), &txs).unwrap();
        let fib_tx = wallet::invoke(alice, Felt::TWO, &[fib(&g, 10)], GasLimits::default(), &chain_id);
        let b2 = vec![fib_tx.hash];
        store.put(Table::BlockTxs, &2u64.to_be_bytes(), &vec![Tx(fib_tx.encode())]).unwrap();
        chain.execute_next().unwrap().expect("block 1 executes");
        chain.execute_next().unwrap().expect("block 2 executes");
        Fixture { ctx: RpcContext { chain, mempool: closed_mempool(), store, received: Default::default() }, b1, b2, newcomer }
    })
}

/// The raw reply to `body`, parsed (`None`: no reply).
pub fn raw(ctx: &RpcContext, body: &[u8]) -> Option<Value> {
    block_on(handle(ctx, body)).map(|b| serde_json::from_slice(&b).expect("replies are JSON"))
}

/// Calls `method` with `params` (id 1); the result or the error object.
pub fn call_on(ctx: &RpcContext, method: &str, params: Value) -> Result<Value, Value> {
    let body = json!({ "jsonrpc": "2.0", "method": method, "params": params, "id": 1 });
    let reply = raw(ctx, body.to_string().as_bytes()).expect("a request with an id is answered");
    assert_eq!(reply["jsonrpc"], "2.0");
    assert_eq!(reply["id"], 1);
    match (reply.get("result"), reply.get("error")) {
        (Some(r), None) => Ok(r.clone()),
        (None, Some(e)) => Err(e.clone()),
        _ => panic!("a reply holds a result or an error: {reply}"),
    }
}

pub fn call(method: &str, params: Value) -> Result<Value, Value> {
    call_on(&fixture().ctx, method, params)
}

/// The error code `method` answers with.
pub fn code(method: &str, params: Value) -> i64 {
    match call(method, params) {
        Err(e) => e["code"].as_i64().expect("error codes are integers"),
        Ok(r) => panic!("{method} succeeded: {r}"),
    }
}

pub fn hex(f: Felt) -> Value {
    Value::String(format!("{f:#x}"))
}

/// Error codes a reply may carry: JSON-RPC's protocol errors and the Starknet spec's
/// (all below 100). Internal errors (-32603) are a store failing, never a request.
fn allowed_code(code: i64) -> bool {
    matches!(code, -32700 | -32600 | -32601 | -32602) || (1..100).contains(&code)
}

/// Checks one reply object: JSON-RPC 2.0, the given id when it was usable, and either
/// a result or a well-formed error with an allowed code.
pub fn assert_well_formed(reply: &Value) {
    let obj = reply.as_object().unwrap_or_else(|| panic!("a reply is an object: {reply}"));
    assert_eq!(obj.get("jsonrpc"), Some(&json!("2.0")), "{reply}");
    assert!(matches!(obj.get("id"), Some(Value::Null | Value::Number(_) | Value::String(_))), "{reply}");
    assert_eq!(obj.len(), 3, "jsonrpc, id and one of result or error: {reply}");
    if obj.contains_key("result") {
        return;
    }
    let e = obj["error"].as_object().unwrap_or_else(|| panic!("an error is an object: {reply}"));
    let code = e.get("code").and_then(Value::as_i64).unwrap_or_else(|| panic!("an integer code: {reply}"));
    assert!(allowed_code(code), "code {code}: {reply}");
    assert!(e.get("message").is_some_and(Value::is_string), "{reply}");
    assert!(e.keys().all(|k| ["code", "message", "data"].contains(&k.as_str())), "{reply}");
}

/// Checks what `handle` answered to a whole body: an object, or a batch of them.
pub fn assert_reply_well_formed(reply: &Value) {
    match reply {
        Value::Array(replies) => {
            assert!(!replies.is_empty(), "an empty batch reply is never sent");
            replies.iter().for_each(assert_well_formed);
        }
        one => assert_well_formed(one),
    }
}
