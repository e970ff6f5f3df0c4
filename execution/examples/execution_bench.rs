//! Execution benchmark: executed transactions per second for fib, fact and ERC-20
//! transfers with Cairo Native and with the Cairo VM, side by side in one run, plus the
//! one-time native compile cost of each genesis class. Writes a CSV.
//!
//! Each block has one invoke per account; the time covers parsing, execution (validate,
//! execute, fee transfer) and sealing (state tries and block hash). `fib-5000` is the
//! compute-bound case: one call doing 5000 loop iterations.
//!
//! ```text
//! CARGO_ENCODED_RUSTFLAGS= cargo run --release -p kraken-execution --example execution_bench -- \
//!     [--blocks 5] [--block-txs 200] [--out reports/bench/execution.csv]
//! ```

use std::time::Instant;

use kraken_execution::calls::{fact, fib, signed_invoke, transfer};
use kraken_execution::engine::native_compile_times;
use kraken_execution::{Engine, GenesisConfig, LocalChain, TxStatus};

struct Args {
    blocks: usize,
    block_txs: usize,
    out: String,
}

fn args() -> Args {
    let mut a = Args { blocks: 5, block_txs: 200, out: "reports/bench/execution.csv".into() };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--blocks" => a.blocks = value().parse().expect("--blocks: a number"),
            "--block-txs" => a.block_txs = value().parse().expect("--block-txs: a number"),
            "--out" => a.out = value(),
            other => panic!("unknown flag {other} (expected --blocks, --block-txs, --out)"),
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
    if let Some(dir) = std::path::Path::new(&args.out).parent() {
        std::fs::create_dir_all(dir).expect("create the output directory");
    }
    std::fs::write(&args.out, rows.join("\n") + "\n").expect("write the CSV");
    eprintln!("wrote {}", args.out);
}
