//! A block range's program input, fetched over the standard JSON-RPC from any node.

use std::future::Future;

use anyhow::{anyhow, bail, Context};
use kraken_execution::{Felt, Genesis, GenesisConfig};
use serde_json::{json, Value};
use starknet_api::abi::abi_utils::get_storage_var_address;

use super::input::{balance_addresses, block_number, program_input, Balance, BlockAnswers, ChainFacts};

/// A JSON-RPC endpoint: an HTTP client, or a node's handlers in process.
pub trait Rpc {
    /// The result of `method` with `params`, or the error object (code, message).
    fn call(&self, method: &str, params: Value) -> impl Future<Output = Result<Value, RpcFailure>>;
}

/// A JSON-RPC error answer (`code`), or a transport failure (`code` None).
#[derive(Debug, Clone)]
pub struct RpcFailure {
    pub code: Option<i64>,
    pub message: String,
}

impl std::fmt::Display for RpcFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code {
            Some(code) => write!(f, "JSON-RPC error {code}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

impl RpcFailure {
    /// The `result` of a JSON-RPC 2.0 answer, or its `error` as a failure (its `data`,
    /// when given, appended to the message).
    pub fn answer(mut reply: Value) -> Result<Value, RpcFailure> {
        if let Some(result) = reply.get_mut("result") {
            return Ok(result.take());
        }
        let e = &reply["error"];
        let mut message = e["message"].as_str().unwrap_or("malformed reply").to_string();
        if let Some(data) = e.get("data") {
            message = format!("{message}: {}", data.as_str().map_or_else(|| data.to_string(), str::to_string));
        }
        Err(RpcFailure { code: e["code"].as_i64(), message })
    }
}

/// The Starknet spec's BLOCK_NOT_FOUND.
const BLOCK_NOT_FOUND: i64 = 24;

/// The answers the program input of blocks `first..=last` is built from.
pub struct Answers {
    pub chain: ChainFacts,
    pub balances: Vec<Balance>,
    pub blocks: Vec<BlockAnswers>,
}

impl Answers {
    /// The block program's input.
    pub fn program_input(&self) -> Result<Vec<Felt>, super::input::InputError> {
        program_input(&self.chain, &self.balances, &self.blocks)
    }
}

/// The genesis contracts the block program executes, where Kraken's genesis puts them,
/// with their class hashes.
/// Built once: the genesis compiles its classes, and a node checks every proof handed to
/// it against these.
pub fn genesis_contracts() -> [(&'static str, Felt, Felt); 3] {
    static CONTRACTS: std::sync::OnceLock<[(&str, Felt, Felt); 3]> = std::sync::OnceLock::new();
    *CONTRACTS.get_or_init(|| {
        let g = Genesis::build(&GenesisConfig { accounts: 0, ..GenesisConfig::default() });
        [("fib", g.fib, g.fib_class.0), ("fact", g.fact, g.fact_class.0), ("KRK token", g.token, g.erc20_class.0)]
    })
}

/// The block program's input for `first..=last`, from `rpc`.
pub async fn fetch_input(rpc: &impl Rpc, first: u64, last: u64) -> anyhow::Result<Vec<Felt>> {
    Ok(fetch_answers(rpc, first, last).await?.program_input()?)
}

/// Fetches what the block program needs for `first..=last` from `rpc`.
pub async fn fetch_answers(rpc: &impl Rpc, first: u64, last: u64) -> anyhow::Result<Answers> {
    if first > last {
        bail!("the range {first}..{last} is empty: the first block comes after the last");
    }
    let chain = chain_facts(rpc).await?;
    let mut blocks = Vec::new();
    for n in first..=last {
        let id = json!({ "block_number": n });
        let block = rpc.call("starknet_getBlockWithReceipts", json!([id])).await.map_err(|e| no_block(n, e))?;
        if block_number(&block)? != n {
            bail!("the node answered block {} when asked for block {n}", block_number(&block)?);
        }
        let state_update = rpc.call("starknet_getStateUpdate", json!([id])).await.map_err(|e| no_block(n, e))?;
        blocks.push(BlockAnswers { block, state_update });
    }
    let mut balances = Vec::new();
    for address in balance_addresses(&chain, &blocks)? {
        balances.push(balance_before(rpc, chain.token, address, first).await?);
    }
    Ok(Answers { chain, balances, blocks })
}

fn no_block(n: u64, e: RpcFailure) -> anyhow::Error {
    if e.code == Some(BLOCK_NOT_FOUND) {
        anyhow!("no block {n} on this chain yet ({e})")
    } else {
        anyhow!("fetching block {n}: {e}")
    }
}

/// The chain id, and the genesis contracts checked to be there (Kraken's contracts never
/// replace their class, so the latest block tells).
async fn chain_facts(rpc: &impl Rpc) -> anyhow::Result<ChainFacts> {
    let chain_id = rpc.call("starknet_chainId", json!([])).await.map_err(|e| anyhow!("starknet_chainId: {e}"))?;
    let chain_id = chain_id.as_str().and_then(|s| Felt::from_hex(s).ok()).ok_or_else(|| anyhow!("starknet_chainId answered {chain_id}, not a hex felt"))?;
    let contracts = genesis_contracts();
    for (name, address, class) in contracts {
        let found = rpc
            .call("starknet_getClassHashAt", json!(["latest", format!("{address:#x}")]))
            .await
            .map_err(|e| anyhow!("the chain has no {name} contract at {address:#x}, where Kraken's genesis puts it ({e}): the block program executes calls to Kraken's genesis contracts"))?;
        if found.as_str().and_then(|s| Felt::from_hex(s).ok()) != Some(class) {
            bail!("the contract at {address:#x} has class {found}, not Kraken's genesis {name} class {class:#x}");
        }
    }
    Ok(ChainFacts { chain_id, fib: contracts[0].1, fact: contracts[1].1, token: contracts[2].1 })
}

/// `address`'s KRK balance before block `first` (0 before block 0).
async fn balance_before(rpc: &impl Rpc, token: Felt, address: Felt, first: u64) -> anyhow::Result<Balance> {
    let Some(parent) = first.checked_sub(1) else {
        return Ok(Balance { address, low: Felt::ZERO, high: Felt::ZERO });
    };
    let slot = *get_storage_var_address("ERC20_balances", &[address]).0.key();
    let mut limbs = [Felt::ZERO; 2];
    for (limb, key) in limbs.iter_mut().zip([slot, slot + Felt::ONE]) {
        let params = json!([format!("{token:#x}"), format!("{key:#x}"), { "block_number": parent }]);
        let v = rpc.call("starknet_getStorageAt", params).await.map_err(|e| anyhow!("the KRK balance of {address:#x} at block {parent}: {e}"))?;
        *limb = v.as_str().and_then(|s| Felt::from_hex(s).ok()).with_context(|| format!("starknet_getStorageAt answered {v}, not a hex felt"))?;
    }
    Ok(Balance { address, low: limbs[0], high: limbs[1] })
}
