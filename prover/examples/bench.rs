//! Prover benchmark: proves the fib Cairo program at trace lengths 2^min..2^max and both
//! security presets, and writes CSV (prove time, verify time, proof size, peak memory).
//!
//! `cargo run --release -p kraken-prover --example bench -- --out prover-bench.csv [--min 10] [--max 16]`
//! Each measurement runs in a child process so that its peak RSS (VmHWM) is its own.

use kraken_prover::cairo::{prove_program, verify_cairo_proof};
use kraken_prover::field::fe;
use kraken_prover::ProofOptions;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

const FIB: &[u8] = include_bytes!("../programs/fib.json");

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// fib(n) runs about 6 Cairo steps per iteration plus a fixed prologue; aim at ~90% of 2^log
/// so cairo-vm pads to exactly 2^log.
fn fib_arg_for(log: u32) -> u64 {
    let target = (1u64 << log) * 9 / 10;
    target.saturating_sub(40) / 6
}

fn single(log: u32, bits: u32) {
    let opts = if bits >= 128 { ProofOptions::conjectured_128() } else { ProofOptions::conjectured_100() };
    let arg = fib_arg_for(log);
    let t = Instant::now();
    let (bytes, report) = prove_program(FIB, &[fe(arg)], &opts).expect("prove");
    let prove_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let claim = verify_cairo_proof(&bytes).expect("verify");
    let verify_ms = t.elapsed().as_secs_f64() * 1e3;
    eprintln!("{report}");
    println!(
        "{},{},{},{},{},{:.3},{:.2},{},{}",
        log,
        report.trace_length.trailing_zeros(),
        report.steps,
        claim.security_bits,
        report.columns,
        prove_s,
        verify_ms,
        bytes.len(),
        peak_rss_kib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |k: &str| args.iter().position(|a| a == k).and_then(|i| args.get(i + 1)).cloned();
    if let (Some(log), Some(bits)) = (get("--single-log"), get("--single-bits")) {
        single(log.parse().expect("log"), bits.parse().expect("bits"));
        return;
    }
    let out = get("--out").unwrap_or_else(|| "prover-bench.csv".into());
    let min: u32 = get("--min").map(|v| v.parse().expect("min")).unwrap_or(10);
    let max: u32 = get("--max").map(|v| v.parse().expect("max")).unwrap_or(16);
    let exe = std::env::current_exe().expect("exe");
    let mut f = std::fs::File::create(&out).expect("create csv");
    let header = "target_log_steps,trace_log_rows,cairo_steps,security_bits,columns,prove_s,verify_ms,proof_bytes,peak_rss_kib";
    writeln!(f, "{header}").expect("write");
    println!("{header}");
    for log in min..=max {
        for bits in [100u32, 128] {
            let o = Command::new(&exe)
                .args(["--single-log", &log.to_string(), "--single-bits", &bits.to_string()])
                .output()
                .expect("spawn");
            let line = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if !o.status.success() || line.is_empty() {
                eprintln!("log {log} bits {bits} failed: {}", String::from_utf8_lossy(&o.stderr));
                continue;
            }
            println!("{line}");
            writeln!(f, "{line}").expect("write");
            f.flush().ok();
        }
    }
}
