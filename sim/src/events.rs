//! The recorded history of a run: what every node, the client and the nemesis did, each
//! stamped with simulated time. Checkers, metrics and reports read only this.
//!
//! The history is written as `events.jsonl`, one JSON object per line; its SHA-256
//! ([`history_hash`]) identifies a run: the same scenario, seed and binary give the same
//! hash.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};

/// Node name used for events recorded by the world itself (the nemesis).
pub const WORLD: &str = "sim";

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Simulated microseconds since the start of the run.
    pub t_us: u64,
    /// The node copy ("n1", twin "n1'"), "client", or [`WORLD`].
    pub node: String,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. Transaction and block ids are hex strings chosen by the system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EventKind {
    /// A node process started (incarnation 0) or restarted (1, 2, ...).
    NodeStarted {
        /// How many times this copy started before.
        incarnation: u32,
    },
    /// The world killed the node process.
    NodeCrashed,
    /// The node process ended by itself (its main future returned: a node that stops
    /// loudly, e.g. on a failing disk); the world treats it as down until a restart.
    NodeExited,
    /// The world restarted the node process from its disk.
    NodeRestarted,
    /// The world paused the node.
    NodePaused,
    /// The world resumed the node.
    NodeResumed,
    /// A fault came into force.
    FaultStarted {
        /// The fault, e.g. `partition n0,n1 | n2,n3`.
        label: String,
    },
    /// A fault was lifted.
    FaultHealed {
        /// The fault being lifted.
        label: String,
    },
    /// The client sent a transaction to a node.
    TxSubmitted {
        /// Transaction id.
        tx: String,
        /// The node it was sent to.
        to: String,
    },
    /// A node accepted a transaction into its mempool.
    TxAdmitted {
        /// Transaction id.
        tx: String,
    },
    /// A node refused a transaction.
    TxRejected {
        /// Transaction id.
        tx: String,
        /// Why.
        reason: String,
    },
    /// A node committed a block.
    BlockCommitted {
        /// Chain height.
        height: u64,
        /// Consensus round (view) of the block.
        round: u64,
        /// Block id.
        block: String,
        /// Parent block id.
        parent: String,
        /// Transactions in the block, in order.
        txs: Vec<String>,
    },
    /// A node executed a committed block (systems that execute transactions).
    BlockExecuted {
        /// Chain height.
        height: u64,
        /// The state commitment after the block.
        state_root: String,
        /// A digest of the block's receipts, in order.
        receipts: String,
        /// Transactions included (succeeded or reverted).
        included: u64,
        /// Of those, reverted.
        reverted: u64,
        /// Transactions rejected at execution (not included).
        rejected: u64,
        /// The executed block's hash (what a block proof names).
        block_hash: String,
    },
    /// The prover began proving blocks `first..=last`.
    ProvingStarted {
        first: u64,
        last: u64,
    },
    /// The prover stored a proof of blocks `first..=last`, then read it back from the
    /// store and verified it.
    ProofStored {
        first: u64,
        last: u64,
        /// Transactions the proof covers.
        txs: u64,
        /// Trace rows of the proof.
        rows: u64,
        /// Proof size in bytes (0 when no proof was made).
        bytes: u64,
        /// When proving of this range began, microseconds.
        started_us: u64,
        /// Whether the stored proof verified when read back; `None` when the prover
        /// runs on its cost model only and makes no proof.
        verified: Option<bool>,
        /// The blocks the statement names and the last one's hash: from the verified
        /// proof, or from the block program's output when no proof was made.
        claimed_first: u64,
        claimed_last: u64,
        last_block_hash: String,
    },
    /// The prover cannot prove blocks `first..=last` (the block program refuses them).
    ProofRefused {
        first: u64,
        last: u64,
        reason: String,
    },
    /// Anything else worth keeping.
    Note {
        /// Short tag.
        what: String,
        /// Free-form detail.
        detail: serde_json::Value,
    },
}

struct Inner {
    start: madsim::time::Instant,
    events: Vec<Event>,
    /// The run is over: what its teardown does is not history.
    closed: bool,
}

/// The shared event recorder of one run; cheap to clone.
#[derive(Clone)]
pub struct EventLog {
    inner: Arc<Mutex<Inner>>,
}

impl std::fmt::Debug for EventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLog")
            .field("events", &self.len())
            .finish()
    }
}

impl EventLog {
    /// A log whose clock starts now (call inside the simulation, at the start of the run).
    pub fn new() -> Self {
        EventLog {
            inner: Arc::new(Mutex::new(Inner {
                start: madsim::time::Instant::now(),
                events: Vec::new(),
                closed: false,
            })),
        }
    }

    /// Records `kind` for `node` at the current simulated time.
    pub fn record(&self, node: &str, kind: EventKind) {
        let mut inner = self.inner.lock().expect("event log lock");
        if inner.closed {
            return;
        }
        let t_us = inner.start.elapsed().as_micros() as u64;
        inner.events.push(Event {
            t_us,
            node: node.to_string(),
            kind,
        });
    }

    /// Ends the history: later `record` calls are ignored (the run's teardown).
    pub fn close(&self) {
        self.inner.lock().expect("event log lock").closed = true;
    }

    /// Simulated microseconds since the log started.
    pub fn now_us(&self) -> u64 {
        self.inner
            .lock()
            .expect("event log lock")
            .start
            .elapsed()
            .as_micros() as u64
    }

    /// A copy of every event so far, in recording order.
    pub fn events(&self) -> Vec<Event> {
        self.inner.lock().expect("event log lock").events.clone()
    }

    /// Number of events so far.
    pub fn len(&self) -> usize {
        self.inner.lock().expect("event log lock").events.len()
    }

    /// Whether nothing was recorded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog::new()
    }
}

/// The events as JSON lines, each terminated by `\n`.
pub fn to_jsonl(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        serde_json::to_writer(&mut out, event).expect("events serialize");
        out.push(b'\n');
    }
    out
}

/// Parses `events.jsonl` text back into events.
pub fn from_jsonl(text: &str) -> Result<Vec<Event>, serde_json::Error> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect()
}

/// SHA-256 (hex) of the exact [`to_jsonl`] bytes.
pub fn history_hash(events: &[Event]) -> String {
    hex::encode(Sha256::digest(to_jsonl(events)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Event> {
        vec![
            Event {
                t_us: 0,
                node: "n0".into(),
                kind: EventKind::NodeStarted { incarnation: 0 },
            },
            Event {
                t_us: 5,
                node: "client".into(),
                kind: EventKind::TxSubmitted {
                    tx: "0a".into(),
                    to: "n0".into(),
                },
            },
            Event {
                t_us: 9,
                node: "n0".into(),
                kind: EventKind::BlockCommitted {
                    height: 1,
                    round: 2,
                    block: "b1".into(),
                    parent: "b0".into(),
                    txs: vec!["0a".into()],
                },
            },
            Event {
                t_us: 10,
                node: WORLD.into(),
                kind: EventKind::Note {
                    what: "x".into(),
                    detail: serde_json::json!({"k": 1}),
                },
            },
        ]
    }

    #[test]
    fn jsonl_is_flat_and_round_trips() {
        let bytes = to_jsonl(&sample());
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with(
                "{\"t_us\":0,\"node\":\"n0\",\"type\":\"NodeStarted\",\"incarnation\":0}\n"
            ),
            "{text}"
        );
        assert_eq!(from_jsonl(&text).unwrap(), sample());
    }

    #[test]
    fn hash_depends_on_every_byte() {
        let a = history_hash(&sample());
        assert_eq!(a.len(), 64);
        assert_eq!(a, history_hash(&sample()));
        let mut other = sample();
        other[1].t_us = 6;
        assert_ne!(a, history_hash(&other));
    }

    #[madsim::test]
    async fn log_records_in_order_with_sim_time() {
        let log = EventLog::new();
        madsim::time::sleep(std::time::Duration::from_millis(3)).await;
        log.record("n1", EventKind::NodeCrashed);
        log.clone().record("n1", EventKind::NodeRestarted);
        let events = log.events();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].kind, EventKind::NodeRestarted);
        // Simulated time is exact; real time (the non-madsim build) only at least.
        if cfg!(madsim) {
            assert_eq!(events[0].t_us, 3000);
        } else {
            assert!(events[0].t_us >= 3000);
        }
    }
}
