//! The watcher-prover as a simulated service: the real `watcher::run` over the nodes'
//! JSON-RPC (framed over the simulated network) into the run's object store, proving
//! time charged to the simulated clock by `watcher::cost`. What it does goes into the
//! history (`ProvingStarted`, `ProofStored` with the stored proof read back and verified,
//! `ProofRefused`), where the `proofs` checker and the proof-latency report read it.
//!
//! The scenario's `[prover]` table:
//!
//! ```toml
//! [prover]
//! workers = 1            # ranges proved at once (each one thread)
//! blocks_per_proof = 1
//! security = 100         # 100 or 128 bits; "test" for the fast test-only options
//! mode = "prove"         # or "cost-model": no STARK is made, only the trace sized
//! poll = "200ms"         # how often it asks for the chain's tip
//! ```
//!
//! The prover checks each range against the committee's block certificates, as the
//! real one does. TEST ONLY switches that break the prover or the nodes, so that the
//! `proofs` checker is seen to catch each: `unsafe_tamper_proofs` (flip a byte of each
//! proof after its self-check), `unsafe_prove_forked_blocks` (node n0 lies: it serves
//! the last block of every range with its timestamp changed, a block the chain does not
//! have; the certificate check refuses its proof and asks the next node), with
//! `unsafe_trust_nodes` (no certificate check: the forked blocks are proved and stored),
//! `unsafe_skip_block = N` (the store claims a proof of block N's range that nobody
//! made).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use kraken_execution::Felt;
use kraken_prover::block::{shape_blocks, BlockClaim};
use kraken_prover::cairo::verify_cairo_proof_with_policy;
use kraken_prover::field::{felt_to_hex, FE};
use kraken_prover::{ProofOptions, VerifierPolicy};
use kraken_sim::events::{EventKind, EventLog};
use kraken_sim::world::ProverEnv;
use kraken_sim::PROVER;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::block_proof::fetch::{Rpc, RpcFailure};
use crate::block_proof::to_fe;
use crate::rpc::framed::FramedRpc;
use crate::watcher::failover::Failover;
use crate::watcher::observer::ProverObserver;
use crate::watcher::plan::Ranges;
use crate::watcher::prove::{now_ms, prove_range, record_of, Prove, Shape};
use crate::watcher::record::ProofRecord;
use crate::watcher::store::ProofStore;
use crate::watcher::{cost, run, Settings};
use super::sim_committee;

/// The JSON-RPC port of every simulated node.
pub const RPC_PORT: u16 = 7200;

/// The `[prover]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProverConfig {
    #[serde(default = "one")]
    workers: usize,
    #[serde(default = "one_block")]
    blocks_per_proof: u64,
    #[serde(default)]
    security: Security,
    #[serde(default)]
    mode: Mode,
    #[serde(default = "default_poll", with = "humantime")]
    poll: Duration,
    /// Multiplies the cost model's time: this machine's proving speed against the model's
    /// calibration machine (`kraken bench-prove-blocks --threads 1` prints it).
    #[serde(default = "unscaled")]
    cost_scale: f64,
    #[serde(default)]
    unsafe_tamper_proofs: bool,
    #[serde(default)]
    unsafe_prove_forked_blocks: bool,
    #[serde(default)]
    unsafe_trust_nodes: bool,
    unsafe_skip_block: Option<u64>,
}

fn one() -> usize {
    1
}
fn one_block() -> u64 {
    1
}
fn unscaled() -> f64 {
    1.0
}
fn default_poll() -> Duration {
    Duration::from_millis(200)
}

/// `poll = "200ms"`, in the scenario file's duration syntax.
mod humantime {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        kraken_sim::scenario::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(untagged)]
enum Security {
    #[default]
    #[serde(skip)]
    Default,
    Bits(u32),
    Named(TestOnly),
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum TestOnly {
    Test,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Mode {
    #[default]
    Prove,
    CostModel,
}

impl ProverConfig {
    /// The table checked before the run, so a typo is an error, not a silent default.
    pub fn parse(table: &toml::Table) -> anyhow::Result<ProverConfig> {
        let config: ProverConfig = table.clone().try_into().map_err(|e: toml::de::Error| anyhow::anyhow!("[prover]: {}", e.message()))?;
        anyhow::ensure!((1..=64).contains(&config.workers), "[prover] workers = {}: between 1 and 64", config.workers);
        anyhow::ensure!((1..=10_000).contains(&config.blocks_per_proof), "[prover] blocks_per_proof = {}: between 1 and 10000", config.blocks_per_proof);
        anyhow::ensure!(config.poll >= Duration::from_millis(1), "[prover] poll: at least 1ms");
        anyhow::ensure!(config.cost_scale > 0.0 && config.cost_scale <= 100.0, "[prover] cost_scale = {}: above 0 and at most 100", config.cost_scale);
        anyhow::ensure!(config.unsafe_skip_block != Some(0), "[prover] unsafe_skip_block: blocks start at 1");
        config.options()?;
        Ok(config)
    }

    fn options(&self) -> anyhow::Result<ProofOptions> {
        match self.security {
            Security::Default | Security::Bits(100) => Ok(ProofOptions::conjectured_100()),
            Security::Bits(128) => Ok(ProofOptions::conjectured_128()),
            Security::Named(TestOnly::Test) => Ok(ProofOptions::test_only()),
            Security::Bits(b) => anyhow::bail!("[prover] security = {b}: 100, 128 or \"test\""),
        }
    }
}

/// Runs the prover until it is killed (or its store holds a range it cannot use).
pub async fn run_prover(env: ProverEnv, config: ProverConfig) {
    if let Err(e) = follow(&env, &config).await {
        env.events.record(PROVER, EventKind::Note { what: "prover stopped".into(), detail: Value::String(format!("{e:#}")) });
    }
}

async fn follow(env: &ProverEnv, config: &ProverConfig) -> anyhow::Result<()> {
    let options = config.options()?;
    let store = ProofStore::new(Arc::new(env.store.clone()), "the simulated bucket".into());
    if let (Some(block), 0) = (config.unsafe_skip_block, env.incarnation) {
        let first = block - (block - 1) % config.blocks_per_proof;
        store.put(&phantom_record(first, first + config.blocks_per_proof - 1), Vec::new()).await?;
    }
    let fork_every = config.unsafe_prove_forked_blocks.then_some(config.blocks_per_proof);
    let nodes = env.nodes.iter().enumerate().map(|(i, copies)| Forking { inner: FramedRpc::new(SocketAddr::new(copies[0], RPC_PORT)), every: fork_every.filter(|_| i == 0) }).collect();
    let committee = (!config.unsafe_trust_nodes).then(|| Arc::new(sim_committee(&env.nodes, env.seed).0));
    let settings = Settings { ranges: Ranges { first: 1, k: config.blocks_per_proof }, workers: config.workers, until: None, poll: config.poll, committee };
    let prover = Arc::new(Simulated { options, stark: config.mode == Mode::Prove, cost_scale: config.cost_scale, tamper: config.unsafe_tamper_proofs });
    let observer = Recorder { events: env.events.clone(), started: Mutex::default() };
    run(&Failover::new(nodes), &store, prover, &observer, &settings).await
}

/// Proves inside the simulation (no simulated time passes while the CPU works), then
/// sleeps the cost model's time for the trace on the simulated clock.
struct Simulated {
    options: ProofOptions,
    /// Make the STARK (`mode = "prove"`), or only size the trace (`"cost-model"`).
    stark: bool,
    cost_scale: f64,
    tamper: bool,
}

impl Prove for Simulated {
    async fn prove(&self, first: u64, last: u64, felts: Vec<Felt>) -> anyhow::Result<(ProofRecord, Vec<u8>)> {
        let (mut record, mut proof) = if self.stark { prove_range(first, last, &felts, &self.options)? } else { (self.shape(first, last, &felts)?, Vec::new()) };
        if self.tamper {
            let middle = proof.len() / 2;
            proof[middle] ^= 1;
        }
        let seconds = self.cost_scale * cost::prove_seconds(record.trace_rows, record.columns, &self.options);
        tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
        record.prove_ms = (seconds * 1e3) as u64;
        record.proved_at_ms = now_ms();
        Ok((record, proof))
    }
}

impl Simulated {
    /// The record of a proof not made: what the block program outputs and how big the
    /// trace would be.
    fn shape(&self, first: u64, last: u64, felts: &[Felt]) -> anyhow::Result<ProofRecord> {
        let felts: Vec<FE> = felts.iter().map(to_fe).collect();
        let s = shape_blocks(&felts, &self.options).with_context(|| format!("running the block program on blocks {first}..={last}"))?;
        anyhow::ensure!((s.claim.first_block, s.claim.last_block) == (first, last), "the block program ran on blocks {}..={}, not {first}..={last}", s.claim.first_block, s.claim.last_block);
        let shape = Shape { steps: s.steps, trace_rows: s.trace_rows, columns: s.columns };
        Ok(record_of(&s.claim, format!("cost model only, no proof made ({})", self.options), &shape, 0))
    }
}

/// TEST ONLY (`unsafe_skip_block`): the record of a proof nobody made.
fn phantom_record(first: u64, last: u64) -> ProofRecord {
    let zero = || "0x0".to_string();
    ProofRecord {
        first_block: first,
        last_block: last,
        transactions: 0,
        first_parent_hash: zero(),
        last_block_hash: zero(),
        last_block_timestamp: 0,
        results_digest: zero(),
        statement: "TEST ONLY: a proof nobody made".into(),
        program_hash: zero(),
        prover_version: String::new(),
        options: String::new(),
        security_bits: 0,
        steps: 0,
        trace_rows: 0,
        columns: 0,
        prove_ms: 0,
        proof_bytes: 0,
        seen_at_ms: 0,
        proved_at_ms: 0,
    }
}

/// A node's JSON-RPC; TEST ONLY with `every = Some(k)` (`unsafe_prove_forked_blocks`, n0):
/// every k-th block (the last of each range) is served with its timestamp moved one
/// second, so its hash is no longer the chain's.
struct Forking {
    inner: FramedRpc,
    every: Option<u64>,
}

impl Rpc for Forking {
    async fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        let mut answer = self.inner.call(method, params).await?;
        let forked = |n: u64| self.every.is_some_and(|k| n % k == 0);
        if method == "starknet_getBlockWithReceipts" && answer["block_number"].as_u64().is_some_and(forked) {
            if let Some(t) = answer["timestamp"].as_u64() {
                answer["timestamp"] = (t + 1).into();
            }
        }
        Ok(answer)
    }
}

/// Records what the prover does into the run's history.
struct Recorder {
    events: EventLog,
    /// When each range in flight began, by first block (µs).
    started: Mutex<BTreeMap<u64, u64>>,
}

impl ProverObserver for Recorder {
    fn tip(&self, _tip: u64) {}

    fn in_flight(&self, _n: usize) {}

    fn started(&self, first: u64, last: u64) {
        self.started.lock().expect("lock").insert(first, self.events.now_us());
        self.events.record(PROVER, EventKind::ProvingStarted { first, last });
    }

    fn proved(&self, record: &ProofRecord, stored: &[u8], _proved_height: u64) {
        let started_us = self.started.lock().expect("lock").remove(&record.first_block).unwrap_or(0);
        // The stored bytes verified as any reader of the store would; a cost-model run
        // stored none, and its statement is the program's output.
        let (verified, claimed_first, claimed_last, last_block_hash) = if stored.is_empty() {
            (None, record.first_block, record.last_block, record.last_block_hash.clone())
        } else {
            match verify_cairo_proof_with_policy(stored, &VerifierPolicy { min_security_bits: 0 }).ok().and_then(|c| BlockClaim::from_verified(&c).ok()) {
                Some(b) => (Some(true), b.first_block, b.last_block, felt_to_hex(&b.last_block_hash)),
                None => (Some(false), record.first_block, record.last_block, record.last_block_hash.clone()),
            }
        };
        self.events.record(
            PROVER,
            EventKind::ProofStored {
                first: record.first_block,
                last: record.last_block,
                txs: record.transactions,
                rows: record.trace_rows,
                bytes: stored.len() as u64,
                started_us,
                verified,
                claimed_first,
                claimed_last,
                last_block_hash,
            },
        );
    }

    fn refused(&self, first: u64, last: u64, reason: &str) {
        self.started.lock().expect("lock").remove(&first);
        self.events.record(PROVER, EventKind::ProofRefused { first, last, reason: reason.into() });
    }

    fn uncertified(&self, first: u64, last: u64, reason: &str) {
        self.started.lock().expect("lock").remove(&first);
        self.events.record(PROVER, EventKind::Note { what: "uncertified".into(), detail: serde_json::json!({ "first": first, "last": last, "reason": reason }) });
    }
}
