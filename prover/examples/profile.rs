//! Where a Cairo program's steps go: runs it in cairo-vm (proof mode, as the prover does)
//! and prints the steps spent in each function's own code, most first, and how many times
//! it was entered. Every step is a trace row, so this is the table to read before cutting
//! a program's cost.
//!
//! `cargo run --release -p kraken-prover --example profile -- --program programs/block.json
//! --inputs-file F [--top 30]` (`kraken bench-prove-blocks --keep-inputs DIR` writes block
//! inputs, a felt a line)

use kraken_prover::cairo::runner::execute;
use kraken_prover::field::{felt_from_str, FE};
use std::collections::BTreeMap;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// (first pc, name) of every function in the compiled program, by pc.
fn functions(program: &serde_json::Value) -> Vec<(u64, String)> {
    let mut fs: Vec<(u64, String)> = program["identifiers"]
        .as_object()
        .map(|ids| {
            ids.iter()
                .filter(|(_, v)| v["type"] == "function")
                .filter_map(|(name, v)| Some((v["pc"].as_u64()?, name.trim_start_matches("__main__.").to_string())))
                .collect()
        })
        .unwrap_or_default();
    fs.sort();
    fs
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: profile --program FILE.json (--inputs-file F | --inputs a,b,...) [--top N]";
    let path = arg(&args, "--program").unwrap_or_else(|| panic!("{usage}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("--program {path}: {e}"));
    let program: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("--program {path}: {e}"));
    let text = match arg(&args, "--inputs-file") {
        Some(f) => std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("--inputs-file {f}: {e}")),
        None => arg(&args, "--inputs").unwrap_or_default().replace(',', " "),
    };
    let inputs: Vec<FE> = text
        .split_whitespace()
        .map(|s| felt_from_str(s).unwrap_or_else(|| panic!("input `{s}` is not a felt")))
        .collect();
    let top: usize = arg(&args, "--top").and_then(|t| t.parse().ok()).unwrap_or(30);

    let exec = execute(&bytes, &inputs).unwrap_or_else(|e| panic!("{path}: {e}"));
    let fs = functions(&program);
    // The program segment is relocated to address 1, so pc p is the program's word p - 1.
    // (steps, calls) per function; a call is a step at the function's first pc.
    let mut steps: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for &(pc, _, _) in &exec.registers {
        let word = pc.saturating_sub(1);
        let i = fs.partition_point(|(start, _)| *start <= word);
        let (name, entered) = if i == 0 { ("(before any function)", false) } else { (fs[i - 1].1.as_str(), fs[i - 1].0 == word) };
        let e = steps.entry(name).or_default();
        e.0 += 1;
        e.1 += entered as u64;
    }
    let total = exec.registers.len() as u64;
    let mut rows: Vec<(&str, (u64, u64))> = steps.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    println!("{total} steps in {path}");
    println!("{:>8}  {:>6}  {:>6}  function", "steps", "share", "calls");
    for (name, (n, calls)) in rows.iter().take(top) {
        println!("{n:>8}  {:>5.1}%  {calls:>6}  {name}", 100.0 * *n as f64 / total as f64);
    }
    if rows.len() > top {
        let rest: u64 = rows[top..].iter().map(|r| r.1 .0).sum();
        println!("{rest:>8}  {:>5.1}%  ({} more functions)", 100.0 * rest as f64 / total as f64, rows.len() - top);
    }
}
