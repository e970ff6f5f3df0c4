//! `kraken prove-block` and `kraken verify-block`: prove consecutive blocks of a running
//! chain from its JSON-RPC with the block program, and check such a proof, alone or
//! against a chain.

use std::path::Path;
use std::time::Instant;

use kraken::block_proof::to_felt;
use kraken_prover::block::{BlockClaim, BlockClaimError};
use kraken_prover::cairo::verify_cairo_proof;

/// `N` or `N..M` (both ends included).
pub fn parse_range(text: &str) -> Result<(u64, u64), String> {
    let number = |s: &str| s.trim().parse::<u64>().map_err(|_| format!("`{s}` is not a block number"));
    let (first, last) = match text.split_once("..") {
        Some((a, b)) => (number(a)?, number(b.trim_start_matches('='))?),
        None => (number(text)?, number(text)?),
    };
    if first > last {
        return Err(format!("{first}..{last} is empty: the first block comes after the last"));
    }
    Ok((first, last))
}

/// Where a proof of first..=last goes by default.
#[cfg(not(madsim))]
fn default_out(first: u64, last: u64) -> std::path::PathBuf {
    if first == last {
        std::path::PathBuf::from(format!("block-{first}.proof"))
    } else {
        std::path::PathBuf::from(format!("blocks-{first}-{last}.proof"))
    }
}

#[cfg(not(madsim))]
pub fn prove_block(rpc: &str, (first, last): (u64, u64), out: Option<&Path>, security: u32) -> anyhow::Result<i32> {
    use anyhow::Context;
    use kraken::block_proof::fetch::fetch_input;
    use kraken::block_proof::to_fe;
    use kraken_prover::block::{prove_blocks, run_blocks};

    let options = super::prove::options(security)?;
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| default_out(first, last));
    let endpoint = kraken::endpoint::Endpoint::new(rpc);
    eprintln!("fetching blocks {first}..={last} from {rpc} ...");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let fetched = runtime.block_on(fetch_input(&endpoint, first, last))?;
    let felts: Vec<_> = fetched.iter().map(to_fe).collect();
    eprintln!("running the block program on {} input felts ...", felts.len());
    let run = run_blocks(&felts).with_context(|| format!("the block program refuses blocks {first}..={last}"))?;
    eprintln!("{} Cairo steps; proving at {security} bits ...", run.steps);
    let (bytes, report) = prove_blocks(&felts, &options).with_context(|| format!("proving blocks {first}..={last}"))?;
    std::fs::write(&out, &bytes).map_err(|e| anyhow::anyhow!("--out {}: {e}", out.display()))?;
    println!("{report}");
    println!("proved blocks {first}..={last}: wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(0)
}

pub fn verify_block(file: &Path, rpc: Option<&str>) -> anyhow::Result<i32> {
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let start = Instant::now();
    let claim = match verify_cairo_proof(&bytes) {
        Ok(claim) => claim,
        Err(e) => {
            println!("INVALID  {}: {e}", file.display());
            return Ok(1);
        }
    };
    let elapsed = start.elapsed();
    let blocks = match BlockClaim::from_verified(&claim) {
        Ok(b) => b,
        Err(e @ BlockClaimError::OtherProgram { .. }) => {
            println!("NOT A BLOCK PROOF  {}: {e}; `kraken verify` checks proofs of other programs", file.display());
            return Ok(1);
        }
        Err(e) => {
            println!("INVALID  {}: {e}", file.display());
            return Ok(1);
        }
    };
    if let Some(url) = rpc {
        if let Err(e) = check_on_chain(url, &blocks) {
            println!("INVALID  {}: the STARK verifies, but {e:#}", file.display());
            return Ok(1);
        }
    }
    describe(file, &bytes, &blocks, elapsed, rpc);
    Ok(0)
}

#[cfg(not(madsim))]
fn check_on_chain(url: &str, blocks: &BlockClaim) -> anyhow::Result<()> {
    use kraken::block_proof::check::check_against_chain;
    let endpoint = kraken::endpoint::Endpoint::new(url);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(check_against_chain(&endpoint, blocks))
}

#[cfg(madsim)]
fn check_on_chain(_url: &str, _blocks: &BlockClaim) -> anyhow::Result<()> {
    anyhow::bail!("--rpc needs the real build (`make real`); this simulator build checks the proof alone")
}

fn describe(file: &Path, bytes: &[u8], b: &BlockClaim, elapsed: std::time::Duration, rpc: Option<&str>) {
    let range = if b.first_block == b.last_block { format!("block {}", b.first_block) } else { format!("blocks {}..={}", b.first_block, b.last_block) };
    println!("VALID  {} ({} bytes) verified in {elapsed:.2?}: {range}, {} transactions", file.display(), bytes.len(), b.n_txs);
    match rpc {
        Some(url) => println!("  matches the chain at {url}: same chain id, genesis contracts, last block hash and first parent"),
        None => println!("  not checked against a chain (pass --rpc URL to check the hashes against a node)"),
    }
    println!("  chain id          {:#x}", to_felt(&b.chain_id));
    println!("  first parent hash {:#x}", to_felt(&b.first_parent_hash));
    println!("  last block hash   {:#x}", to_felt(&b.last_block_hash));
    println!("  results digest    {:#x}", to_felt(&b.results_digest));
    for block in &b.blocks {
        println!(
            "  block {:>6}: {} transactions ({} invoke, {} deploy_account, {} declare)",
            block.number, block.transactions, block.invokes, block.deploy_accounts, block.declares
        );
    }
    println!("  every transaction's hash, the commitments and the block hashes are recomputed in the proof;");
    println!("  invokes whose calls are all fib, fact or KRK transfer are executed; declare, deploy_account and");
    println!("  other invokes are bound by hash only (status 'not executed'); see prover/README.md, Block proofs");
    println!("  security {} bits (conjectured)", b.security_bits);
}
