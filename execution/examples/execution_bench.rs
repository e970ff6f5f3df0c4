//! Execution benchmark: executed transactions per second for fib, fact and ERC-20
//! transfers with Cairo Native and with the Cairo VM, side by side in one run, plus the
//! one-time native compile cost of each genesis class. Writes a CSV.
//!
//! Each block has one invoke per account; the time covers parsing, execution (validate,
//! execute, fee transfer) and sealing (state tries and block hash). `fib-5000` is the
//! compute-bound case: one call doing 5000 loop iterations.
//!
//! Then the per-phase profile of an ERC-20 transfer on Cairo Native, on a chain of
//! `--accounts` genesis accounts, at each of `--phase-block-txs` block sizes: parse
//! (decoding and the transaction hash), execute (blockifier: validate, execute, fee
//! transfer), fee (the same blocks without the fee transfer, the difference), trie (the
//! state tries moved by the block's diff) and block hash (commitments and header), with
//! the Pedersen hashes the trie update computed per transfer; and, apart, admission
//! (`__validate__` on the state before the block, what a node does once per
//! submission). Its rows go to `--phases-out`.
//!
//! ```text
//! CARGO_ENCODED_RUSTFLAGS= cargo run --release -p kraken-execution --example execution_bench -- \
//!     [--blocks 5] [--block-txs 200] [--out reports/bench/execution.csv] \
//!     [--accounts 2000] [--phase-block-txs 5,50,200] [--phase-txs 1000] \
//!     [--phases-out reports/bench/execution-phases.csv]
//! ```

use std::time::Instant;

use kraken_execution::calls::{fact, fib, signed_invoke, transfer};
use kraken_execution::engine::native_compile_times;
use kraken_execution::{hash_block, tx, Engine, GenesisConfig, LocalChain, TxStatus};
use kraken_starknet::state::{apply_state_diff, ContractState, MemoryStateStore, StateStore};
use kraken_starknet::trie::{Node, NodeStore, TrieError};
use kraken_starknet::Felt;

struct Args {
    blocks: usize,
    block_txs: usize,
    out: String,
    accounts: u32,
    phase_block_txs: Vec<usize>,
    phase_txs: usize,
    phases_out: String,
}

const USAGE: &str = "execution_bench [--blocks 5] [--block-txs 200] [--out reports/bench/execution.csv] \
[--accounts 2000] [--phase-block-txs 5,50,200] [--phase-txs 1000] [--phases-out reports/bench/execution-phases.csv]

Executed tx/s for fib, fact and ERC-20 transfers, Cairo Native beside the Cairo VM (--out), \
then the per-phase cost of an ERC-20 transfer at each block size (--phases-out).";

fn args() -> Args {
    let mut a = Args {
        blocks: 5,
        block_txs: 200,
        out: "reports/bench/execution.csv".into(),
        accounts: 2000,
        phase_block_txs: vec![5, 50, 200],
        phase_txs: 1000,
        phases_out: "reports/bench/execution-phases.csv".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--blocks" => a.blocks = value().parse().expect("--blocks: a number"),
            "--block-txs" => a.block_txs = value().parse().expect("--block-txs: a number"),
            "--out" => a.out = value(),
            "--accounts" => a.accounts = value().parse().expect("--accounts: a number"),
            "--phase-block-txs" => {
                a.phase_block_txs =
                    value().split(',').map(|n| n.trim().parse().expect("--phase-block-txs: numbers, comma separated")).collect()
            }
            "--phase-txs" => a.phase_txs = value().parse().expect("--phase-txs: a number"),
            "--phases-out" => a.phases_out = value(),
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => panic!(
                "unknown flag {other} (expected --blocks, --block-txs, --out, --accounts, --phase-block-txs, --phase-txs, --phases-out)"
            ),
        }
    }
    a
}

fn main() {
    let args = args();
    let config = GenesisConfig { accounts: args.block_txs as u32, ..GenesisConfig::default() };
    let mut rows = vec!["workload,engine,txs,seconds,tx_per_s,ms_per_tx,native_calls,vm_calls".to_string()];

    // Native compile cost, once per class, measured before any execution uses it.
    let probe = LocalChain::new(Engine::Native, &config);
    let g = &probe.genesis;
    for (name, class) in [("account", g.account_class), ("erc20", g.erc20_class), ("fib", g.fib_class), ("fact", g.fact_class)] {
        let compiled = probe.state.classes[&class.0].clone();
        let t = Instant::now();
        Engine::Native.runnable(&compiled).expect("genesis classes compile");
        let s = t.elapsed().as_secs_f64();
        eprintln!("native compile {name:8} {s:7.2} s");
        rows.push(format!("compile-{name},native,0,{s:.3},,,,"));
    }
    assert_eq!(native_compile_times().len(), 4);

    for workload in ["fib", "fact", "erc20", "fib-5000"] {
        for engine in [Engine::Native, Engine::Vm] {
            let mut chain = LocalChain::new(engine, &config);
            let g = chain.genesis.clone();
            let blocks: Vec<Vec<Vec<u8>>> = (0..args.blocks as u64)
                .map(|round| {
                    g.accounts
                        .iter()
                        .enumerate()
                        .map(|(i, a)| {
                            let call = match workload {
                                "fib" => fib(&g, 80),
                                "fib-5000" => fib(&g, 5000),
                                "fact" => fact(&g, 25),
                                _ => transfer(g.token, g.accounts[(i + 1) % g.accounts.len()].address, 1),
                            };
                            signed_invoke(&g, a, round, &[call])
                        })
                        .collect()
                })
                .collect();
            let (mut secs, mut txs, mut native, mut vm) = (0.0, 0usize, 0usize, 0usize);
            for block in &blocks {
                let refs: Vec<&[u8]> = block.iter().map(Vec::as_slice).collect();
                let t = Instant::now();
                let (executed, _) = chain.execute(&refs).expect("execution");
                secs += t.elapsed().as_secs_f64();
                for r in &executed.receipts {
                    assert_eq!(r.status, TxStatus::Succeeded, "{workload} on {engine}: {r:?}");
                }
                txs += executed.receipts.len();
                native += executed.native_calls;
                vm += executed.vm_calls;
            }
            let rate = txs as f64 / secs;
            eprintln!("{workload:6} {engine:6} {txs:6} txs {secs:7.2} s {rate:9.1} tx/s (native calls {native}, vm calls {vm})");
            rows.push(format!("{workload},{engine},{txs},{secs:.3},{rate:.1},{:.3},{native},{vm}", 1000.0 / rate));
        }
    }
    write_csv(&args.out, &rows);

    let mut rows = vec![
        "block_txs,txs,parse_ms,execute_ms,fee_ms,trie_ms,block_hash_ms,total_ms,trie_pedersen_per_tx,tx_per_s,admit_ms".to_string(),
    ];
    for &block_txs in &args.phase_block_txs {
        let with_fee = phases(args.accounts, block_txs, args.phase_txs, false);
        let without_fee = phases(args.accounts, block_txs, args.phase_txs, true);
        let per_tx = |secs: f64| secs * 1000.0 / with_fee.txs as f64;
        let fee = per_tx(with_fee.execute - without_fee.execute);
        let total = with_fee.parse + with_fee.execute + with_fee.trie + with_fee.block_hash;
        let pedersen = with_fee.pedersen as f64 / with_fee.txs as f64;
        let (parse, execute, trie, block_hash) =
            (per_tx(with_fee.parse), per_tx(with_fee.execute), per_tx(with_fee.trie), per_tx(with_fee.block_hash));
        let (total_ms, tx_per_s, admit) = (per_tx(total), with_fee.txs as f64 / total, per_tx(with_fee.admit));
        eprintln!(
            "erc20 native, {block_txs:3} per block: parse {parse:.3} ms, execute {execute:.3} (fee {fee:.3}), trie {trie:.3} ({pedersen:.1} Pedersen), block hash {block_hash:.3}; {total_ms:.3} ms per transfer, {tx_per_s:.1} tx/s; admission {admit:.3} ms",
        );
        rows.push(format!(
            "{block_txs},{},{parse:.4},{execute:.4},{fee:.4},{trie:.4},{block_hash:.4},{total_ms:.4},{pedersen:.1},{tx_per_s:.1},{admit:.4}",
            with_fee.txs,
        ));
    }
    write_csv(&args.phases_out, &rows);
}

fn write_csv(path: &str, rows: &[String]) {
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir).expect("create the output directory");
    }
    std::fs::write(path, rows.join("\n") + "\n").expect("write the CSV");
    eprintln!("wrote {path}");
}

/// Seconds spent in each phase over a run, and the trie's Pedersen hashes.
struct Phases {
    txs: usize,
    parse: f64,
    execute: f64,
    trie: f64,
    block_hash: f64,
    pedersen: usize,
    /// Not part of the block's time: each transaction's admission check.
    admit: f64,
}

/// Runs `txs` ERC-20 transfers on Cairo Native in blocks of `block_txs`, each account
/// sending in turn, and times each phase of each block.
fn phases(accounts: u32, block_txs: usize, txs: usize, skip_fee: bool) -> Phases {
    let mut chain = LocalChain::new(Engine::Native, &GenesisConfig { accounts, ..GenesisConfig::default() });
    chain.executor.unsafe_skip_fee_transfer = skip_fee;
    let g = chain.genesis.clone();
    let n = g.accounts.len();
    let chain_id = g.chain.chain_id();
    let mut out = Phases { txs: 0, parse: 0.0, execute: 0.0, trie: 0.0, block_hash: 0.0, pedersen: 0, admit: 0.0 };
    // Warm-up block, not measured: Cairo Native compiles each class on first use.
    let warm: Vec<Vec<u8>> = vec![signed_invoke(&g, &g.accounts[0], 0, &[transfer(g.token, g.accounts[1].address, 1)])];
    chain.execute(&warm.iter().map(Vec::as_slice).collect::<Vec<_>>()).expect("warm-up block");
    let mut sent = 1;
    while out.txs < txs {
        let payloads: Vec<Vec<u8>> = (sent..sent + block_txs)
            .map(|i| {
                let (from, to) = (&g.accounts[i % n], &g.accounts[(i + 1) % n]);
                signed_invoke(&g, from, (i / n) as u64, &[transfer(g.token, to.address, 1)])
            })
            .collect();
        sent += block_txs;
        let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();

        let t = Instant::now();
        for p in &refs {
            tx::parse(p, &chain_id).expect("a well-formed transfer");
        }
        out.parse += t.elapsed().as_secs_f64();

        let env = chain.next_env();
        let t = Instant::now();
        for p in &refs {
            chain.executor.admit(&chain.state, env, p).expect("an admissible transfer");
        }
        out.admit += t.elapsed().as_secs_f64();

        let t = Instant::now();
        let block = chain.executor.execute_block(&chain.state, env, &refs).expect("execution");
        // execute_block parses each payload again: that share belongs to parse.
        out.execute += t.elapsed().as_secs_f64();
        for r in &block.receipts {
            assert_eq!(r.status, TxStatus::Succeeded, "{r:?}");
        }

        let (prev, parent) = (chain.tip().roots(), chain.tip().block_hash);
        let mut counting = CountingStore { inner: &mut chain.tries, nodes: 0, contracts: 0 };
        let t = Instant::now();
        let roots = apply_state_diff(&mut counting, prev, &block.diff.state).expect("in-memory tries");
        out.trie += t.elapsed().as_secs_f64();
        // One Pedersen per stored node, three per contract leaf (`contract_state_hash`);
        // transfers declare no class, so the Poseidon classes trie stays as it was.
        out.pedersen += counting.nodes + 3 * counting.contracts;

        let t = Instant::now();
        let sealed = hash_block(&chain.executor.chain, roots, parent, env.number, env.timestamp, &block);
        out.block_hash += t.elapsed().as_secs_f64();
        chain.record(&block, sealed);
        out.txs += block.receipts.len();
    }
    out.execute -= out.parse;
    out
}

/// The chain's tries, counting what an update stores: every stored node was hashed once.
struct CountingStore<'a> {
    inner: &'a mut MemoryStateStore,
    nodes: usize,
    contracts: usize,
}

impl NodeStore for CountingStore<'_> {
    fn get_node(&self, hash: &Felt) -> Result<Option<Node>, TrieError> {
        self.inner.get_node(hash)
    }
    fn put_node(&mut self, hash: Felt, node: Node) -> Result<(), TrieError> {
        self.nodes += 1;
        self.inner.put_node(hash, node)
    }
}

impl StateStore for CountingStore<'_> {
    fn contract(&self, address: &Felt) -> Result<Option<ContractState>, TrieError> {
        self.inner.contract(address)
    }
    fn put_contract(&mut self, address: Felt, state: ContractState) -> Result<(), TrieError> {
        self.contracts += 1;
        self.inner.put_contract(address, state)
    }
}

