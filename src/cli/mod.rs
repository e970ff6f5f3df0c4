//! Subcommands. The simulator build (the default) runs scenarios and sweeps; the real
//! build (`make real`) runs nodes, clients and the cluster over real TCP.

mod bench_prove;
mod committee;
mod genesis;
mod prove;
mod prove_block;
#[cfg(not(madsim))]
mod explorer;
#[cfg(not(madsim))]
mod real;
#[cfg(not(madsim))]
mod rpc_client;
#[cfg(madsim)]
mod shrink;
#[cfg(madsim)]
mod sim;
#[cfg(madsim)]
mod sweep;
#[cfg(madsim)]
mod twins;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// `kraken shrink`'s budget by default, and `sweep --shrink`'s.
const SHRINK_RUNS: usize = 200;
const SHRINK_TIME: &str = "30m";

#[derive(Parser)]
#[command(name = "kraken", version, about = "A Starknet stack whose real code also runs in a deterministic simulator")]
pub struct Cli {
    /// More logging (-v: debug, -vv: trace). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Play a scenario in the simulator, check it, and write its report.
    Scenario {
        /// Scenario file (TOML), e.g. scenarios/partition.toml.
        file: PathBuf,
        /// Seed to run with (default: the scenario's own seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Report root; the report goes to OUT/<scenario>/<seed>/.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
    },
    /// Shrink a failing run to a smaller scenario that fails the same checker under the
    /// same seed (fewer faults, faults earlier, shorter, less load, fewer twins), and
    /// write it with the command that replays it.
    Shrink {
        /// The failing run's report directory (REPORT_ROOT/<scenario>/<seed>), as
        /// `kraken scenario` or `sweep --out` wrote it.
        report: PathBuf,
        /// Where to write the shrunk scenario [default: REPORT/shrunk.toml].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Stop after this many runs.
        #[arg(long, default_value_t = SHRINK_RUNS)]
        max_runs: usize,
        /// Stop trying new steps after this much wall-clock time, e.g. 10m.
        #[arg(long, value_parser = parse_duration, default_value = SHRINK_TIME)]
        time_budget: std::time::Duration,
    },
    /// Play a scenario under many seeds, in this process or in worker processes, all of a
    /// range or one shard of it, and list the failing ones with replay commands.
    Sweep(SweepArgs),
    /// Run the seeds read from stdin, one per line, answering each with a JSON line on
    /// stdout (what `sweep --jobs N` starts N of).
    #[command(hide = true)]
    SweepWorker {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Also write each run's report under OUT.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only the reports of failing runs.
        #[arg(long)]
        failing_only: bool,
    },
    /// Twins, systematically: enumerate every schedule of a few rounds (per round a leader
    /// and a partition of the node copies, the Twins copy of a byzantine identity
    /// included), play each in the simulator, and check safety, and liveness after the
    /// schedule's GST. Prints how many schedules it covered of how many, and how fast.
    Twins(TwinsArgs),
    /// Merge the `sweep --json` files of a sharded sweep's shards into one table; exits
    /// non-zero when a seed failed or a shard left no file.
    SweepMerge {
        /// Directory holding one `sweep --json` file per shard (every *.json in it is read).
        dir: PathBuf,
        /// Also write the merged outcome as JUnit XML here.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
    },
    /// Benchmark consensus in the simulator at rising offered load, and the simulator's own
    /// speed on healthy.toml with 4 and with 16 members; writes a CSV.
    Bench {
        /// CSV to write.
        #[arg(long, default_value = "reports/bench/consensus.csv")]
        out: PathBuf,
        /// Offered loads to measure, tx/s.
        #[arg(long, value_delimiter = ',', default_value = "500,1000,2000,4000,8000")]
        rates: Vec<u64>,
        /// Simulated seconds per load point.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// Measure what a flood of hostile messages from one byzantine member costs the node
    /// it targets, kind by kind, while the committee commits (simulator); writes a CSV.
    BenchFlood {
        /// CSV to write.
        #[arg(long, default_value = "reports/bench/flood.csv")]
        out: PathBuf,
        /// Kinds of flood: garbage, replay, stale-timeouts, forged-votes, oversized-certificates.
        #[arg(long, value_delimiter = ',', default_value = "garbage,replay,stale-timeouts,forged-votes,oversized-certificates")]
        kinds: Vec<String>,
        /// Flood messages per second sent at the target node.
        #[arg(long, default_value_t = 5_000)]
        rate: u64,
        /// Seconds of flood (the run lasts 3 s longer).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Prove an empty block and blocks of 1, 10 and 100 transactions of the default mix (an in-memory chain)
    /// with 1 and 2 threads; writes steps per transaction, trace, prove and verify time,
    /// proof size, peak RSS and throughput to a CSV. Use the real build (`make bench-prove`).
    BenchProveBlocks {
        /// CSV to write.
        #[arg(long, default_value = "reports/bench/prove-blocks.csv")]
        out: PathBuf,
        /// Block sizes in transactions (0: an empty block).
        #[arg(long, value_delimiter = ',', default_value = "0,1,10,100")]
        sizes: Vec<usize>,
        /// Proving thread counts to compare (more than 1 needs the real build).
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
        /// Conjectured security in bits: 100 or 128.
        #[arg(long, default_value_t = 100)]
        security: u32,
        /// Seed of the transactions drawn from the mix.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Keep each block's program input here (`block-<txs>-tx.felts`, a felt a line),
        /// e.g. for the prover's release benchmark: `cargo run --release -p kraken-prover
        /// --features parallel --example bench -- --program programs/block.json
        /// --inputs-file FILE`.
        #[arg(long)]
        keep_inputs: Option<PathBuf>,
    },
    /// One measurement of bench-prove-blocks, in its own process (internal).
    #[command(hide = true)]
    BenchProveOne {
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        threads: usize,
        #[arg(long)]
        security: u32,
    },
    /// Prove a compiled Cairo program's execution with Kraken's STARK prover.
    Prove {
        /// Compiled Cairo program (JSON from `cairo-compile --proof_mode`), e.g. prover/programs/fib.json.
        program: std::path::PathBuf,
        /// Program input (a field element, decimal or 0x-hex); repeat for several.
        #[arg(long = "input")]
        inputs: Vec<String>,
        /// Where to write the proof.
        #[arg(long, default_value = "proof.bin")]
        out: std::path::PathBuf,
        /// Conjectured security in bits: 100 or 128.
        #[arg(long, default_value_t = 100)]
        security: u32,
    },
    /// Verify a proof written by `kraken prove` (or the watcher-prover).
    Verify {
        /// Proof file.
        proof: std::path::PathBuf,
    },
    /// Prove blocks of a running chain (fetched over its JSON-RPC) with the block program:
    /// their transactions' hashes, commitments, block hashes and parent links, and the
    /// fib, fact and KRK transfer calls they make (see prover/README.md, Block proofs).
    ProveBlock {
        /// A node's JSON-RPC endpoint, e.g. http://127.0.0.1:9545 (`make run-local`).
        #[arg(long)]
        rpc: String,
        /// One block, N, or an inclusive range N..M.
        #[arg(long, value_parser = prove_block::parse_range)]
        block: (u64, u64),
        /// Where to write the proof [default: block-N.proof or blocks-N-M.proof].
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Conjectured security in bits: 100 or 128.
        #[arg(long, default_value_t = 100)]
        security: u32,
    },
    /// The watcher-prover: follow the chain through the nodes' JSON-RPC, prove each range
    /// of blocks with the block program and store proof and record (blocks/<first>/proof.bin
    /// and proof.json). Resumes from what the store holds. Proves only blocks the committee
    /// certified (a quorum of its signatures over the block hash), whichever node serves them.
    Prover {
        /// JSON-RPC URLs of the nodes, comma-separated or repeated; an unreachable one is skipped for the next.
        #[arg(long, value_delimiter = ',', required = true)]
        rpc: Vec<String>,
        /// The committee file (the nodes' committee.json): whose signatures certify a block.
        #[arg(long)]
        committee: PathBuf,
        /// Directory the proofs go to (with fs storage).
        #[arg(long, default_value = "proofs")]
        store: PathBuf,
        /// fs (the --store directory) or s3 (S3_BUCKET_NAME, AWS_ACCESS_KEY_ID,
        /// AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL) [default: $PROVER_STORAGE, else fs].
        #[arg(long, value_parser = ["fs", "s3"])]
        storage: Option<String>,
        /// Proofs made at once (each also uses --threads threads).
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// Proving threads, one pool shared by the workers (0: one per core). The
        /// simulator's cost model charges each worker one thread: --threads = --workers.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Blocks per proof.
        #[arg(long, default_value_t = 1)]
        blocks_per_proof: u64,
        /// First block to prove (ranges start here).
        #[arg(long, default_value_t = 1)]
        from: u64,
        /// Stop once every range up to this block is stored (default: follow the chain forever).
        #[arg(long)]
        until: Option<u64>,
        /// Conjectured security in bits: 100 or 128.
        #[arg(long, default_value_t = 100)]
        security: u32,
        /// Serve /metrics (Prometheus) and /health on this address, e.g. 127.0.0.1:9549.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
    },
    /// Serve the web explorer: blocks, transactions, contracts and each block's proof
    /// status, proofs verified in the reader's browser (real build; `make explorer`).
    /// ENABLE_BLOCK_VERIFICATION=true verifies each block's proof as its page opens
    /// (default false: the page offers a button).
    Explorer {
        /// JSON-RPC URLs of the nodes, comma-separated or repeated; an unreachable one is skipped for the next.
        #[arg(long, value_delimiter = ',', required = true)]
        rpc: Vec<String>,
        /// The prover's proof directory (with fs storage).
        #[arg(long, default_value = "proofs")]
        store: PathBuf,
        /// fs (the --store directory) or s3 (S3_BUCKET_NAME, AWS_ACCESS_KEY_ID,
        /// AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL) [default: $PROVER_STORAGE, else fs].
        #[arg(long, value_parser = ["fs", "s3"])]
        storage: Option<String>,
        /// Address to serve the pages on.
        #[arg(long, default_value = "127.0.0.1:4000")]
        listen: std::net::SocketAddr,
        /// Directory of the browser's verifier (wasm32 module and wasm-bindgen glue)
        /// [default: verifier-web in this binary's target dir, where `make wasm` puts it].
        #[arg(long)]
        verifier: Option<PathBuf>,
    },
    /// Verify a block proof and print which blocks and how many transactions it covers;
    /// with --rpc, also check that they are the chain's blocks at those numbers.
    VerifyBlock {
        /// Proof file written by `kraken prove-block` (or the watcher-prover).
        proof: std::path::PathBuf,
        /// A node's JSON-RPC endpoint to check the proven block hashes against.
        #[arg(long)]
        rpc: Option<String>,
    },
    /// Generate a committee file and one key file per node.
    Committee {
        /// Number of nodes (at least 4; N nodes tolerate f = (N-1)/3 faults, quorum N - f).
        #[arg(long, default_value_t = 4)]
        nodes: usize,
        /// Host the nodes listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Node i listens for peers on BASE+i and for clients on BASE+100+i.
        #[arg(long, default_value_t = 7000)]
        base_port: u16,
        /// Seed the keys are derived from (keep real deployments' keys secret!).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Directory to write committee.json and node-<i>.key into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Run one sequencer node over real TCP (real build).
    Node {
        /// Committee file from `kraken committee`.
        #[arg(long)]
        committee: PathBuf,
        /// This node's key file.
        #[arg(long)]
        key: PathBuf,
        /// Directory for the node's database.
        #[arg(long)]
        store: PathBuf,
        /// Optional node config (TOML with [consensus], [mempool] and [execution] tables; without [execution] the node orders opaque transactions only).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Serve HTTP on this address: the Starknet JSON-RPC at / (and /rpc/v0_9), Prometheus metrics at /metrics, health at /health.
        #[arg(long, value_name = "ADDR")]
        rpc: Option<std::net::SocketAddr>,
    },
    /// Send load to running nodes. With --rpc: signed Starknet invokes over the JSON-RPC
    /// from genesis accounts. With --committee: opaque transactions over the client
    /// port, for consensus alone (real build).
    Client {
        /// JSON-RPC URL of a node, e.g. http://127.0.0.1:9545; repeat (or comma-separate) to spread accounts over nodes.
        #[arg(long, value_delimiter = ',', required_unless_present = "committee", conflicts_with = "committee")]
        rpc: Vec<String>,
        /// Committee file: send opaque transactions to every node's client port instead.
        #[arg(long)]
        committee: Option<PathBuf>,
        /// Offered load, tx/s.
        #[arg(long, default_value_t = 100)]
        rate: u64,
        /// How long to send, e.g. 10s.
        #[arg(long, default_value = "10s", value_parser = parse_duration)]
        duration: std::time::Duration,
        /// (--rpc) The nodes' config file, whose [execution.genesis] the accounts' keys derive from (default: the default genesis).
        #[arg(long, conflicts_with = "committee")]
        config: Option<PathBuf>,
        /// (--rpc) Weights of the transaction kinds (fib, fact, erc20, overdraft), e.g. fib=1,fact=1,erc20=2.
        #[arg(long, default_value = "fib=1,fact=1,erc20=2", conflicts_with = "committee")]
        mix: String,
        /// (--rpc) How many genesis accounts send (default: all but the last, which is left for interactive use).
        #[arg(long, conflicts_with = "committee")]
        accounts: Option<usize>,
        /// (--rpc) How long to wait for outstanding receipts after sending, e.g. 30s.
        #[arg(long, default_value = "30s", value_parser = parse_duration, conflicts_with = "committee")]
        drain: std::time::Duration,
        /// (--rpc) Append a summary row to this CSV.
        #[arg(long, conflicts_with = "committee")]
        csv: Option<PathBuf>,
        /// (--rpc) Label of the CSV row, e.g. the engine the nodes run.
        #[arg(long, default_value = "", conflicts_with = "committee")]
        label: String,
        /// (--rpc) Seed of the transaction mix.
        #[arg(long, default_value_t = 0, conflicts_with = "committee")]
        seed: u64,
        /// (--committee) Bytes per opaque transaction.
        #[arg(long, default_value_t = 512, conflicts_with = "rpc")]
        tx_size: usize,
    },
    /// Print a chain's genesis as JSON: chain id, token and contract addresses, class hashes, and every account with its keys (test keys: never hold value).
    Genesis {
        /// Node config whose [execution.genesis] to describe (default: the default genesis).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Write the JSON here instead of to stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print every node's committed height and tip (real build).
    Status {
        /// Committee file.
        #[arg(long)]
        committee: PathBuf,
    },
}

/// The flags of `kraken sweep`.
#[derive(clap::Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Seed range, e.g. 1..100 (end exclusive), or one seed.
    #[arg(long)]
    pub seeds: String,
    /// Run the seeds in N worker processes (this binary started again), one seed per
    /// process at a time, handed out in seed order, each process retired after 50 seeds;
    /// 1 runs up to 50 seeds in this process (more in one worker process at a time).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
    /// Run only shard I of N (I counts from 0): the seeds s of the range with s mod N = I,
    /// so N machines given I = 0..N-1 run every seed exactly once.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Start no new seed once this much wall-clock time has passed, e.g. 10m; seeds
    /// running then finish, and the table lists the seeds that never started.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub time_budget: Option<std::time::Duration>,
    /// Also write each run's report under OUT.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write JUnit XML here for CI: one testcase per seed, a failure names the failed
    /// checkers and the replay command, a seed not run is skipped.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the outcome as JSON here (what `kraken sweep-merge` reads).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Shrink the first failing seed's run (as `kraken shrink` does, default budget) into
    /// OUT/<scenario>/<seed>/shrunk.toml. Needs --out.
    #[arg(long, requires = "out")]
    pub shrink: bool,
}

/// The flags of `kraken twins`; those left out keep the base scenario's values.
#[derive(clap::Args)]
pub struct TwinsArgs {
    /// The scenario the schedules are generated into: its network, load, node settings,
    /// duration and GST (`[twins] gst`).
    #[arg(long, default_value = "scenarios/twins-generated.toml")]
    pub base: PathBuf,
    /// Committee size N.
    #[arg(long, value_parser = clap::value_parser!(u64).range(4..=7))]
    pub nodes: Option<u64>,
    /// The byzantine identities, each run as two copies sharing its key (at most f).
    #[arg(long, value_delimiter = ',', value_name = "n1,...")]
    pub twins: Option<Vec<String>>,
    /// Scheduled rounds per scenario: the enumeration grows as choices^rounds.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=8))]
    pub rounds: Option<u64>,
    /// Most groups in a round's partition.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=8))]
    pub partitions: Option<u64>,
    /// The identities a round may be led by [base default: every identity].
    #[arg(long, value_delimiter = ',', value_name = "n0,...")]
    pub leaders: Option<Vec<String>>,
    /// Only partitions that keep each Twins pair in different groups (true/false).
    #[arg(long)]
    pub apart: Option<bool>,
    /// Run K schedules (seeds S..S+K, a pseudo-random sample of the enumeration) instead
    /// of all of them.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    pub sample: Option<u64>,
    /// The first seed of --sample.
    #[arg(long, value_name = "S", default_value_t = 0, requires = "sample")]
    pub seed: u64,
    /// Worker processes (this binary started again), each retired after 50 schedules; 1
    /// runs up to 50 schedules here (more in one worker process at a time).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
    /// Start no new schedule once this much wall-clock time has passed, e.g. 10m.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub time_budget: Option<std::time::Duration>,
    /// Where the generated scenario and the reports of failing schedules go.
    #[arg(long, default_value = "reports/twins")]
    pub out: PathBuf,
    /// Write JUnit XML here for CI: one testcase per schedule.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

/// The node config at `path` (the defaults without one).
pub fn node_config(path: Option<&std::path::Path>) -> anyhow::Result<kraken::node::NodeConfig> {
    let Some(p) = path else { return Ok(Default::default()) };
    let text = std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("--config {}: {e}", p.display()))?;
    let config: kraken::node::NodeConfig = toml::from_str(&text).map_err(|e| anyhow::anyhow!("--config {}: {e}", p.display()))?;
    config.check().map_err(|e| anyhow::anyhow!("--config {}: {e}", p.display()))?;
    anyhow::ensure!(
        !config.execution.as_ref().is_some_and(|e| e.unsafe_skip_fee_transfer),
        "--config {}: [execution] unsafe_skip_fee_transfer breaks execution on purpose; it is for simulated auditor tests only",
        p.display()
    );
    Ok(config)
}

pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    kraken_sim::scenario::parse_duration(s)
}

pub fn init_tracing(verbose: u8) {
    // A simulated run reports through its summary and report; its nodes' logs are for
    // debugging (-v). A real node logs its commits by default.
    let quiet = if cfg!(madsim) { "warn" } else { "warn,kraken=info" };
    let default = match verbose {
        0 => quiet,
        1 => "info,kraken=debug",
        _ => "debug,kraken=trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).init();
}

pub fn run(command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Committee { nodes, host, base_port, seed, out } => committee::generate(nodes, &host, base_port, seed, &out),
        Command::Genesis { config, out } => genesis::describe(config.as_deref(), out.as_deref()),
        Command::Prove { program, inputs, out, security } => prove::prove(&program, &inputs, &out, security),
        Command::Verify { proof } => prove::verify(&proof),
        Command::BenchProveBlocks { out, sizes, threads, security, seed, keep_inputs } => bench_prove::bench(&out, &sizes, &threads, security, seed, keep_inputs.as_deref()),
        Command::BenchProveOne { input, threads, security } => bench_prove::one(&input, threads, security),
        Command::VerifyBlock { proof, rpc } => prove_block::verify_block(&proof, rpc.as_deref()),
        #[cfg(not(madsim))]
        Command::ProveBlock { rpc, block, out, security } => prove_block::prove_block(&rpc, block, out.as_deref(), security),
        #[cfg(not(madsim))]
        Command::Prover { rpc, committee, store, storage, workers, threads, blocks_per_proof, from, until, security, listen } => {
            kraken_prover::use_threads(threads);
            let ranges = real::ProverRanges { blocks_per_proof, from, until };
            real::prover(&rpc, &committee, (&store, storage.as_deref()), workers, ranges, security, listen)
        }
        #[cfg(not(madsim))]
        Command::Explorer { rpc, store, storage, listen, verifier } => explorer::explorer(&rpc, (&store, storage.as_deref()), listen, verifier),
        #[cfg(madsim)]
        Command::Explorer { .. } => anyhow::bail!("this is the simulator build; the explorer reads a real chain over HTTP: `make explorer`"),
        #[cfg(madsim)]
        Command::Prover { .. } => anyhow::bail!(
            "this is the simulator build; the watcher-prover follows a real chain: `make real`, then target/real/release/kraken prover"
        ),
        #[cfg(madsim)]
        Command::ProveBlock { .. } => anyhow::bail!(
            "this is the simulator build; prove-block reads a chain over HTTP: `make real`, then target/real/release/kraken prove-block"
        ),
        #[cfg(madsim)]
        Command::Scenario { file, seed, out } => sim::scenario(&file, seed, &out),
        #[cfg(madsim)]
        Command::Sweep(args) => sweep::sweep(&args),
        #[cfg(madsim)]
        Command::Twins(args) => twins::twins(&args),
        #[cfg(madsim)]
        Command::Shrink { report, out, max_runs, time_budget } => shrink::shrink(&report, out.as_deref(), max_runs, time_budget),
        #[cfg(madsim)]
        Command::SweepWorker { file, out, failing_only } => {
            sweep::worker(&file, out.as_deref(), if failing_only { sweep::Reports::Failing } else { sweep::Reports::All })
        }
        #[cfg(madsim)]
        Command::SweepMerge { dir, junit } => sweep::merge(&dir, junit.as_deref()),
        #[cfg(madsim)]
        Command::Bench { out, rates, seconds } => sim::bench(&out, &rates, seconds),
        #[cfg(madsim)]
        Command::BenchFlood { out, kinds, rate, seconds } => sim::bench_flood(&out, &kinds, rate, seconds),
        #[cfg(madsim)]
        Command::Node { .. } | Command::Client { .. } | Command::Status { .. } => anyhow::bail!(
            "this is the simulator build; real nodes come from the real build: `make real`, then target/real/release/kraken"
        ),
        #[cfg(not(madsim))]
        Command::Scenario { .. }
        | Command::Shrink { .. }
        | Command::Sweep(_)
        | Command::Twins(_)
        | Command::SweepWorker { .. }
        | Command::SweepMerge { .. }
        | Command::Bench { .. }
        | Command::BenchFlood { .. } => anyhow::bail!(
            "this is the real build; scenarios run in the simulator build: `cargo run -- scenario FILE`"
        ),
        #[cfg(not(madsim))]
        Command::Node { committee, key, store, config, rpc } => real::node(&committee, &key, &store, config.as_deref(), rpc),
        #[cfg(not(madsim))]
        Command::Client { rpc, committee: Some(committee), rate, duration, tx_size, .. } if rpc.is_empty() => {
            real::client(&committee, rate, duration, tx_size)
        }
        #[cfg(not(madsim))]
        Command::Client { rpc, rate, duration, config, mix, accounts, drain, csv, label, seed, .. } => {
            real::rpc_client(rpc, rate, duration, config.as_deref(), &mix, accounts, drain, csv, label, seed)
        }
        #[cfg(not(madsim))]
        Command::Status { committee } => real::status(&committee),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_real_node_refuses_the_test_only_fee_sabotage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.toml");
        std::fs::write(&path, "[execution]\nunsafe_skip_fee_transfer = true\n").unwrap();
        let err = super::node_config(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("unsafe_skip_fee_transfer breaks execution on purpose"), "{err}");
        std::fs::write(&path, "[execution]\nengine = \"vm\"\n").unwrap();
        assert!(super::node_config(Some(&path)).unwrap().execution.is_some());
    }
}
