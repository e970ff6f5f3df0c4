//! The consensus core: one task that owns the round, the block tree, the safety rules and
//! the certificate aggregator, and reacts to proposals, votes, timeouts, sync replies,
//! batch arrivals and its own timers.
//!
//! Cheap filters (round windows, duplicates, unsolicited replies) run before any
//! signature is checked, so a flood costs a peer more than it costs the node. A store
//! error stops the node ([`Halt`]): it is never read as "not found".

use super::aggregator::Aggregator;
use super::commit::{commit_block, CommittedBlock};
use super::election::{Election, LeaderElection};
use super::messages::{Block, ConsensusMessage, Invalid, QuorumCert, Timeout, TimeoutCert, Vote};
use super::pacemaker::Pacemaker;
use super::safety::{SafetyRules, SafetyState};
use super::signatures::CheckedSignatures;
use super::tree::{BlockTree, Tip};
use crate::mempool::{BatchPool, MempoolMessage};
use crate::halt::Halt;
use crate::net::{Outbox, WarnLimit};
use crate::observer::Observer;
use crate::storage::{Deferral, Store, StoreError, Table};
use crate::types::{Author, Committee, Digest, KeyPair, Round};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep_until, Instant};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsensusParams {
    /// Round timeout with no progress; doubles per consecutive timeout.
    pub timeout_ms: u64,
    /// Cap on the doubled timeout.
    pub max_timeout_ms: u64,
    /// With nothing to order, a leader proposes an empty block after this long.
    pub empty_block_ms: u64,
    /// A leader proposes no sooner than this after its round began, so that under load
    /// transactions gather into fewer, larger blocks: every block costs each member
    /// signatures, disk syncs and a state-trie update whatever its size. 0 proposes as
    /// soon as there is payload. It must be below `timeout_ms` (`NodeConfig::check`), and
    /// well below to leave the round time for its votes; mind too that a block
    /// holds at most `max_block_batches`: 64 a block in 200 ms rounds order at most 320
    /// batches a second, fewer when rounds time out.
    pub min_block_ms: u64,
    /// A leader whose node has more than this many committed blocks still to execute
    /// waits for its execution to catch up, up to half the round timeout, before it
    /// proposes: consensus then goes at execution's pace in fewer, larger blocks, instead
    /// of outrunning it with small ones whose fixed costs (signatures, syncs, the upper
    /// levels of the state tries) take the CPU execution needs. 0 turns this off; a node
    /// without execution never waits.
    pub execution_backpressure_blocks: u64,
    /// Most batch digests in one block.
    pub max_block_batches: usize,
    /// `reputation` (the default: avoids leaders that failed recently) or `round-robin`.
    /// Every member must use the same.
    pub leader_election: LeaderElection,
    /// TEST ONLY, never in a deployment: commit a block as soon as it is certified
    /// (a 1-chain rule) instead of waiting for a certified child in the next round. It
    /// exists to prove that the simulator's safety checker catches the conflicting
    /// commits this classic bug causes (`tests/sim_checkers.rs`).
    pub unsafe_one_chain_commit: bool,
}

impl Default for ConsensusParams {
    fn default() -> Self {
        ConsensusParams {
            timeout_ms: 1_000,
            max_timeout_ms: 8_000,
            empty_block_ms: 250,
            min_block_ms: 0,
            execution_backpressure_blocks: 2,
            max_block_batches: 64,
            leader_election: LeaderElection::Reputation,
            unsafe_one_chain_commit: false,
        }
    }
}

const SAFETY_KEY: &[u8] = b"state";
const SYNC_BATCH: u32 = 64;
/// A sync request is answered within this long or forgotten (its reply is then refused).
const SYNC_ANSWER_WITHIN: Duration = Duration::from_secs(10);
const RESEND_AFTER: Duration = Duration::from_millis(500);
/// Blocks buffered while their parent or batches are fetched; beyond this the oldest go.
const MAX_BUFFERED: usize = 4_096;
/// Votes and timeouts further ahead than this are ignored, so a byzantine peer cannot
/// grow the aggregator without bound (a node that far behind catches up by sync first).
const MAX_ROUNDS_AHEAD: Round = 1_000;

pub struct Core {
    me: Author,
    key: KeyPair,
    committee: Arc<Committee>,
    /// Checks peers' signatures, each valid one once.
    signatures: CheckedSignatures,
    params: ConsensusParams,
    store: Store,
    net: Outbox<ConsensusMessage>,
    /// Requests for batches a block references, to the peers' mempools.
    batch_requests: Outbox<MempoolMessage>,
    pool: Arc<BatchPool>,
    observer: Arc<dyn Observer>,
    /// The height of every block committed, in order: the execution task's wake-up.
    commits: mpsc::UnboundedSender<u64>,
    /// The height this node has executed, as last told by its execution task (None
    /// without one): what the proposal's backpressure compares with the committed tip.
    executed: Option<u64>,
    /// What the current step (one message, timer or batch arrival handled) leaves behind
    /// for `end_step`: whether it changed the safety state, the messages it sends, and the
    /// blocks it committed with the deferred write holding the last of them.
    safety_changed: bool,
    outgoing: Vec<(Option<Author>, ConsensusMessage)>,
    committed: Vec<CommittedBlock>,
    commit_write: Option<Deferral>,
    halt: Halt,
    safety: SafetyRules,
    tree: BlockTree,
    election: Election,
    round: Round,
    round_started: Instant,
    pacemaker: Pacemaker,
    aggregator: Aggregator,
    last_tc: Option<TimeoutCert>,
    proposed: Round,
    timed_out: Round,
    /// Our timeout for `timed_out`, re-sent until the round ends.
    my_timeout: Option<Timeout>,
    /// Blocks waiting for their parent, keyed by the parent's digest.
    waiting_parent: BTreeMap<Digest, Vec<(Block, Author)>>,
    /// Blocks waiting for batches.
    waiting_batches: Vec<(Block, Author)>,
    requested: BTreeMap<Digest, Instant>,
    /// Blocks asked for by sync and not yet answered; only replies to these are read.
    sync_asked: BTreeMap<Digest, Instant>,
    warnings: WarnLimit,
}

/// What every handler returns: the one error a handler cannot recover from is the store's.
type Handled = Result<(), StoreError>;

/// The next height the execution task reports; when it has stopped, `None`, and the
/// receiver is dropped so the node no longer waits on it.
async fn next_executed(executed: &mut Option<watch::Receiver<u64>>) -> Option<u64> {
    let rx = executed.as_mut()?;
    match rx.changed().await {
        Ok(()) => Some(*rx.borrow_and_update()),
        Err(_) => {
            *executed = None;
            None
        }
    }
}

impl Core {
    #[allow(clippy::too_many_arguments)]
    pub fn spawn(
        me: Author,
        key: KeyPair,
        committee: Arc<Committee>,
        params: ConsensusParams,
        store: Store,
        net: Outbox<ConsensusMessage>,
        batch_requests: Outbox<MempoolMessage>,
        pool: Arc<BatchPool>,
        observer: Arc<dyn Observer>,
        commits: mpsc::UnboundedSender<u64>,
        executed: Option<watch::Receiver<u64>>,
        halt: Halt,
        inbox: mpsc::Receiver<(Author, ConsensusMessage)>,
        arrivals: mpsc::UnboundedReceiver<Digest>,
    ) -> anyhow::Result<()> {
        let state: SafetyState = store.get(Table::Safety, SAFETY_KEY)?.unwrap_or_default();
        let tree = BlockTree::load(store.clone())?;
        let election = Election::new(committee.clone(), params.leader_election, store.clone());
        // Back in the round it last voted or timed out in, not past it: with no
        // certificate for that round it may not skip it, and the peers still there need
        // its timeout for a TC (its safety state keeps it from voting there twice).
        let round = state.last_voted_round.max(state.high_qc.round + 1).max(tree.tip().round + 1);
        let pacemaker = Pacemaker::new(
            Duration::from_millis(params.timeout_ms),
            Duration::from_millis(params.max_timeout_ms),
        );
        let core = Core {
            me,
            key,
            signatures: CheckedSignatures::new(committee.clone()),
            committee,
            safety: SafetyRules::new(state.clone()),
            params,
            store,
            net,
            batch_requests,
            pool,
            observer,
            commits,
            executed: executed.as_ref().map(|rx| *rx.borrow()),
            safety_changed: false,
            outgoing: Vec::new(),
            committed: Vec::new(),
            commit_write: None,
            halt,
            tree,
            election,
            round,
            round_started: Instant::now(),
            pacemaker,
            aggregator: Aggregator::default(),
            last_tc: None,
            // A leader never proposes twice in a round, across restarts too.
            proposed: state.last_proposed_round,
            timed_out: 0,
            my_timeout: None,
            waiting_parent: BTreeMap::new(),
            waiting_batches: Vec::new(),
            requested: BTreeMap::new(),
            sync_asked: BTreeMap::new(),
            warnings: WarnLimit::new(Duration::from_secs(10)),
        };
        tokio::spawn(core.run(inbox, arrivals, executed));
        Ok(())
    }

    async fn run(
        mut self,
        mut inbox: mpsc::Receiver<(Author, ConsensusMessage)>,
        mut arrivals: mpsc::UnboundedReceiver<Digest>,
        mut executed: Option<watch::Receiver<u64>>,
    ) {
        tracing::info!(me = self.me, round = self.round, tip = ?self.tree.tip(), "consensus starting");
        let mut result = self.try_propose(false).and_then(|()| self.end_step());
        while result.is_ok() {
            let propose_at = match self.proposal_deadline() {
                Ok(at) => at,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            result = tokio::select! {
                // Fixed branch order: tokio's random branch choice is seeded from process-global
                // state and would make simulated runs depend on what else ran in the process.
                biased;
                Some((from, msg)) = inbox.recv() => self.handle(from, msg),
                Some(_) = arrivals.recv() => {
                    // Drain the burst, then retry once.
                    while arrivals.try_recv().is_ok() {}
                    self.on_batches_arrived()
                }
                _ = sleep_until(self.pacemaker.deadline()) => self.local_timeout(),
                height = next_executed(&mut executed), if executed.is_some() => {
                    // Only a leader held back by execution has anything to retry.
                    let held = self.held_by_execution();
                    self.executed = height;
                    if held { self.try_propose(false) } else { Ok(()) }
                }
                _ = sleep_until(propose_at.unwrap_or_else(Instant::now)), if propose_at.is_some() => {
                    self.try_propose(Instant::now() >= self.empty_block_due())
                }
                else => return,
            };
            result = result.and_then(|()| self.end_step());
        }
        if let Err(e) = result {
            self.halt.stop("consensus store", e);
        }
    }

    fn handle(&mut self, from: Author, msg: ConsensusMessage) -> Handled {
        match msg {
            ConsensusMessage::Propose(b) => self.on_proposal(b, from, true),
            ConsensusMessage::Vote(v) => self.on_vote(v, from),
            ConsensusMessage::Timeout(t) => self.on_timeout(t, from),
            ConsensusMessage::SyncRequest { block, max } => {
                let blocks = self.tree.ancestors(&block, max.min(SYNC_BATCH) as usize)?;
                if !blocks.is_empty() {
                    self.send(from, ConsensusMessage::SyncReply(blocks));
                }
                Ok(())
            }
            ConsensusMessage::SyncReply(blocks) => self.on_sync_reply(blocks, from),
        }
    }

    /// A reply is read only if it answers a request of ours: its first block is the one
    /// asked for and each next one is the parent of the one before. Anything else is
    /// dropped before a signature is checked.
    fn on_sync_reply(&mut self, mut blocks: Vec<Block>, from: Author) -> Handled {
        let asked = blocks.first().map(Block::digest).filter(|d| self.sync_asked.contains_key(d));
        let Some(asked) = asked else {
            // Not necessarily hostile (a second answer to a request re-sent), so not
            // blamed; never read either.
            tracing::debug!(me = self.me, from, "ignoring a sync reply nothing asked for");
            return Ok(());
        };
        if blocks.len() > SYNC_BATCH as usize || blocks.windows(2).any(|w| w[0].parent() != &w[1].digest()) {
            self.drop_invalid(from, "sync reply", "not a chain of at most 64 ancestors");
            return Ok(());
        }
        self.sync_asked.remove(&asked);
        blocks.reverse();
        // Oldest first; only the oldest may need its own parent asked for: asking for
        // every missing parent made each reply to a node more than SYNC_BATCH blocks
        // behind trigger SYNC_BATCH more requests.
        for (i, b) in blocks.into_iter().enumerate() {
            if b.height > 0 {
                self.on_proposal(b, from, i == 0)?;
            }
        }
        Ok(())
    }

    /// Drops an invalid message, blamed on `from`, the member whose envelope carried it.
    fn drop_invalid(&mut self, from: Author, what: &str, why: impl std::fmt::Display) {
        let reason = format!("invalid {what}: {why}");
        self.warnings.log(from, &reason);
        self.observer.message_dropped(from, &reason);
    }

    // ---- blocks -------------------------------------------------------------------

    fn on_proposal(&mut self, b: Block, from: Author, ask_parent: bool) -> Handled {
        if b.height <= self.tree.tip().height {
            return Ok(());
        }
        if b.payload.len() > self.params.max_block_batches {
            self.drop_invalid(from, "block", format!("{} batches, the limit is {}", b.payload.len(), self.params.max_block_batches));
            return Ok(());
        }
        // Seen before (a replay, or the same block by proposal and by sync): its
        // signatures were checked the first time.
        let d = b.digest();
        if self.tree.get(&d)?.is_some() || self.is_waiting(&b) {
            return Ok(());
        }
        // Cheap when the parent is here (the election remembers), so before any signature.
        if let Some(e) = self.wrong_leader(&b, false)? {
            self.drop_invalid(from, "block", e);
            return Ok(());
        }
        if let Err(e) = b.verify(&self.signatures) {
            self.drop_invalid(from, "block", e);
            return Ok(());
        }
        self.accept(b, from, ask_parent)
    }

    /// Who leads a round depends on the chain the block extends: known once its parent is.
    /// Before its signatures are checked a block's round is only its sender's claim, so
    /// the election (which names a leader for every round up to it) is asked only within
    /// our window; a block beyond it is checked after its certificates, which bound its
    /// round by what a quorum has reached.
    fn wrong_leader(&mut self, b: &Block, verified: bool) -> Result<Option<Invalid>, StoreError> {
        if !verified && b.round > self.round.saturating_add(MAX_ROUNDS_AHEAD) {
            return Ok(None);
        }
        Ok(match self.election.leader(b.round, b.parent())? {
            Some(leader) if leader != b.author => Some(Invalid::WrongLeader { round: b.round, author: b.author, leader }),
            _ => None,
        })
    }

    fn is_waiting(&self, b: &Block) -> bool {
        self.waiting_parent.get(b.parent()).is_some_and(|w| w.iter().any(|(w, _)| w == b))
            || self.waiting_batches.iter().any(|(w, _)| w == b)
    }

    /// Inserts `b` once its parent and batches are local, then everything that was
    /// waiting on it (iteratively: a long sync releases thousands of blocks). A missing
    /// parent is requested from `from` when `ask_parent` says so.
    fn accept(&mut self, b: Block, from: Author, ask_parent: bool) -> Handled {
        let mut work = vec![(b, from)];
        while let Some((b, from)) = work.pop() {
            let d = b.digest();
            if self.tree.get(&d)?.is_some() || b.height <= self.tree.tip().height {
                continue;
            }
            let parent = *b.parent();
            let Some(p) = self.tree.get(&parent)? else {
                if self.tree.is_stale(&parent)? {
                    continue; // extends an abandoned fork below the committed tip
                }
                tracing::debug!(me = self.me, round = b.round, "block waits for its parent");
                self.buffer_for_parent(b, from);
                if ask_parent {
                    self.request_block(parent, from);
                }
                continue;
            };
            if p.height + 1 != b.height || p.round >= b.round {
                self.drop_invalid(from, "block", format!("height {} / round {} does not follow its parent", b.height, b.round));
                continue;
            }
            if let Some(e) = self.wrong_leader(&b, true)? {
                self.drop_invalid(from, "block", e);
                continue;
            }
            let mut missing = Vec::new();
            for d in &b.payload {
                if !self.store.contains(Table::Batches, &d.0)? {
                    missing.push(*d);
                }
            }
            if !missing.is_empty() {
                tracing::debug!(me = self.me, round = b.round, missing = missing.len(), "block waits for batches");
                self.request_batches(missing, from, b.author);
                // A block delivered again (by a proposal and by sync) waits only once.
                if !self.waiting_batches.iter().any(|(w, _)| *w == b) {
                    self.waiting_batches.push((b, from));
                }
                self.trim_buffers();
                continue;
            }
            self.tree.insert(b.clone())?;
            self.process_block(&b)?;
            if let Some(children) = self.waiting_parent.remove(&d) {
                work.extend(children);
            }
        }
        Ok(())
    }

    fn process_block(&mut self, b: &Block) -> Handled {
        self.process_qc(&b.qc)?;
        if let Some(tc) = &b.tc {
            self.process_tc(tc)?;
        }
        if b.round == self.round && self.safety.safe_to_vote(b) {
            self.vote(b)?;
        }
        // A QC formed before its block arrived can commit now.
        let high = self.safety.state.high_qc.clone();
        self.try_commit(&high)?;
        self.try_propose(false)
    }

    fn buffer_for_parent(&mut self, b: Block, from: Author) {
        let siblings = self.waiting_parent.entry(*b.parent()).or_default();
        if siblings.iter().any(|(w, _)| *w == b) {
            return; // delivered again (by a proposal and by sync): wait only once
        }
        siblings.push((b, from));
        self.trim_buffers();
    }

    fn trim_buffers(&mut self) {
        let total: usize = self.waiting_parent.values().map(Vec::len).sum::<usize>() + self.waiting_batches.len();
        if total > MAX_BUFFERED {
            let lowest = self.waiting_parent.keys().next().copied();
            if let Some(k) = lowest {
                self.waiting_parent.remove(&k);
            }
            if self.waiting_batches.len() > MAX_BUFFERED / 2 {
                self.waiting_batches.drain(..self.waiting_batches.len() / 2);
            }
        }
    }

    fn request_block(&mut self, d: Digest, from: Author) {
        if self.recently_requested(d) {
            return;
        }
        let now = Instant::now();
        self.sync_asked.insert(d, now);
        if self.sync_asked.len() > MAX_BUFFERED {
            self.sync_asked.retain(|_, at| now.duration_since(*at) < SYNC_ANSWER_WITHIN);
        }
        let msg = ConsensusMessage::SyncRequest { block: d, max: SYNC_BATCH };
        if from == self.me {
            self.broadcast(msg);
        } else {
            self.send(from, msg);
        }
    }

    fn request_batches(&mut self, missing: Vec<Digest>, from: Author, author: Author) {
        let wanted: Vec<Digest> = missing.into_iter().filter(|d| !self.recently_requested(*d)).collect();
        if wanted.is_empty() {
            return;
        }
        let msg = MempoolMessage::Request(wanted);
        for to in [from, author] {
            if to != self.me {
                self.batch_requests.send(to, &msg);
            }
        }
        if from == self.me && author == self.me {
            self.batch_requests.broadcast(&msg);
        }
    }

    fn recently_requested(&mut self, d: Digest) -> bool {
        let now = Instant::now();
        if let Some(at) = self.requested.get(&d) {
            if now.duration_since(*at) < RESEND_AFTER {
                return true;
            }
        }
        self.requested.insert(d, now);
        if self.requested.len() > 2 * MAX_BUFFERED {
            self.requested.retain(|_, at| now.duration_since(*at) < RESEND_AFTER);
        }
        false
    }

    fn on_batches_arrived(&mut self) -> Handled {
        let waiting = std::mem::take(&mut self.waiting_batches);
        for (b, from) in waiting {
            self.accept(b, from, true)?;
        }
        self.try_propose(false)
    }

    // ---- votes and certificates -----------------------------------------------------

    fn vote(&mut self, b: &Block) -> Handled {
        self.safety.record(b.round);
        self.persist_safety();
        let vote = Vote::new(b, self.me, &self.key);
        // Our own signature, made just now: never checked, here or in the QCs it joins.
        self.signatures.remember_own(self.me, &vote.signed_digest(), &vote.signature);
        // Under reputation every member collects (see `election`); else the next leader.
        match self.params.leader_election {
            LeaderElection::Reputation => self.broadcast(ConsensusMessage::Vote(vote.clone())),
            LeaderElection::RoundRobin => {
                let next = self.committee.round_robin_leader(b.round + 1);
                if next != self.me {
                    self.send(next, ConsensusMessage::Vote(vote));
                    return Ok(());
                }
            }
        }
        if self.collects(&vote) {
            self.count_vote(vote)?;
        }
        Ok(())
    }

    /// Safety state reaches the disk before any vote, timeout or proposal leaves the node:
    /// the step's end writes it, before it sends anything.
    fn persist_safety(&mut self) {
        self.safety_changed = true;
    }

    fn send(&mut self, to: Author, msg: ConsensusMessage) {
        self.outgoing.push((Some(to), msg));
    }

    fn broadcast(&mut self, msg: ConsensusMessage) {
        self.outgoing.push((None, msg));
    }

    /// Ends a step with at most one durable write: the safety state if the step changed
    /// it (which carries the step's commit and deferred blocks along), else the commit
    /// alone if there is one. Then the step's messages leave, in the order they were
    /// made, and its commits go to the observer (which records each now: a crash after
    /// this must not lose it from the history) and to execution (nobody listening, with
    /// no execution, is fine). Nothing a step did leaves the node before it is on disk.
    fn end_step(&mut self) -> Handled {
        if std::mem::take(&mut self.safety_changed) {
            self.store.put(Table::Safety, SAFETY_KEY, &self.safety.state)?;
        }
        if let Some(write) = self.commit_write.take() {
            self.store.make_durable(write)?;
        }
        for (to, msg) in std::mem::take(&mut self.outgoing) {
            match to {
                Some(to) => self.net.send(to, &msg),
                None => self.net.broadcast(&msg),
            }
        }
        for c in self.committed.drain(..) {
            self.observer.block_committed(&c);
            let _ = self.commits.send(c.record.height);
        }
        Ok(())
    }

    fn on_vote(&mut self, v: Vote, from: Author) -> Handled {
        if !self.collects(&v) {
            return Ok(());
        }
        if let Err(e) = v.verify(&self.signatures) {
            self.drop_invalid(from, "vote", e);
            return Ok(());
        }
        self.count_vote(v)
    }

    /// Whether this node collects `v`: a vote in our window, not yet counted, for a block
    /// without its QC here, that this node aggregates (every member under reputation, the
    /// next leader under round-robin).
    fn collects(&self, v: &Vote) -> bool {
        // Saturating: the round is the sender's claim, not yet verified.
        let next = v.round.saturating_add(1);
        if next < self.round
            || v.round > self.round + MAX_ROUNDS_AHEAD
            || self.aggregator.has_vote(v)
            || self.aggregator.certified(v.round, &v.block, self.committee.quorum())
        {
            return false;
        }
        match self.params.leader_election {
            LeaderElection::Reputation => true,
            LeaderElection::RoundRobin => self.committee.round_robin_leader(next) == self.me,
        }
    }

    /// Counts a vote whose signature is known good.
    fn count_vote(&mut self, v: Vote) -> Handled {
        match self.aggregator.add_vote(&v, self.committee.quorum()) {
            // Its author signed both votes: the blame is its, whoever relayed this one.
            Err(e) => self.drop_invalid(v.author, "vote", format!("a second vote in round {} (the first was for {:?})", v.round, e.first)),
            Ok(Some(qc)) => {
                self.process_qc(&qc)?;
                self.try_propose(false)?;
            }
            Ok(None) => {}
        }
        Ok(())
    }

    fn process_qc(&mut self, qc: &QuorumCert) -> Handled {
        if self.safety.observe_qc(qc) && self.tree.get(&qc.block)?.is_none() {
            self.request_block(qc.block, self.holder(qc));
        }
        self.try_commit(qc)?;
        if qc.round + 1 > self.round {
            self.enter_round(qc.round + 1)?;
            self.pacemaker.progress();
        }
        Ok(())
    }

    fn process_tc(&mut self, tc: &TimeoutCert) -> Handled {
        if tc.round + 1 > self.round {
            self.last_tc = Some(tc.clone());
            self.enter_round(tc.round + 1)?;
            self.pacemaker.restart();
        }
        Ok(())
    }

    fn enter_round(&mut self, round: Round) -> Handled {
        tracing::debug!(me = self.me, round, "entering round");
        self.round = round;
        self.round_started = Instant::now();
        self.aggregator.prune(round.saturating_sub(1));
        self.try_propose(false)
    }

    // ---- timeouts ----------------------------------------------------------------------

    fn local_timeout(&mut self) -> Handled {
        if self.timed_out == self.round {
            self.pacemaker.resend();
            if let Some(t) = self.my_timeout.clone() {
                self.broadcast(ConsensusMessage::Timeout(t));
            }
            return Ok(());
        }
        self.pacemaker.expired();
        self.timed_out = self.round;
        self.safety.record(self.round);
        self.persist_safety();
        tracing::debug!(me = self.me, round = self.round, "round timed out");
        let last_tc = self.last_tc.clone().filter(|tc| tc.round + 1 == self.round);
        let t = Timeout::new(self.round, self.safety.state.high_qc.clone(), self.me, &self.key).with_last_tc(last_tc);
        self.signatures.remember_own(self.me, &t.signed_digest(), &t.signature);
        self.broadcast(ConsensusMessage::Timeout(t.clone()));
        self.my_timeout = Some(t.clone());
        self.add_timeout(t)
    }

    /// A timeout counts if it is for a round in our window and its author is not yet
    /// counted there; its QC counts if it is higher than ours, its TC if it ends our
    /// round or a later one. One that offers none of these is dropped before its
    /// signatures (one, plus a quorum in each certificate) are checked.
    fn on_timeout(&mut self, t: Timeout, from: Author) -> Handled {
        let counts = t.round >= self.round
            && t.round <= self.round + MAX_ROUNDS_AHEAD
            && !self.aggregator.has_timeout(&t);
        let raises_qc = t.high_qc.round > self.safety.state.high_qc.round;
        let advances = t.last_tc.as_ref().is_some_and(|tc| tc.round >= self.round);
        if !counts && !raises_qc && !advances {
            return Ok(());
        }
        if let Err(e) = t.verify(&self.signatures) {
            self.drop_invalid(from, "timeout", e);
            return Ok(());
        }
        self.process_qc(&t.high_qc)?;
        if let Some(tc) = &t.last_tc {
            self.process_tc(tc)?;
        }
        if counts && t.round >= self.round {
            self.add_timeout(t)?;
        }
        Ok(())
    }

    fn add_timeout(&mut self, t: Timeout) -> Handled {
        let round = t.round;
        let (count, tc) = self.aggregator.add_timeout(&t, self.committee.quorum());
        if let Some(tc) = tc {
            return self.process_tc(&tc);
        }
        // f+1 timeouts mean at least one honest node gave up on this round: join it, so
        // a TC forms even if our own timer is far away.
        if round == self.round && count > self.committee.f() && self.timed_out < round {
            self.local_timeout()?;
        }
        Ok(())
    }

    // ---- proposing -----------------------------------------------------------------------

    /// A member that signed `qc` holds its block: ask one (spread by round), else everyone.
    fn holder(&self, qc: &QuorumCert) -> Author {
        let voters: Vec<Author> = qc.votes.iter().map(|(a, _)| *a).filter(|a| *a != self.me).collect();
        match voters.len() {
            0 => self.me,
            n => voters[(qc.round % n as Round) as usize],
        }
    }

    /// Whether this node leads the current round, for a block extending its high QC.
    fn leads_round(&mut self) -> Result<bool, StoreError> {
        let parent = self.safety.state.high_qc.block;
        Ok(self.election.leader(self.round, &parent)? == Some(self.me))
    }

    /// When the leader of the current round tries to propose next: once the round is
    /// `min_block_ms` old, and with an empty block if need be when it is due.
    fn proposal_deadline(&mut self) -> Result<Option<Instant>, StoreError> {
        let due = self.proposed < self.round && self.leads_round()?;
        let paced = self.paced_until();
        Ok(due.then(|| if Instant::now() < paced { paced } else { self.empty_block_due() }))
    }

    /// No proposal before `min_block_ms`, nor, while execution lags by more than
    /// `execution_backpressure_blocks`, before half the round timeout.
    fn paced_until(&self) -> Instant {
        let wait_ms = if self.held_by_execution() { self.params.timeout_ms / 2 } else { 0 };
        self.round_started + Duration::from_millis(self.params.min_block_ms.max(wait_ms))
    }

    /// Whether more than `execution_backpressure_blocks` committed blocks await execution.
    fn held_by_execution(&self) -> bool {
        let limit = self.params.execution_backpressure_blocks;
        limit > 0 && self.executed.is_some_and(|executed| self.tree.tip().height.saturating_sub(executed) > limit)
    }

    fn empty_block_due(&self) -> Instant {
        self.round_started + Duration::from_millis(self.params.empty_block_ms.max(self.params.min_block_ms))
    }

    /// Proposes in the current round if this node leads it and has something worth
    /// proposing (payload, or uncommitted payload in the last two blocks that needs two
    /// more blocks to commit), or when `deadline` says an empty block is due.
    fn try_propose(&mut self, deadline: bool) -> Handled {
        if self.proposed >= self.round || Instant::now() < self.paced_until() {
            return Ok(());
        }
        let qc = self.safety.state.high_qc.clone();
        let leader = self.election.leader(self.round, &qc.block)?;
        if leader.is_some_and(|l| l != self.me) {
            return Ok(());
        }
        let Some(path) = self.tree.path_to_tip(&qc.block)? else {
            if self.tree.get(&qc.block)?.is_none() {
                self.request_block(qc.block, self.holder(&qc));
            }
            return Ok(());
        };
        if leader != Some(self.me) {
            return Ok(());
        }
        let Some(parent) = self.tree.get(&qc.block)?.cloned() else { return Ok(()) };
        let in_flight: BTreeSet<Digest> = path.iter().flat_map(|b| b.payload.iter().copied()).collect();
        let payload = self.pool.pick(self.params.max_block_batches, &in_flight);
        let needs_extension = path.iter().take(2).any(|b| !b.payload.is_empty());
        if payload.is_empty() && !needs_extension && !deadline {
            return Ok(());
        }
        let tc = self.last_tc.clone().filter(|tc| tc.round + 1 == self.round);
        // A block follows its QC's round or carries the round before's TC, or every peer
        // refuses it. A leader restarted into a round it reached by a TC it no longer
        // holds (certificates are not persisted) has nothing valid to propose: it lets the
        // round time out rather than send a block nobody takes.
        if qc.round + 1 != self.round && tc.is_none() {
            return Ok(());
        }
        // After a TC, a block below a QC the TC's signers reported is refused by every
        // peer: a leader that has not seen that QC yet (it holds the TC from someone
        // else) waits for it, or lets the round time out.
        if tc.as_ref().is_some_and(|tc| !tc.allows_extending(&qc)) {
            return Ok(());
        }
        let block = Block::new_signed(self.round, parent.height + 1, qc, tc, payload, self.me, &self.key);
        // Recorded on disk before the proposal leaves: a leader that crashes right after
        // sending must not come back and propose a different block in the same round.
        self.proposed = self.round;
        self.safety.record_proposal(self.round);
        self.persist_safety();
        tracing::debug!(me = self.me, round = self.round, batches = block.payload.len(), "proposing");
        self.broadcast(ConsensusMessage::Propose(block.clone()));
        self.accept(block, self.me, true)
    }

    // ---- commit ----------------------------------------------------------------------------

    /// 2-chain rule: a QC for block b1 whose parent b0 is from the round right before
    /// commits b0 and every uncommitted ancestor.
    fn try_commit(&mut self, qc: &QuorumCert) -> Handled {
        let Some(b1) = self.tree.get(&qc.block)?.cloned() else { return Ok(()) };
        let b0 = if self.params.unsafe_one_chain_commit {
            b1
        } else {
            let Some(b0) = self.tree.get(b1.parent())?.cloned() else { return Ok(()) };
            if b0.round + 1 != b1.round {
                return Ok(());
            }
            b0
        };
        if b0.height <= self.tree.tip().height {
            return Ok(());
        }
        let Some(path) = self.tree.path_to_tip(&b0.digest())? else {
            tracing::error!(
                me = self.me,
                block = %b0.digest(),
                "refusing to commit a block that does not extend the committed chain"
            );
            return Ok(());
        };
        for block in path.into_iter().rev() {
            let (c, write) = commit_block(&self.store, &block)?;
            for d in &block.payload {
                self.pool.remove(d);
            }
            self.tree.set_tip(Tip { height: block.height, round: block.round, digest: c.record.digest });
            self.waiting_parent.retain(|_, v| {
                v.retain(|(b, _)| b.height > block.height);
                !v.is_empty()
            });
            self.committed.push(c);
            self.commit_write = Some(write);
        }
        self.election.prune(self.tree.tip().height);
        Ok(())
    }
}
