//! `kraken genesis`: what a chain's genesis holds, as JSON, for wallets, scripts and the
//! end-to-end tests (keys included: genesis keys derive from a public seed and are test
//! keys only).

use std::path::Path;

use kraken_execution::{Felt, Genesis, GenesisConfig};
use kraken_starknet::felt::short_string;
use serde_json::{json, Value};

use super::node_config;

/// The genesis config of the nodes run with `config` (the default genesis without one).
pub fn genesis_config(config: Option<&Path>) -> anyhow::Result<GenesisConfig> {
    let Some(path) = config else { return Ok(GenesisConfig::default()) };
    match node_config(Some(path))?.execution {
        Some(settings) => Ok(settings.genesis),
        None => anyhow::bail!("--config {}: no [execution] table, so its nodes run no Starknet chain", path.display()),
    }
}

fn hex(f: &Felt) -> String {
    format!("{f:#x}")
}

pub fn to_json(g: &Genesis) -> Value {
    let accounts: Vec<Value> = g
        .accounts
        .iter()
        .map(|a| json!({ "address": hex(&a.address), "private_key": hex(&a.private_key), "public_key": hex(&a.public_key) }))
        .collect();
    json!({
        "chain_id": g.chain.chain_id,
        "chain_id_hex": hex(&short_string(&g.chain.chain_id)),
        "fee_token": hex(&g.chain.fee_token),
        "token": hex(&g.token),
        "fib": hex(&g.fib),
        "fact": hex(&g.fact),
        "udc": hex(&g.udc),
        "legacy_udc": hex(&g.legacy_udc),
        "account_class": hex(&g.account_class.0),
        "erc20_class": hex(&g.erc20_class.0),
        "fib_class": hex(&g.fib_class.0),
        "fact_class": hex(&g.fact_class.0),
        "udc_class": hex(&g.udc_class.0),
        "accounts": accounts,
    })
}

pub fn describe(config: Option<&Path>, out: Option<&Path>) -> anyhow::Result<i32> {
    let genesis = Genesis::build(&genesis_config(config)?);
    let text = serde_json::to_string_pretty(&to_json(&genesis))? + "\n";
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| anyhow::anyhow!("--out {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(0)
}
