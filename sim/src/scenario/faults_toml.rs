//! A fault timeline written back as `[[faults]]` entries: what a `[nemesis]` drew, in the
//! form that, pasted into the scenario in its place, replays the same run.

use super::{format_duration, format_size, Fault, FaultAction, NetworkSpec, NodeCopy};
use std::fmt::Write;

/// The `[[faults]]` entries of `faults`, in order.
pub fn faults_toml(faults: &[Fault]) -> String {
    let mut out = String::new();
    for fault in faults {
        let _ = write!(
            out,
            "[[faults]]\nat = \"{}\"\n{}\n\n",
            format_duration(fault.at),
            action(&fault.action)
        );
    }
    out
}

fn quoted(copy: &NodeCopy) -> String {
    format!("\"{copy}\"")
}

fn action(action: &FaultAction) -> String {
    match action {
        FaultAction::Partition(groups) => {
            let groups: Vec<String> = groups
                .iter()
                .map(|g| format!("[{}]", g.iter().map(quoted).collect::<Vec<_>>().join(", ")))
                .collect();
            format!("partition = [{}]", groups.join(", "))
        }
        FaultAction::Heal => "heal = true".to_string(),
        FaultAction::Cut { from, to, both } => format!(
            "cut = {{ from = {}, to = {}, both = {both} }}",
            quoted(from),
            quoted(to)
        ),
        FaultAction::Crash(c) => format!("crash = {}", quoted(c)),
        FaultAction::Restart(c) => format!("restart = {}", quoted(c)),
        FaultAction::Pause(c) => format!("pause = {}", quoted(c)),
        FaultAction::Resume(c) => format!("resume = {}", quoted(c)),
        FaultAction::Network(spec) => network(spec),
        FaultAction::PowerCut(c) => format!("power_cut = {}", quoted(c)),
        FaultAction::DiskError(c) => format!("disk_error = {}", quoted(c)),
        FaultAction::DiskFull { node, free } => format!(
            "disk_full = {{ node = {}, free = \"{}\" }}",
            quoted(node),
            format_size(*free)
        ),
        FaultAction::DiskOk(c) => format!("disk_ok = {}", quoted(c)),
        FaultAction::CrashProver => "crash = \"prover\"".to_string(),
        FaultAction::RestartProver => "restart = \"prover\"".to_string(),
        FaultAction::StoreDown => "store = \"down\"".to_string(),
        FaultAction::StoreUp => "store = \"up\"".to_string(),
    }
}

/// The full spec, so the entry does not depend on the one before it.
fn network(spec: &NetworkSpec) -> String {
    // `{:?}` writes the shortest text that reads back as the same f64, always as a float.
    format!(
        "network = {{ loss = {:?}, latency = {{ min = \"{}\", max = \"{}\" }} }}",
        spec.loss,
        format_duration(spec.latency.min),
        format_duration(spec.latency.max)
    )
}
