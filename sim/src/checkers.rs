//! Checkers judge a finished run from its recorded [`History`] alone, never by looking
//! inside the system. The built-in ones know only blocks and transactions; a system adds
//! its own through `SimSystem::checkers` (see `world`).

mod liveness;
mod no_lost_tx;
mod no_readmission;
mod proofs;
mod safety;
mod state_agreement;
mod tx_latency;

pub use liveness::Liveness;
pub use no_lost_tx::NoLostTx;
pub use no_readmission::NoReadmission;
pub use proofs::Proofs;
pub use safety::Safety;
pub use state_agreement::StateAgreement;
pub use tx_latency::TxLatency;

use crate::history::History;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// One property of a run, judged from its history.
pub trait Checker {
    /// Short name, e.g. `safety`.
    fn name(&self) -> &str;
    /// Judges the history.
    fn check(&self, history: &History) -> Verdict;
}

/// A checker's judgement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The checker's name.
    pub checker: String,
    /// Whether the property held.
    pub passed: bool,
    /// What was checked, or the first violation found.
    pub detail: String,
}

impl Verdict {
    /// A passing verdict.
    pub fn pass(checker: &str, detail: impl Into<String>) -> Self {
        Verdict {
            checker: checker.to_string(),
            passed: true,
            detail: detail.into(),
        }
    }

    /// A failing verdict.
    pub fn fail(checker: &str, detail: impl Into<String>) -> Self {
        Verdict {
            checker: checker.to_string(),
            passed: false,
            detail: detail.into(),
        }
    }
}

/// The built-in checkers with the scenario's bounds: safety, liveness, no lost
/// transactions (bound = `checks.liveness_within`), no readmission, and tx latency when
/// `checks.max_tx_latency` is set, and proofs with a `[prover]`. A safety-only run keeps
/// safety, no tx committed twice, no readmission, and valid proofs without the coverage
/// check.
pub fn builtin(scenario: &Scenario) -> Vec<Box<dyn Checker>> {
    let checks = &scenario.checks;
    let proofs = |coverage| scenario.prover.is_some().then(|| Box::new(Proofs { coverage }) as Box<dyn Checker>);
    if checks.safety_only {
        let mut checkers: Vec<Box<dyn Checker>> = vec![Box::new(Safety), Box::new(NoLostTx { bound: None }), Box::new(NoReadmission)];
        checkers.extend(proofs(false));
        return checkers;
    }
    let mut checkers: Vec<Box<dyn Checker>> = vec![
        Box::new(Safety),
        Box::new(Liveness {
            within: checks.liveness_within,
        }),
        Box::new(NoLostTx {
            bound: Some(checks.liveness_within),
        }),
        Box::new(NoReadmission),
    ];
    if let Some(bound) = checks.max_tx_latency {
        checkers.push(Box::new(TxLatency { bound }));
    }
    checkers.extend(proofs(true));
    checkers
}

/// Formats microseconds as seconds with millisecond precision, e.g. `12.345s`.
pub(crate) fn secs(t_us: u64) -> String {
    format!("{}.{:03}s", t_us / 1_000_000, (t_us / 1000) % 1000)
}
