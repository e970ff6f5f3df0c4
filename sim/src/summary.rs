//! The terminal summary of one run: verdicts with PASS/FAIL, headline figures, where the
//! report is, and for a failing run the one command that replays it.

use crate::events::EventKind;
use crate::outcome::RunOutcome;
use crate::scenario::Scenario;
use std::fmt::Write;
use std::path::Path;

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.0} ms"))
}

/// One line per node process that ended by itself (stopped loudly), with the last note
/// it left before, which says why.
fn exits(outcome: &RunOutcome) -> Vec<String> {
    let mut lines = Vec::new();
    for (i, e) in outcome.events.iter().enumerate() {
        if e.kind != EventKind::NodeExited {
            continue;
        }
        let why = outcome.events[..i].iter().rev().find_map(|n| match &n.kind {
            EventKind::Note { what, detail } if n.node == e.node => Some(format!("{what}: {}", detail.as_str().map_or_else(|| detail.to_string(), str::to_string))),
            _ => None,
        });
        lines.push(format!("stopped: {} at {:.3}s{}", e.node, e.t_us as f64 / 1e6, why.map_or_else(String::new, |w| format!(" ({w})"))));
    }
    lines
}

/// Renders the summary (plain text, no colour; ends with a newline).
pub fn render(scenario: &Scenario, outcome: &RunOutcome, report: Option<&Path>) -> String {
    let mut out = String::new();
    let status = if outcome.passed() { "PASS" } else { "FAIL" };
    let s = &outcome.metrics.summary;
    let model_only = match &s.proving {
        Some(p) if p.cost_model_only => "  [prover: cost model only, no proofs made]",
        _ => "",
    };
    let _ = writeln!(
        out,
        "{status}  {} ({}) seed {}{model_only}",
        scenario.name, scenario.origin, outcome.seed
    );
    let _ = writeln!(
        out,
        "  {:.1}s simulated in {:.2}s wall ({}x), {} events, history {}",
        outcome.sim_time.as_secs_f64(),
        outcome.wall_time.as_secs_f64(),
        // Below 10x one decimal, so a slow run does not read "0x".
        if outcome.sim_per_wall < 10.0 { format!("{:.1}", outcome.sim_per_wall) } else { format!("{:.0}", outcome.sim_per_wall) },
        outcome.events.len(),
        &outcome.history_hash[..16.min(outcome.history_hash.len())]
    );
    let width = outcome
        .verdicts
        .iter()
        .map(|v| v.checker.len())
        .max()
        .unwrap_or(0);
    for v in &outcome.verdicts {
        let _ = writeln!(
            out,
            "  {} {:width$}  {}",
            if v.passed { "PASS" } else { "FAIL" },
            v.checker,
            v.detail
        );
    }
    let tail = if s.tail_from_s > 0.0 {
        format!(
            ", {:.1} tx/s after the last heal at {:.1}s",
            s.tail_tps, s.tail_from_s
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "  throughput: {} of {} submitted txs committed in {} blocks; {:.1} tx/s mean{tail}",
        s.committed, s.submitted, s.blocks, s.mean_tps
    );
    if let Some(w) = &s.under_faults {
        let _ = writeln!(
            out,
            "  under faults ({:.1}s to {:.1}s): {:.1} tx/s committed of {:.1} offered ({:.0}%)",
            w.from_s,
            w.to_s,
            w.committed_tps,
            w.offered_tps,
            if w.offered_tps > 0.0 { 100.0 * w.committed_tps / w.offered_tps } else { 0.0 }
        );
    }
    let _ = writeln!(
        out,
        "  latency: p50 {}, p90 {}, p99 {}, max {}; longest gap between commits {}",
        ms(s.p50_ms),
        ms(s.p90_ms),
        ms(s.p99_ms),
        ms(s.max_ms),
        ms(s.longest_commit_gap_ms)
    );
    if let Some(x) = &s.execution {
        let _ = writeln!(
            out,
            "  execution: {:.1} tx/s executed; submit-to-execution p50 {}, p99 {}",
            x.executed_tps,
            ms(x.p50_ms),
            ms(x.p99_ms)
        );
    }
    if let Some(p) = &s.proving {
        let _ = writeln!(
            out,
            "  proofs: {} stored, proved up to block {} of {} committed (lag {} blocks), {} refused; commit-to-proof latency p50 {}, p99 {}",
            p.proofs,
            p.proved_height,
            p.committed_height,
            p.committed_height.saturating_sub(p.proved_height),
            p.refused,
            ms(p.p50_ms),
            ms(p.p99_ms)
        );
    }
    if scenario.nemesis.is_some() {
        let _ = writeln!(
            out,
            "  nemesis: {} fault entries drawn from seed {} (faults.toml in the report replays them)",
            outcome.faults.len(),
            outcome.seed
        );
        for f in &outcome.faults {
            let _ = writeln!(out, "    {:>9.3}s  {}", f.at.as_secs_f64(), f.action);
        }
    }
    for line in exits(outcome) {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(dir) = report {
        let _ = writeln!(out, "  report: {}", dir.display());
    }
    if !outcome.passed() {
        let _ = writeln!(out, "  replay: {}", scenario.replay_command(outcome.seed));
    }
    out
}
