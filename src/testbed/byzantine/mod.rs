//! A byzantine member: honest code whose outgoing messages pass through seeded
//! strategies before it signs them (`[byzantine]` in a scenario). Each strategy makes
//! messages that honest code never builds but a member holding its own key can:
//! certificates with missing, repeated or foreign signatures, proposals out of turn,
//! two proposals for one round, blocks naming batches nobody has, blocks after a
//! timeout that go back below the QCs the timeout reported, votes and timeouts
//! for rounds and blocks nobody is at, replays of old messages, and batches that repeat
//! transactions already sent. Honest nodes must refuse or shrug off every one: the
//! checkers stay green, and the messages that must be refused are refused, for the
//! reason [`Strategy::refusal`] names (the `byzantine-refused` checker,
//! `tests/sim_byzantine.rs`).

mod certificates;
mod off_round;
mod proposals;
mod refusals;
mod replays;

pub use refusals::Refusals;

use crate::consensus::messages::QuorumCert;
use crate::consensus::ConsensusMessage;
use crate::mempool::MempoolMessage;
use crate::net::{codec, Tamper};
use crate::node::NodeMessage;
use crate::types::{Author, Committee, KeyPair, Tx};
use kraken_sim::events::{EventKind, EventLog};
use kraken_sim::world::NodeEnv;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// One way of misbehaving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strategy {
    /// Its proposals' and timeouts' QCs one signature short.
    ShortCertificates,
    /// Those QCs with one signer listed twice in place of another.
    DuplicateSignatures,
    /// Those QCs with one signature taken from an older certificate of the same signer.
    ForeignSignatures,
    /// A proposal of its own, with each vote, for a round it does not lead.
    OutOfTurnProposals,
    /// As leader, a second block for the round (one batch fewer) to half the committee first.
    Equivocation,
    /// As leader, its block naming a batch that does not exist in place of its last one, in place of its block.
    PhantomBatches,
    /// As leader after a timeout, a block extending an older QC than the highest one the
    /// TC reports, in place of its block.
    BelowReportedQc,
    /// With each vote, well-signed votes for a past round, a future round and an unknown block.
    OffRoundVotes,
    /// With each timeout, well-signed timeouts for a future and a past round.
    OffRoundTimeouts,
    /// Now and then one of its earlier consensus messages, sent again.
    Replays,
    /// With each batch, another made of transactions from its earlier batches.
    BatchCopies,
}

impl Strategy {
    pub const ALL: [Strategy; 11] = [
        Strategy::ShortCertificates,
        Strategy::DuplicateSignatures,
        Strategy::ForeignSignatures,
        Strategy::OutOfTurnProposals,
        Strategy::Equivocation,
        Strategy::PhantomBatches,
        Strategy::BelowReportedQc,
        Strategy::OffRoundVotes,
        Strategy::OffRoundTimeouts,
        Strategy::Replays,
        Strategy::BatchCopies,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::ShortCertificates => "short-certificates",
            Strategy::DuplicateSignatures => "duplicate-signatures",
            Strategy::ForeignSignatures => "foreign-signatures",
            Strategy::OutOfTurnProposals => "out-of-turn-proposals",
            Strategy::Equivocation => "equivocation",
            Strategy::PhantomBatches => "phantom-batches",
            Strategy::BelowReportedQc => "below-reported-qc",
            Strategy::OffRoundVotes => "off-round-votes",
            Strategy::OffRoundTimeouts => "off-round-timeouts",
            Strategy::Replays => "replays",
            Strategy::BatchCopies => "batch-copies",
        }
    }

    pub fn parse(name: &str) -> Result<Self, String> {
        Strategy::ALL.into_iter().find(|s| s.name() == name).ok_or_else(|| {
            let known: Vec<&str> = Strategy::ALL.iter().map(|s| s.name()).collect();
            format!("unknown strategy {name:?} (known: {})", known.join(", "))
        })
    }

    /// For strategies whose messages honest nodes must refuse, what they say when they
    /// drop one (a part of the reason the node records); the others' messages are valid
    /// or ignored, and must merely leave safety and liveness intact.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            Strategy::ShortCertificates | Strategy::DuplicateSignatures => Some("distinct valid signers"),
            Strategy::ForeignSignatures => Some("bad signature by"),
            Strategy::OutOfTurnProposals => Some("but the leader is"),
            Strategy::BelowReportedQc => Some("below the TC's highest reported QC"),
            _ => None,
        }
    }
}

/// Messages to send before the honest one, and whether to send the honest one at all.
#[derive(Default)]
struct Plan {
    before: Vec<(Option<Author>, NodeMessage)>,
    withhold: bool,
}

/// What the member remembers of its own past messages.
struct Memory {
    rng: ChaCha20Rng,
    /// The last two distinct non-genesis QCs it sent (older first).
    qcs: VecDeque<QuorumCert>,
    /// Recent consensus messages, with their addressees.
    sent: VecDeque<(Option<Author>, NodeMessage)>,
    /// Transactions of its recent batches.
    txs: VecDeque<Tx>,
}

const REMEMBERED_MESSAGES: usize = 64;
const REMEMBERED_TXS: usize = 1_024;

impl Memory {
    fn remember(&mut self, to: Option<Author>, msg: &NodeMessage) {
        match msg {
            NodeMessage::Consensus(c) => {
                let qc = match c {
                    ConsensusMessage::Propose(b) => Some(&b.qc),
                    ConsensusMessage::Timeout(t) => Some(&t.high_qc),
                    _ => None,
                };
                if let Some(qc) = qc.filter(|qc| !qc.is_genesis() && self.qcs.back() != Some(qc)) {
                    self.qcs.push_back(qc.clone());
                    if self.qcs.len() > 2 {
                        self.qcs.pop_front();
                    }
                }
                self.sent.push_back((to, msg.clone()));
                if self.sent.len() > REMEMBERED_MESSAGES {
                    self.sent.pop_front();
                }
            }
            NodeMessage::Mempool(MempoolMessage::Batch(batch)) => {
                self.txs.extend(batch.txs.iter().cloned());
                while self.txs.len() > REMEMBERED_TXS {
                    self.txs.pop_front();
                }
            }
            _ => {}
        }
    }
}

/// The member's strategies, applied to every message it sends; each time one acts it
/// leaves a `byzantine` note in the run's history.
pub struct Byzantine {
    name: String,
    events: EventLog,
    me: Author,
    key: KeyPair,
    committee: Arc<Committee>,
    strategies: Vec<Strategy>,
    /// Share of the messages a strategy applies to that it tampers with.
    rate: f64,
    memory: Mutex<Memory>,
}

impl Byzantine {
    pub fn new(env: &NodeEnv, key: KeyPair, committee: Arc<Committee>, strategies: Vec<Strategy>, rate: f64) -> Self {
        let me = env.identity as Author;
        let memory = Memory {
            rng: ChaCha20Rng::seed_from_u64(env.seed ^ (0xB1A5_u64 << 32) ^ u64::from(me)),
            qcs: VecDeque::new(),
            sent: VecDeque::new(),
            txs: VecDeque::new(),
        };
        Byzantine { name: env.name.clone(), events: env.events.clone(), me, key, committee, strategies, rate, memory: Mutex::new(memory) }
    }

    fn apply(&self, strategy: Strategy, memory: &mut Memory, to: Option<Author>, msg: &NodeMessage, plan: &mut Plan) {
        let Some(extra) = (match strategy {
            Strategy::ShortCertificates => certificates::short(msg).map(|m| vec![(to, m)]),
            Strategy::DuplicateSignatures => certificates::duplicated(msg).map(|m| vec![(to, m)]),
            Strategy::ForeignSignatures => certificates::foreign(msg, memory.qcs.front()).map(|m| vec![(to, m)]),
            Strategy::OutOfTurnProposals => proposals::out_of_turn(self, msg).map(|m| vec![(None, m)]),
            Strategy::Equivocation => proposals::equivocation(self, msg),
            Strategy::PhantomBatches => proposals::phantom(self, msg, memory.rng.gen()).map(|m| {
                plan.withhold = true;
                vec![(to, m)]
            }),
            Strategy::BelowReportedQc => proposals::below_reported_qc(self, msg, memory.qcs.front()).map(|m| {
                plan.withhold = true;
                vec![(to, m)]
            }),
            Strategy::OffRoundVotes => off_round::votes(self, msg, memory.rng.gen()),
            Strategy::OffRoundTimeouts => off_round::timeouts(self, msg),
            Strategy::Replays => replays::replay(memory),
            Strategy::BatchCopies => replays::batch_copy(msg, memory),
        }) else {
            return;
        };
        let detail = serde_json::json!({ "strategy": strategy.name(), "messages": extra.len() });
        self.events.record(&self.name, EventKind::Note { what: "byzantine".into(), detail });
        plan.before.extend(extra);
    }
}

impl Tamper for Byzantine {
    fn outgoing(&self, to: Option<Author>, body: Vec<u8>) -> Vec<(Option<Author>, Vec<u8>)> {
        let Ok(msg) = codec::decode::<NodeMessage>(&body) else {
            return vec![(to, body)];
        };
        let mut memory = self.memory.lock().expect("byzantine memory");
        let mut plan = Plan::default();
        for &strategy in &self.strategies {
            if memory.rng.gen_bool(self.rate) {
                self.apply(strategy, &mut memory, to, &msg, &mut plan);
            }
        }
        memory.remember(to, &msg);
        let mut out: Vec<_> = plan.before.iter().map(|(to, m)| (*to, codec::encode(m))).collect();
        if !plan.withhold {
            out.push((to, body));
        }
        out
    }
}
