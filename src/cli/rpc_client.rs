//! `kraken client --rpc URL`: Starknet load over the JSON-RPC, as a wallet would send it.
//! The load engine ([`kraken::load`]) drives genesis accounts (keys derived from the
//! nodes' genesis config) at the offered rate; this file is its JSON-RPC transport, the
//! progress line, the summary and the CSV row. Receipts come from following the chain's
//! new blocks (`starknet_getBlockWithReceipts`), not from asking for each pending
//! transaction on every poll: a loaded cluster's backlog would make that cost the nodes
//! more CPU the slower they get.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kraken_execution::{Felt, Genesis};
use kraken_starknet::felt::short_string;
use serde_json::{json, Value};

use kraken::block_proof::fetch::RpcFailure as Failure;
use kraken::endpoint::Endpoint;
use kraken::load::{self, Habits, Mix, Outcome, Outgoing, Plan, Refusal, Tally, Transport};

/// How often the chain's new blocks are read: a latency is known to within this. Cheap
/// when nothing is new (one `starknet_blockNumber` per node).
const POLL: Duration = Duration::from_millis(20);
/// After this long without a receipt, an account re-reads its nonce and moves on.
const OVERDUE: Duration = Duration::from_secs(30);

pub struct LoadPlan {
    pub endpoints: Vec<String>,
    pub genesis: Genesis,
    pub mix: Mix,
    pub rate: u64,
    pub duration: Duration,
    /// Genesis accounts 0..accounts send.
    pub accounts: usize,
    /// How long to wait for outstanding receipts after the last send.
    pub drain: Duration,
    pub csv: Option<PathBuf>,
    pub label: String,
    pub seed: u64,
}

fn felt_of(v: &Value) -> Option<Felt> {
    Felt::from_hex(v.as_str()?).ok()
}

/// A felt that fits a `u64` (a nonce).
fn small_felt(v: &Value) -> Option<u64> {
    u64::try_from(felt_of(v)?.to_biguint()).ok()
}

/// Blocks read per JSON-RPC batch while following the chain.
const BLOCKS_PER_BATCH: u64 = 50;

/// The nodes' JSON-RPC endpoints, and the receipts read from the chain's new blocks.
struct RpcNodes {
    endpoints: Vec<Endpoint>,
    chain: tokio::sync::Mutex<Followed>,
}

/// Every node holds the same chain: blocks are read once, from whichever node is asked,
/// and its height once a poll rather than once for each node's accounts (a quarter of
/// the requests; about 5% less client CPU at 100 tx/s).
struct Followed {
    /// The next block to read.
    next: u64,
    /// Outcomes of the transactions in the blocks read, until someone asks for them.
    outcomes: HashMap<Felt, Outcome>,
    /// When the chain's height was last asked.
    asked: Option<Instant>,
}

impl RpcNodes {
    /// Follows the chain from the block after node 0's latest.
    async fn new(endpoints: Vec<Endpoint>) -> anyhow::Result<Self> {
        let next = match endpoints[0].call("starknet_blockNumber", json!([])).await {
            Ok(n) => n.as_u64().ok_or_else(|| anyhow::anyhow!("--rpc {}: block number {n}", endpoints[0].url()))? + 1,
            Err(Failure { code: Some(NO_BLOCKS), .. }) => 0,
            Err(f) => anyhow::bail!("--rpc {}: {}", endpoints[0].url(), f.message),
        };
        Ok(RpcNodes { endpoints, chain: tokio::sync::Mutex::new(Followed { next, outcomes: HashMap::new(), asked: None }) })
    }
}

/// Starknet's "There are no blocks" error code.
const NO_BLOCKS: i64 = 32;

/// A receipt's outcome, from its JSON-RPC form.
fn outcome_of(receipt: &Value) -> Outcome {
    if receipt["execution_status"] == "SUCCEEDED" {
        Outcome::Succeeded
    } else {
        Outcome::Reverted
    }
}

impl Transport for RpcNodes {
    fn nodes(&self) -> usize {
        self.endpoints.len()
    }

    async fn submit(&self, node: usize, tx: &Outgoing) -> Result<(), Refusal> {
        let body = serde_json::to_value(&tx.signed.tx).map_err(|e| Refusal::Refused(format!("unencodable transaction: {e}")))?;
        match self.endpoints[node].call("starknet_addInvokeTransaction", json!([body])).await {
            Ok(r) if felt_of(&r["transaction_hash"]) == Some(tx.signed.hash) => Ok(()),
            Ok(r) => Err(Refusal::Refused(format!("an answer without this transaction's hash: {r}"))),
            Err(Failure { code: Some(code), message }) => Err(Refusal::Refused(format!("{code} {message}"))),
            Err(Failure { code: None, message }) => Err(Refusal::Unreachable(message)),
        }
    }

    async fn receipts(&self, node: usize, hashes: &[Felt]) -> Result<Vec<Option<Outcome>>, String> {
        let endpoint = &self.endpoints[node];
        let mut chain = self.chain.lock().await;
        // The other nodes' accounts in the same poll: the chain was just read (a node
        // that failed to answer leaves it to the next one).
        if chain.asked.is_some_and(|at| at.elapsed() < POLL / 2) {
            return Ok(hashes.iter().map(|h| chain.outcomes.remove(h)).collect());
        }
        let asked = Instant::now();
        let latest = match endpoint.call("starknet_blockNumber", json!([])).await {
            Ok(n) => n.as_u64().ok_or_else(|| format!("{}: block number {n}", endpoint.url()))?,
            Err(Failure { code: Some(NO_BLOCKS), .. }) => return Ok(vec![None; hashes.len()]),
            Err(f) => return Err(f.message),
        };
        while chain.next <= latest {
            let last = latest.min(chain.next + BLOCKS_PER_BATCH - 1);
            let asks: Vec<(&str, Value)> =
                (chain.next..=last).map(|n| ("starknet_getBlockWithReceipts", json!([{ "block_number": n }]))).collect();
            for block in endpoint.batch(&asks).await {
                let block = block.map_err(|f| f.message)?;
                for tx in block["transactions"].as_array().into_iter().flatten() {
                    let receipt = &tx["receipt"];
                    let hash = felt_of(&receipt["transaction_hash"]).ok_or_else(|| format!("{}: a receipt without a hash", endpoint.url()))?;
                    chain.outcomes.insert(hash, outcome_of(receipt));
                }
                chain.next += 1;
            }
        }
        chain.asked = Some(asked);
        Ok(hashes.iter().map(|h| chain.outcomes.remove(h)).collect())
    }

    async fn nonces(&self, node: usize, addresses: &[Felt]) -> Result<Vec<u64>, String> {
        let asks: Vec<(&str, Value)> = addresses.iter().map(|a| ("starknet_getNonce", json!(["latest", format!("{a:#x}")]))).collect();
        self.endpoints[node]
            .batch(&asks)
            .await
            .into_iter()
            .map(|r| match r {
                Ok(n) => small_felt(&n).ok_or_else(|| format!("a nonce that is not a small felt: {n}")),
                Err(f) => Err(f.message),
            })
            .collect()
    }
}

pub async fn run(plan: LoadPlan) -> anyhow::Result<i32> {
    anyhow::ensure!(plan.rate > 0, "--rate must be positive");
    anyhow::ensure!(!plan.endpoints.is_empty(), "--rpc: give at least one URL");
    anyhow::ensure!(
        plan.accounts > 0 && plan.accounts <= plan.genesis.accounts.len(),
        "--accounts {}: the genesis has {} accounts",
        plan.accounts,
        plan.genesis.accounts.len()
    );
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
    let endpoints: Vec<Endpoint> = plan.endpoints.iter().map(|url| Endpoint::with_client(http.clone(), url)).collect();
    for e in &endpoints {
        let id = e.call("starknet_chainId", json!([])).await.map_err(|f| anyhow::anyhow!("--rpc: {}", f.message))?;
        let expected = short_string(&plan.genesis.chain.chain_id);
        anyhow::ensure!(
            felt_of(&id) == Some(expected),
            "--rpc {}: the node's chain id {id} is not the genesis config's ({} = {expected:#x}); pass the nodes' --config",
            e.url(),
            plan.genesis.chain.chain_id
        );
    }
    let nodes = RpcNodes::new(endpoints).await?;
    let addresses: Vec<Felt> = plan.genesis.accounts[..plan.accounts].iter().map(|a| a.address).collect();
    let nonces = nodes.nonces(0, &addresses).await.map_err(|e| anyhow::anyhow!("reading the accounts' nonces: {e}"))?;

    let sends = (0..(plan.rate as f64 * plan.duration.as_secs_f64()) as u64).map(|k| Duration::from_secs_f64(k as f64 / plan.rate as f64)).collect();
    let engine_plan = Plan {
        mix: plan.mix.clone(),
        accounts: plan.accounts,
        sends,
        duration: plan.duration,
        drain: plan.drain,
        poll: POLL,
        overdue: OVERDUE,
        habits: Habits::default(),
        seed: plan.seed,
    };
    eprintln!("sending {} tx/s for {:?} from {} accounts to {} endpoint(s)", plan.rate, plan.duration, plan.accounts, nodes.endpoints.len());
    let tty = std::io::stderr().is_terminal();
    let started = Instant::now();
    let t = load::run(&nodes, &plan.genesis, &engine_plan, nonces, |t, in_flight| {
        let line = progress(t, started.elapsed(), plan.duration, in_flight);
        if tty {
            eprint!("\r{line}\x1b[K")
        } else if started.elapsed().as_secs() % 5 == 0 {
            eprintln!("{line}")
        }
    })
    .await;
    if tty {
        eprintln!();
    }
    print_summary(&plan, &t);
    if let Some(csv) = &plan.csv {
        append_csv(csv, &plan, &t)?;
        println!("appended to  {}", csv.display());
    }
    Ok(if t.accepted > 0 && t.lost == 0 { 0 } else { 1 })
}

fn progress(t: &Tally, elapsed: Duration, duration: Duration, in_flight: usize) -> String {
    format!(
        "{:>4.0}s/{}s  sent {:>7}  accepted {:>7}  rejected {:>5}  included {:>7}  in flight {:>5}",
        elapsed.as_secs_f64(),
        duration.as_secs(),
        t.sent,
        t.accepted,
        t.rejected_total(),
        t.included(),
        in_flight
    )
}

fn print_summary(plan: &LoadPlan, t: &Tally) {
    let mix = &plan.mix;
    println!(
        "offered      {} tx/s for {:?} (mix fib={},fact={},erc20={},overdraft={}) from {} accounts",
        plan.rate, plan.duration, mix.fib, mix.fact, mix.erc20, mix.overdraft, plan.accounts
    );
    println!("sent         {}{}", t.sent, if t.skipped > 0 { format!("  (skipped {}: every account had one in flight)", t.skipped) } else { String::new() });
    println!("accepted     {}", t.accepted);
    println!("rejected     {}", t.rejected_total());
    for (reason, n) in &t.rejected {
        println!("  {n:>7}  {reason}");
    }
    println!(
        "included     {} (succeeded {}, reverted {}); {:.1} tx/s included while sending",
        t.included(),
        t.succeeded,
        t.reverted,
        t.included_rate(plan.duration)
    );
    if t.lost > 0 {
        println!(
            "not included {} (rejected at execution, no receipt {} s after submission, or none by the end of the {:?} drain)",
            t.lost,
            OVERDUE.as_secs(),
            plan.drain
        );
    }
    let l = t.latency();
    println!(
        "latency      submit -> receipt p50 {:.0} ms  p90 {:.0} ms  p99 {:.0} ms  max {:.0} ms (new blocks read every {} ms)",
        l.p50,
        l.p90,
        l.p99,
        l.max,
        POLL.as_millis()
    );
    if let Some(e) = &t.last_error {
        println!("last error   {e}");
    }
}

fn append_csv(path: &Path, plan: &LoadPlan, t: &Tally) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let new = !path.exists();
    let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(file);
    if new {
        w.write_record([
            "label", "offered_tx_s", "duration_s", "sent", "skipped", "accepted", "rejected", "included", "included_tx_s", "p50_ms",
            "p90_ms", "p99_ms", "max_ms",
        ])?;
    }
    let l = t.latency();
    w.write_record([
        plan.label.clone(),
        plan.rate.to_string(),
        plan.duration.as_secs().to_string(),
        t.sent.to_string(),
        t.skipped.to_string(),
        t.accepted.to_string(),
        t.rejected_total().to_string(),
        t.included().to_string(),
        format!("{:.1}", t.included_rate(plan.duration)),
        format!("{:.0}", l.p50),
        format!("{:.0}", l.p90),
        format!("{:.0}", l.p99),
        format!("{:.0}", l.max),
    ])?;
    w.flush()?;
    Ok(())
}
