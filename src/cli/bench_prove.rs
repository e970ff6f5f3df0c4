//! `kraken bench-prove-blocks`: proves an empty block and blocks of 1, 10 and 100 transactions of the default
//! mix from an in-memory chain, each with 1 and 2 proving threads, and writes Cairo steps
//! per transaction, trace rows and columns, prove and verify time, proof size and peak
//! RSS to a CSV, with the simulator's cost model beside each 1-thread time (`model_s`:
//! how `src/watcher/cost.rs` is calibrated). Each measurement runs in its own child process (this binary,
//! `bench-prove-one`), so its peak RSS is its own and its thread pool has its size.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use futures::executor::block_on;
use kraken::block_proof::fetch::fetch_input;
use kraken::block_proof::sample::sample_chain;
use kraken_prover::block::prove_blocks;
use kraken_prover::cairo::verify_cairo_proof;
use kraken_prover::field::felt_from_str;

const HEADER: &str = "txs,threads,security_bits,steps,steps_per_tx,trace_rows,columns,prove_s,model_s,verify_ms,proof_kib,peak_rss_mib,tx_per_s,tx_per_s_per_core,speedup_vs_1_thread";

pub fn bench(out: &Path, sizes: &[usize], threads: &[usize], security: u32, seed: u64, keep_inputs: Option<&Path>) -> anyhow::Result<i32> {
    anyhow::ensure!(!sizes.is_empty() && sizes.iter().all(|&s| s <= 1000), "--sizes: block sizes up to 1000 transactions (0: an empty block)");
    anyhow::ensure!(!threads.is_empty() && threads.iter().all(|&t| (1..=64).contains(&t)), "--threads: between 1 and 64");
    let options = super::prove::options(security)?;
    eprintln!("bench-prove-blocks: executing blocks of {sizes:?} transactions (default mix) on an in-memory chain ...");
    let ctx = sample_chain(sizes, seed)?;
    let dir = keep_inputs.map_or_else(|| std::env::temp_dir().join(format!("kraken-bench-prove-{}", std::process::id())), Path::to_path_buf);
    std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    let exe = std::env::current_exe()?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // measured ÷ model of every 1-thread measurement: this machine against the model's.
    let mut ratios = Vec::new();
    let mut csv = std::fs::File::create(out).map_err(|e| anyhow::anyhow!("--out {}: {e}", out.display()))?;
    writeln!(csv, "{HEADER}")?;
    println!("{:>5} {:>7} {:>8} {:>9} {:>12} {:>8} {:>9} {:>9} {:>9} {:>8} {:>7}", "txs", "threads", "steps", "steps/tx", "trace", "prove s", "verify ms", "proof KiB", "RSS MiB", "tx/s", "speedup");
    for (i, &size) in sizes.iter().enumerate() {
        let block = i as u64 + 1;
        let input = block_on(fetch_input(&ctx, block, block))?;
        let file = dir.join(format!("block-{size}-tx.felts"));
        std::fs::write(&file, input.iter().map(|x| format!("{x:#x}")).collect::<Vec<_>>().join("\n"))?;
        let mut single = None;
        for &t in threads {
            eprintln!("  block of {size} transactions, {t} thread(s) ...");
            let output = Command::new(&exe)
                .args(["bench-prove-one", "--input"])
                .arg(&file)
                .args(["--threads", &t.to_string(), "--security", &security.to_string()])
                .output()?;
            anyhow::ensure!(output.status.success(), "the measurement failed: {}", String::from_utf8_lossy(&output.stderr));
            let line = String::from_utf8(output.stdout)?;
            let m: Vec<f64> = line.trim().split(',').map(str::parse).collect::<Result<_, _>>()?;
            let [steps, rows, columns, prove_s, verify_ms, bytes, rss_kib] = m[..] else { anyhow::bail!("a measurement line of 7 numbers, not {line:?}") };
            let tx_per_s = size as f64 / prove_s;
            // An empty block has no per-transaction figure: its steps are the block's own.
            let per_tx = steps / size.max(1) as f64;
            let speedup = *single.get_or_insert(prove_s) / prove_s;
            // The model is of one worker on one thread.
            let model_s = kraken::watcher::cost::prove_seconds(rows as u64, columns as u64, &options) / t as f64;
            if t == 1 {
                ratios.push(prove_s / model_s);
            }
            writeln!(
                csv,
                "{size},{t},{security},{steps},{per_tx:.0},{rows},{columns},{prove_s:.3},{model_s:.3},{verify_ms:.1},{:.1},{:.0},{tx_per_s:.2},{:.2},{speedup:.2}",
                bytes / 1024.0,
                rss_kib / 1024.0,
                tx_per_s / t as f64
            )?;
            println!(
                "{size:>5} {t:>7} {steps:>8} {per_tx:>9.0} {:>12} {prove_s:>8.2} {verify_ms:>9.1} {:>9.0} {:>9.0} {tx_per_s:>8.2} {speedup:>7.2}",
                format!("2^{} x {columns}", (rows as u64).trailing_zeros()),
                bytes / 1024.0,
                rss_kib / 1024.0,
            );
        }
    }
    match keep_inputs {
        Some(_) => println!("kept the block inputs in {}", dir.display()),
        None => std::fs::remove_dir_all(&dir)?,
    }
    println!("wrote {}", out.display());
    if !ratios.is_empty() {
        let scale = ratios.iter().sum::<f64>() / ratios.len() as f64;
        println!("cost_scale = {scale:.2}  (1-thread prove time / the cost model's, mean of {} blocks: a scenario's [prover] cost_scale charges this machine's time)", ratios.len());
    }
    Ok(0)
}

/// One measurement (the child process): prove and verify the block program on the input
/// file's felts with `threads` threads; prints steps, rows, columns, prove s, verify ms,
/// proof bytes and peak RSS KiB as one CSV line.
pub fn one(input: &Path, threads: usize, security: u32) -> anyhow::Result<i32> {
    let options = super::prove::options(security)?;
    let text = std::fs::read_to_string(input)?;
    let felts = text.lines().map(|l| felt_from_str(l).ok_or_else(|| anyhow::anyhow!("{}: `{l}` is not a felt", input.display()))).collect::<anyhow::Result<Vec<_>>>()?;
    let used = kraken_prover::use_threads(threads);
    anyhow::ensure!(used == threads, "{threads} threads asked, {used} available (the simulator build proves on one)");
    let (bytes, report) = prove_blocks(&felts, &options)?;
    let start = Instant::now();
    verify_cairo_proof(&bytes)?;
    let verify = start.elapsed();
    println!(
        "{},{},{},{:.3},{:.3},{},{}",
        report.steps,
        report.trace_length,
        report.columns,
        report.prove_time.as_secs_f64(),
        verify.as_secs_f64() * 1e3,
        bytes.len(),
        peak_rss_kib()
    );
    Ok(0)
}

/// This process's peak resident set (VmHWM), KiB; 0 where /proc is missing.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}
