//! `kraken client --rpc URL`: Starknet load over the JSON-RPC, as a wallet would send it.
//! Genesis accounts (keys derived from the nodes' genesis config) send signed invokes
//! drawn from the mix at the offered rate, one in flight per account with its next
//! nonce; receipts are polled in JSON-RPC batches, and the run ends with admission counts
//! and submit-to-inclusion latency percentiles.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use kraken_execution::wallet::{self, GasLimits};
use kraken_execution::{Felt, Genesis};
use kraken_starknet::felt::short_string;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use kraken::block_proof::fetch::RpcFailure as Failure;
use kraken::endpoint::Endpoint;
use kraken::load::Mix;

/// How often in-flight transactions are looked up.
const POLL: Duration = Duration::from_millis(100);
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

#[derive(Clone, Copy)]
enum Slot {
    Idle,
    Submitting { sent: Instant },
    Pending { hash: Felt, sent: Instant },
    /// The nonce must be re-read before the next send.
    Resync,
}

enum Event {
    Submitted { account: usize, result: Result<Felt, Failure> },
    Polled { receipts: Vec<(usize, Felt, Result<bool, Failure>)>, nonces: Vec<(usize, u64)>, errors: Vec<String> },
}

#[derive(Default)]
struct Tally {
    sent: u64,
    skipped: u64,
    accepted: u64,
    rejected: BTreeMap<String, u64>,
    succeeded: u64,
    reverted: u64,
    included_in_window: u64,
    overdue: u64,
    latencies_ms: Vec<f64>,
    last_error: Option<String>,
}

impl Tally {
    fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }
    fn included(&self) -> u64 {
        self.succeeded + self.reverted
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
    let chain_id = plan.genesis.chain.chain_id();
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
    let accounts = &plan.genesis.accounts[..plan.accounts];
    let endpoint_of = |i: usize| &endpoints[i % endpoints.len()];
    let mut nonces = vec![0u64; accounts.len()];
    let asks: Vec<(&str, Value)> =
        accounts.iter().map(|a| ("starknet_getNonce", json!(["latest", format!("{:#x}", a.address)]))).collect();
    for (i, r) in endpoints[0].batch(&asks).await.into_iter().enumerate() {
        let n = r.map_err(|f| anyhow::anyhow!("reading the nonce of account {i}: {}", f.message))?;
        nonces[i] = small_felt(&n).unwrap_or(0);
    }

    let mut slots = vec![Slot::Idle; accounts.len()];
    let mut rng = ChaCha20Rng::seed_from_u64(plan.seed);
    let mut t = Tally::default();
    let (events_tx, mut events) = mpsc::unbounded_channel::<Event>();
    let start = Instant::now();
    let send_until = start + plan.duration;
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / plan.rate as f64));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Burst); // keep the offered rate
    let mut poll_timer = tokio::time::interval(POLL);
    let mut report_timer = tokio::time::interval(Duration::from_secs(1));
    let mut polling = false;
    let mut cursor = 0usize;
    let tty = std::io::stderr().is_terminal();
    eprintln!(
        "sending {} tx/s for {:?} from {} accounts to {} endpoint(s)",
        plan.rate,
        plan.duration,
        accounts.len(),
        endpoints.len()
    );
    loop {
        let now = Instant::now();
        let in_flight = slots.iter().filter(|s| matches!(s, Slot::Submitting { .. } | Slot::Pending { .. })).count();
        if now >= send_until && (in_flight == 0 || now >= send_until + plan.drain) {
            break;
        }
        tokio::select! {
            _ = ticker.tick(), if now < send_until => {
                let Some(i) = (0..slots.len()).map(|k| (cursor + k) % slots.len()).find(|i| matches!(slots[*i], Slot::Idle)) else {
                    t.skipped += 1;
                    continue;
                };
                cursor = i + 1;
                let call = plan.mix.pick(&plan.genesis, &mut rng);
                let signed = wallet::invoke(&accounts[i], Felt::from(nonces[i]), &[call], GasLimits::default(), &chain_id);
                let body = serde_json::to_value(&signed.tx)?;
                slots[i] = Slot::Submitting { sent: Instant::now() };
                t.sent += 1;
                let (endpoint, events) = (endpoint_of(i).clone(), events_tx.clone());
                tokio::spawn(async move {
                    let result = endpoint
                        .call("starknet_addInvokeTransaction", json!([body]))
                        .await
                        .and_then(|r| felt_of(&r["transaction_hash"]).ok_or(Failure { code: None, message: format!("no transaction_hash in {r}") }));
                    let _ = events.send(Event::Submitted { account: i, result });
                });
            }
            Some(event) = events.recv() => match event {
                Event::Submitted { account, result } => {
                    let Slot::Submitting { sent } = slots[account] else { continue };
                    match result {
                        Ok(hash) => {
                            t.accepted += 1;
                            slots[account] = Slot::Pending { hash, sent };
                        }
                        Err(f) => {
                            let key = match f.code {
                                Some(code) => format!("{code} {}", f.message),
                                None => format!("transport: {}", f.message),
                            };
                            *t.rejected.entry(key).or_default() += 1;
                            slots[account] = Slot::Resync;
                        }
                    }
                }
                Event::Polled { receipts, nonces: fresh, errors } => {
                    polling = false;
                    let now = Instant::now();
                    for (i, hash, outcome) in receipts {
                        let Slot::Pending { hash: pending, sent } = slots[i] else { continue };
                        if pending != hash {
                            continue;
                        }
                        match outcome {
                            Ok(succeeded) => {
                                if succeeded { t.succeeded += 1 } else { t.reverted += 1 }
                                if now <= send_until {
                                    t.included_in_window += 1;
                                }
                                t.latencies_ms.push(now.duration_since(sent).as_secs_f64() * 1e3);
                                nonces[i] += 1;
                                slots[i] = Slot::Idle;
                            }
                            Err(_) if now.duration_since(sent) > OVERDUE => {
                                t.overdue += 1;
                                slots[i] = Slot::Resync;
                            }
                            Err(_) => {}
                        }
                    }
                    for (i, n) in fresh {
                        if matches!(slots[i], Slot::Resync) {
                            nonces[i] = n;
                            slots[i] = Slot::Idle;
                        }
                    }
                    if let Some(e) = errors.into_iter().last() {
                        t.last_error = Some(e);
                    }
                }
            },
            _ = poll_timer.tick(), if !polling => {
                polling = true;
                let pending: Vec<(usize, Felt)> = slots.iter().enumerate().filter_map(|(i, s)| match s { Slot::Pending { hash, .. } => Some((i, *hash)), _ => None }).collect();
                let resync: Vec<usize> = (0..slots.len()).filter(|i| matches!(slots[*i], Slot::Resync)).collect();
                let addresses: Vec<Felt> = resync.iter().map(|i| accounts[*i].address).collect();
                tokio::spawn(poll(endpoints.clone(), pending, resync, addresses, events_tx.clone()));
            }
            _ = report_timer.tick() => {
                let line = progress(&t, start.elapsed(), plan.duration, in_flight);
                if tty { eprint!("\r{line}\x1b[K") } else if start.elapsed().as_secs() % 5 == 0 { eprintln!("{line}") }
            }
        }
    }
    if tty {
        eprintln!();
    }
    let not_included = slots.iter().filter(|s| matches!(s, Slot::Submitting { .. } | Slot::Pending { .. })).count() as u64 + t.overdue;
    print_summary(&plan, &t, not_included);
    if let Some(csv) = &plan.csv {
        append_csv(csv, &plan, &t)?;
        println!("appended to  {}", csv.display());
    }
    Ok(if t.accepted > 0 && not_included == 0 { 0 } else { 1 })
}

/// Looks up every pending transaction and the nonces to re-read, on each account's endpoint.
async fn poll(
    endpoints: Vec<Endpoint>,
    pending: Vec<(usize, Felt)>,
    resync: Vec<usize>,
    addresses: Vec<Felt>,
    events: mpsc::UnboundedSender<Event>,
) {
    let (mut receipts, mut nonces, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for (e, endpoint) in endpoints.iter().enumerate() {
        let mine: Vec<(usize, Felt)> = pending.iter().copied().filter(|(i, _)| i % endpoints.len() == e).collect();
        let asks: Vec<(&str, Value)> =
            mine.iter().map(|(_, h)| ("starknet_getTransactionReceipt", json!([format!("{h:#x}")]))).collect();
        for ((i, hash), r) in mine.iter().zip(endpoint.batch(&asks).await) {
            let outcome = r.map(|receipt| receipt["execution_status"] == "SUCCEEDED");
            if let Err(Failure { code: None, message }) = &outcome {
                errors.push(message.clone());
            }
            receipts.push((*i, *hash, outcome));
        }
        let mine: Vec<(usize, Felt)> =
            resync.iter().zip(&addresses).filter(|(i, _)| *i % endpoints.len() == e).map(|(i, a)| (*i, *a)).collect();
        let asks: Vec<(&str, Value)> = mine.iter().map(|(_, a)| ("starknet_getNonce", json!(["latest", format!("{a:#x}")]))).collect();
        for ((i, _), r) in mine.iter().zip(endpoint.batch(&asks).await) {
            match r.map(|n| small_felt(&n)) {
                Ok(Some(n)) => nonces.push((*i, n)),
                Ok(None) => errors.push("a nonce that is not a small felt".into()),
                Err(f) => errors.push(f.message),
            }
        }
    }
    let _ = events.send(Event::Polled { receipts, nonces, errors });
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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN)
}

fn included_rate(plan: &LoadPlan, t: &Tally) -> f64 {
    t.included_in_window as f64 / plan.duration.as_secs_f64()
}

fn print_summary(plan: &LoadPlan, t: &Tally, not_included: u64) {
    let mut lat = t.latencies_ms.clone();
    lat.sort_by(f64::total_cmp);
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
        included_rate(plan, t)
    );
    if not_included > 0 {
        println!("not included {not_included} (no receipt {} s after submission or by the end of the {:?} drain)", OVERDUE.as_secs(), plan.drain);
    }
    println!(
        "latency      submit -> receipt p50 {:.0} ms  p90 {:.0} ms  p99 {:.0} ms  max {:.0} ms (receipts polled every {} ms)",
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN),
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
    let mut lat = t.latencies_ms.clone();
    lat.sort_by(f64::total_cmp);
    w.write_record([
        plan.label.clone(),
        plan.rate.to_string(),
        plan.duration.as_secs().to_string(),
        t.sent.to_string(),
        t.skipped.to_string(),
        t.accepted.to_string(),
        t.rejected_total().to_string(),
        t.included().to_string(),
        format!("{:.1}", included_rate(plan, t)),
        format!("{:.0}", percentile(&lat, 0.5)),
        format!("{:.0}", percentile(&lat, 0.9)),
        format!("{:.0}", percentile(&lat, 0.99)),
        format!("{:.0}", lat.last().copied().unwrap_or(f64::NAN)),
    ])?;
    w.flush()?;
    Ok(())
}
