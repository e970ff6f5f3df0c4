//! Fault windows: the intervals during which each fault was in force, derived from the
//! timeline. Charts shade them; the liveness checker starts after the last one heals.

use super::{FaultAction, NodeCopy, Scenario};
use std::time::Duration;

/// One interval during which a fault was in force.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FaultWindow {
    /// When the fault began, from the start of the run.
    pub start: Duration,
    /// When it healed; `None` if still in force at the end of the run.
    pub end: Option<Duration>,
    /// What it was, e.g. `partition n0,n1 | n2,n3` or `crash n2`.
    pub label: String,
    /// The fault hits a service beside the nodes (the prover, its store): the nodes'
    /// liveness is not judged from its heal.
    pub beside_nodes: bool,
}

#[derive(PartialEq)]
enum Kind {
    Partition,
    Cut,
    Down(NodeCopy),
    Paused(NodeCopy),
    Network,
    Disk(NodeCopy),
    ProverDown,
    StoreDown,
}

/// Windows in the order they open: partition..heal (or the next partition), cut..heal,
/// crash or power_cut..restart, pause..resume (or crash), network change..next network
/// change (a change back to the `[network]` spec closes the window without opening
/// another), disk_error or disk_full..disk_ok, crash..restart of the prover, store
/// down..up.
pub fn fault_windows(scenario: &Scenario) -> Vec<FaultWindow> {
    let mut windows: Vec<FaultWindow> = Vec::new();
    let mut open: Vec<(Kind, usize)> = Vec::new();
    let close = |open: &mut Vec<(Kind, usize)>,
                 windows: &mut Vec<FaultWindow>,
                 at: Duration,
                 pred: &dyn Fn(&Kind) -> bool| {
        open.retain(|(kind, index)| {
            if pred(kind) {
                windows[*index].end = Some(at);
                false
            } else {
                true
            }
        });
    };
    for fault in &scenario.faults {
        let at = fault.at;
        let opens = match &fault.action {
            FaultAction::Partition(_) => {
                close(&mut open, &mut windows, at, &|k| *k == Kind::Partition);
                Some(Kind::Partition)
            }
            FaultAction::Heal => {
                close(&mut open, &mut windows, at, &|k| {
                    matches!(k, Kind::Partition | Kind::Cut)
                });
                None
            }
            FaultAction::Cut { .. } => Some(Kind::Cut),
            FaultAction::Crash(c) => {
                close(&mut open, &mut windows, at, &|k| *k == Kind::Paused(*c));
                Some(Kind::Down(*c))
            }
            FaultAction::Restart(c) => {
                close(&mut open, &mut windows, at, &|k| *k == Kind::Down(*c));
                None
            }
            FaultAction::Pause(c) => Some(Kind::Paused(*c)),
            FaultAction::Resume(c) => {
                close(&mut open, &mut windows, at, &|k| *k == Kind::Paused(*c));
                None
            }
            FaultAction::PowerCut(c) => Some(Kind::Down(*c)),
            FaultAction::DiskError(c) | FaultAction::DiskFull { node: c, .. } => {
                Some(Kind::Disk(*c))
            }
            FaultAction::DiskOk(c) => {
                close(&mut open, &mut windows, at, &|k| *k == Kind::Disk(*c));
                None
            }
            FaultAction::Network(spec) => {
                close(&mut open, &mut windows, at, &|k| *k == Kind::Network);
                (*spec != scenario.network).then_some(Kind::Network)
            }
            FaultAction::CrashProver => Some(Kind::ProverDown),
            FaultAction::RestartProver => {
                close(&mut open, &mut windows, at, &|k| *k == Kind::ProverDown);
                None
            }
            FaultAction::StoreDown => Some(Kind::StoreDown),
            FaultAction::StoreUp => {
                close(&mut open, &mut windows, at, &|k| *k == Kind::StoreDown);
                None
            }
        };
        if let Some(kind) = opens {
            let beside_nodes = matches!(kind, Kind::ProverDown | Kind::StoreDown);
            open.push((kind, windows.len()));
            windows.push(FaultWindow {
                start: at,
                end: None,
                label: fault.action.to_string(),
                beside_nodes,
            });
        }
    }
    windows
}
