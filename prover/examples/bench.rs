//! Prover benchmark, writing CSV (prove time, verify time, proof size, peak memory) under
//! both security presets.
//!
//! Sweep: the fib Cairo program at trace lengths 2^min..2^max.
//! `cargo run --release -p kraken-prover --example bench -- --out prover-bench.csv [--min 10] [--max 16]`
//!
//! One program: any compiled Cairo program (Kraken's input convention) on given inputs.
//! `cargo run --release -p kraken-prover --example bench -- --program programs/pedersen.json --inputs 1,2 [--out F]`
//!
//! Each measurement runs in a child process so that its peak RSS (VmHWM) is its own.

use kraken_prover::cairo::{prove_program, verify_cairo_proof};
use kraken_prover::field::{fe, felt_from_str, FE};
use kraken_prover::ProofOptions;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

const FIB: &[u8] = include_bytes!("../programs/fib.json");
const SWEEP_HEADER: &str =
    "target_log_steps,trace_log_rows,cairo_steps,security_bits,columns,prove_s,verify_ms,proof_bytes,peak_rss_kib";
const PROGRAM_HEADER: &str =
    "program,inputs,trace_log_rows,cairo_steps,security_bits,columns,prove_s,verify_ms,proof_bytes,peak_rss_kib";

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

/// Proves and verifies once; returns the CSV fields from `trace_log_rows` on.
fn measure(program: &[u8], inputs: &[FE], bits: u32) -> String {
    let opts = if bits >= 128 { ProofOptions::conjectured_128() } else { ProofOptions::conjectured_100() };
    let t = Instant::now();
    let (bytes, report) = prove_program(program, inputs, &opts).expect("prove");
    let prove_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let claim = verify_cairo_proof(&bytes).expect("verify");
    let verify_ms = t.elapsed().as_secs_f64() * 1e3;
    eprintln!("{report}");
    format!(
        "{},{},{},{},{:.3},{:.2},{},{}",
        report.trace_length.trailing_zeros(),
        report.steps,
        claim.security_bits,
        report.columns,
        prove_s,
        verify_ms,
        bytes.len(),
        peak_rss_kib()
    )
}

/// Runs this executable with `args` (a single measurement) and returns its CSV line.
fn child(args: &[String]) -> Option<String> {
    let exe = std::env::current_exe().expect("exe");
    let o = Command::new(exe).args(args).output().expect("spawn");
    let line = String::from_utf8_lossy(&o.stdout).trim().to_string();
    if !o.status.success() || line.is_empty() {
        eprintln!("{args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
        return None;
    }
    Some(line)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |k: &str| args.iter().position(|a| a == k).and_then(|i| args.get(i + 1)).cloned();
    let bits: Option<u32> = get("--single-bits").map(|b| b.parse().expect("--single-bits"));
    let program_path = get("--program");
    let inputs_arg = get("--inputs").unwrap_or_default();

    // Child processes: one measurement each.
    if let (Some(log), Some(bits)) = (get("--single-log"), bits) {
        let log: u32 = log.parse().expect("--single-log");
        println!("{log},{}", measure(FIB, &[fe(fib_arg_for(log))], bits));
        return;
    }
    if let (Some(path), Some(bits)) = (&program_path, bits) {
        let program = std::fs::read(path).unwrap_or_else(|e| panic!("--program {path}: {e}"));
        let inputs: Vec<FE> = inputs_arg
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| felt_from_str(s).unwrap_or_else(|| panic!("--inputs: {s:?} is not a felt")))
            .collect();
        println!("{path},{},{}", inputs_arg.replace(',', " "), measure(&program, &inputs, bits));
        return;
    }

    let out = get("--out").unwrap_or_else(|| "prover-bench.csv".into());
    let mut f = std::fs::File::create(&out).expect("create csv");
    let mut emit = |line: &str| {
        println!("{line}");
        writeln!(f, "{line}").expect("write");
        f.flush().ok();
    };
    if let Some(path) = program_path {
        emit(PROGRAM_HEADER);
        for bits in [100u32, 128] {
            let a = ["--program", &path, "--inputs", &inputs_arg, "--single-bits", &bits.to_string()];
            if let Some(line) = child(&a.map(String::from)) {
                emit(&line);
            }
        }
        return;
    }
    let min: u32 = get("--min").map(|v| v.parse().expect("min")).unwrap_or(10);
    let max: u32 = get("--max").map(|v| v.parse().expect("max")).unwrap_or(16);
    emit(SWEEP_HEADER);
    for log in min..=max {
        for bits in [100u32, 128] {
            let a = ["--single-log", &log.to_string(), "--single-bits", &bits.to_string()];
            if let Some(line) = child(&a.map(String::from)) {
                emit(&line);
            }
        }
    }
}
