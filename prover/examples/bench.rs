//! Prover benchmark, writing CSV (prove time and its phases, verify time, proof size, peak
//! memory) under both security presets, or one (`--bits 100`).
//!
//! Sweep: the fib Cairo program at trace lengths 2^min..2^max.
//! `cargo run --release -p kraken-prover --example bench -- --out prover-bench.csv [--min 10] [--max 16]`
//!
//! One program: any compiled Cairo program (Kraken's input convention) on given inputs.
//! `cargo run --release -p kraken-prover --example bench -- --program programs/pedersen.json --inputs 1,2 [--out F]`
//! (`--inputs-file F` instead of `--inputs`: a felt a line, as `kraken bench-prove-blocks
//! --keep-inputs DIR` writes block inputs)
//!
//! `--threads 1,2` measures each case once per thread count (rayon's pool size; the real
//! build with `--features parallel` only) and prints the phases side by side with the
//! speedup over the first count.
//!
//! Each measurement runs in a child process so that its peak RSS (VmHWM) and its thread
//! pool are its own.

use kraken_prover::cairo::{prove_program, verify_cairo_proof};
use kraken_prover::field::{fe, felt_from_str, FE};
use kraken_prover::phases::PhaseTimes;
use kraken_prover::ProofOptions;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

const FIB: &[u8] = include_bytes!("../programs/fib.json");
/// The fields of every measurement, after those naming the case.
const MEASURE_HEADER: &str = "trace_log_rows,cairo_steps,security_bits,columns,threads,prove_s,verify_ms,proof_bytes,peak_rss_kib";

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

/// `MEASURE_HEADER` followed by one `<phase>_ms` column per phase.
fn measure_header() -> String {
    let phases: Vec<String> = PhaseTimes::default().entries().iter().map(|(n, _)| format!("{n}_ms")).collect();
    format!("{MEASURE_HEADER},{}", phases.join(","))
}

/// Proves and verifies once on `threads` threads; returns the fields of `measure_header`.
fn measure(program: &[u8], inputs: &[FE], bits: u32, threads: usize) -> String {
    let threads = kraken_prover::use_threads(threads);
    let opts = if bits >= 128 { ProofOptions::conjectured_128() } else { ProofOptions::conjectured_100() };
    let t = Instant::now();
    let (bytes, report) = prove_program(program, inputs, &opts).expect("prove");
    let prove_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let claim = verify_cairo_proof(&bytes).expect("verify");
    let verify_ms = t.elapsed().as_secs_f64() * 1e3;
    eprintln!("{report}");
    let phases: Vec<String> =
        report.phases.entries().iter().map(|(_, d)| format!("{:.1}", d.as_secs_f64() * 1e3)).collect();
    format!(
        "{},{},{},{},{threads},{:.3},{:.2},{},{},{}",
        report.trace_length.trailing_zeros(),
        report.steps,
        claim.security_bits,
        report.columns,
        prove_s,
        verify_ms,
        bytes.len(),
        peak_rss_kib(),
        phases.join(",")
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

/// Prints one case's measurements (CSV lines under `header`, one per thread count) side by
/// side: every phase, the prove and verify times, and the speedup over the first.
fn print_side_by_side(header: &str, lines: &[String]) {
    let names: Vec<&str> = header.split(',').collect();
    let rows: Vec<Vec<&str>> = lines.iter().map(|l| l.split(',').collect()).collect();
    let col = |name: &str| names.iter().position(|n| *n == name).expect("column");
    let value = |row: &Vec<&str>, name: &str| row[col(name)].parse::<f64>().unwrap_or(f64::NAN);
    let Some(first) = rows.first() else { return };
    let mut head = format!("2^{} rows, {} bits", first[col("trace_log_rows")], first[col("security_bits")]);
    for r in &rows {
        head += &format!(" | {:>2} thr", r[col("threads")]);
        if !std::ptr::eq(r, first) {
            head += " (speedup)";
        }
    }
    eprintln!("{head}");
    let line = |label: &str, name: &str, scale: f64| {
        let mut s = format!("  {label:<22}");
        for r in &rows {
            s += &format!(" | {:>9.1}", value(r, name) * scale);
            if !std::ptr::eq(r, first) {
                s += &format!(" ({:.2}x)", value(first, name) / value(r, name));
            }
        }
        eprintln!("{s}");
    };
    for (phase, _) in PhaseTimes::default().entries() {
        line(&format!("{phase} (ms)"), &format!("{phase}_ms"), 1.0);
    }
    line("prove (ms)", "prove_s", 1e3);
    line("verify (ms)", "verify_ms", 1.0);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |k: &str| args.iter().position(|a| a == k).and_then(|i| args.get(i + 1)).cloned();
    let bits: Option<u32> = get("--single-bits").map(|b| b.parse().expect("--single-bits"));
    let program_path = get("--program");
    let inputs_arg = match get("--inputs-file") {
        Some(f) => std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("--inputs-file {f}: {e}")).split_whitespace().collect::<Vec<_>>().join(","),
        None => get("--inputs").unwrap_or_default(),
    };
    let threads_arg = get("--threads").unwrap_or_else(|| "0".into());

    // Child processes: one measurement each, on one thread count.
    if let Some(bits) = bits {
        let threads: usize = threads_arg.parse().expect("--threads");
        if let Some(log) = get("--single-log") {
            let log: u32 = log.parse().expect("--single-log");
            println!("{log},{}", measure(FIB, &[fe(fib_arg_for(log))], bits, threads));
        } else if let Some(path) = &program_path {
            let program = std::fs::read(path).unwrap_or_else(|e| panic!("--program {path}: {e}"));
            let inputs: Vec<FE> = inputs_arg
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| felt_from_str(s).unwrap_or_else(|| panic!("--inputs: {s:?} is not a felt")))
                .collect();
            let shown = if inputs.len() > 8 { format!("{} values", inputs.len()) } else { inputs_arg.replace(',', " ") };
            println!("{path},{shown},{}", measure(&program, &inputs, bits, threads));
        }
        return;
    }

    let presets: Vec<u32> = match get("--bits") {
        Some(b) => vec![b.parse().expect("--bits")],
        None => vec![100, 128],
    };
    let thread_counts: Vec<String> = threads_arg.split(',').map(String::from).collect();
    // The cases: the arguments naming each child's program, and the CSV header.
    let (header, cases): (String, Vec<Vec<String>>) = match &program_path {
        Some(path) => (
            format!("program,inputs,{}", measure_header()),
            vec![match get("--inputs-file") {
                Some(f) => vec!["--program".into(), path.clone(), "--inputs-file".into(), f],
                None => vec!["--program".into(), path.clone(), "--inputs".into(), inputs_arg.clone()],
            }],
        ),
        None => {
            let min: u32 = get("--min").map(|v| v.parse().expect("min")).unwrap_or(10);
            let max: u32 = get("--max").map(|v| v.parse().expect("max")).unwrap_or(16);
            let cases = (min..=max).map(|log| vec!["--single-log".into(), log.to_string()]).collect();
            (format!("target_log_steps,{}", measure_header()), cases)
        }
    };
    let out = get("--out").unwrap_or_else(|| "prover-bench.csv".into());
    let mut f = std::fs::File::create(&out).expect("create csv");
    let mut emit = |line: &str| {
        println!("{line}");
        writeln!(f, "{line}").expect("write");
        f.flush().ok();
    };
    emit(&header);
    for case in &cases {
        for bits in &presets {
            let mut lines = Vec::new();
            for threads in &thread_counts {
                let mut a = case.clone();
                a.extend(["--single-bits".into(), bits.to_string(), "--threads".into(), threads.clone()]);
                if let Some(line) = child(&a) {
                    emit(&line);
                    lines.push(line);
                }
            }
            print_side_by_side(&header, &lines);
        }
    }
}
