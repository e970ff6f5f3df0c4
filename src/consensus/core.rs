//! The consensus core: one task that owns the round, the block tree, the safety rules and
//! the certificate aggregator, and reacts to proposals, votes, timeouts, sync replies,
//! batch arrivals and its own timers.

use super::aggregator::Aggregator;
use super::commit::commit_block;
use super::messages::{Block, ConsensusMessage, QuorumCert, Timeout, TimeoutCert, Vote};
use super::pacemaker::Pacemaker;
use super::safety::{SafetyRules, SafetyState};
use super::tree::{BlockTree, Tip};
use crate::mempool::{BatchPool, MempoolMessage};
use crate::net::Network;
use crate::node::{NodeMessage, Observer};
use crate::storage::{Store, Table};
use crate::types::{Author, Committee, Digest, KeyPair, Round};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
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
    /// Most batch digests in one block.
    pub max_block_batches: usize,
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
            max_block_batches: 64,
            unsafe_one_chain_commit: false,
        }
    }
}

const SAFETY_KEY: &[u8] = b"state";
const SYNC_BATCH: u32 = 64;
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
    params: ConsensusParams,
    store: Store,
    net: Network,
    pool: Arc<BatchPool>,
    observer: Arc<dyn Observer>,
    safety: SafetyRules,
    tree: BlockTree,
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
}

impl Core {
    #[allow(clippy::too_many_arguments)]
    pub fn spawn(
        me: Author,
        key: KeyPair,
        committee: Arc<Committee>,
        params: ConsensusParams,
        store: Store,
        net: Network,
        pool: Arc<BatchPool>,
        observer: Arc<dyn Observer>,
        inbox: mpsc::Receiver<(Author, ConsensusMessage)>,
        arrivals: mpsc::UnboundedReceiver<Digest>,
    ) -> anyhow::Result<()> {
        let state: SafetyState = store.get(Table::Safety, SAFETY_KEY)?.unwrap_or_default();
        let tree = BlockTree::load(store.clone())?;
        let round = state.last_voted_round.max(state.high_qc.round).max(tree.tip().round) + 1;
        let pacemaker = Pacemaker::new(
            Duration::from_millis(params.timeout_ms),
            Duration::from_millis(params.max_timeout_ms),
        );
        let core = Core {
            me,
            key,
            committee,
            safety: SafetyRules::new(state),
            params,
            store,
            net,
            pool,
            observer,
            tree,
            round,
            round_started: Instant::now(),
            pacemaker,
            aggregator: Aggregator::default(),
            last_tc: None,
            proposed: 0,
            timed_out: 0,
            my_timeout: None,
            waiting_parent: BTreeMap::new(),
            waiting_batches: Vec::new(),
            requested: BTreeMap::new(),
        };
        tokio::spawn(core.run(inbox, arrivals));
        Ok(())
    }

    async fn run(
        mut self,
        mut inbox: mpsc::Receiver<(Author, ConsensusMessage)>,
        mut arrivals: mpsc::UnboundedReceiver<Digest>,
    ) {
        tracing::info!(me = self.me, round = self.round, tip = ?self.tree.tip(), "consensus starting");
        self.try_propose(false);
        loop {
            let propose_at = self.proposal_deadline();
            tokio::select! {
                // Fixed branch order: tokio's random branch choice is seeded from process-global
                // state and would make simulated runs depend on what else ran in the process.
                biased;
                Some((from, msg)) = inbox.recv() => self.handle(from, msg),
                Some(_) = arrivals.recv() => {
                    // Drain the burst, then retry once.
                    while arrivals.try_recv().is_ok() {}
                    self.on_batches_arrived();
                }
                _ = sleep_until(self.pacemaker.deadline()) => self.local_timeout(),
                _ = sleep_until(propose_at.unwrap_or_else(Instant::now)), if propose_at.is_some() => self.try_propose(true),
                else => return,
            }
        }
    }

    fn handle(&mut self, from: Author, msg: ConsensusMessage) {
        match msg {
            ConsensusMessage::Propose(b) => self.on_proposal(b, from, true),
            ConsensusMessage::Vote(v) => self.on_vote(v),
            ConsensusMessage::Timeout(t) => self.on_timeout(t),
            ConsensusMessage::SyncRequest { block, max } => {
                let blocks = self.tree.ancestors(&block, max.min(SYNC_BATCH) as usize);
                if !blocks.is_empty() {
                    self.net.send(from, &NodeMessage::Consensus(ConsensusMessage::SyncReply(blocks)));
                }
            }
            ConsensusMessage::SyncReply(mut blocks) => {
                blocks.truncate(SYNC_BATCH as usize);
                blocks.sort_by_key(|b| b.height);
                // Only a block whose parent is not in this reply may need to ask for it:
                // asking for every missing parent made each reply to a node more than
                // SYNC_BATCH blocks behind trigger SYNC_BATCH more requests.
                let in_reply: BTreeSet<Digest> = blocks.iter().map(Block::digest).collect();
                for b in blocks {
                    if b.height > 0 {
                        let ask_parent = !in_reply.contains(b.parent());
                        self.on_proposal(b, from, ask_parent);
                    }
                }
            }
        }
    }

    fn drop_invalid(&self, from: Author, what: &str, why: impl std::fmt::Display) {
        let reason = format!("invalid {what}: {why}");
        tracing::warn!(from, "{reason}");
        self.observer.message_dropped(from, &reason);
    }

    // ---- blocks -------------------------------------------------------------------

    fn on_proposal(&mut self, b: Block, from: Author, ask_parent: bool) {
        if b.height <= self.tree.tip().height {
            return;
        }
        if let Err(e) = b.verify(&self.committee) {
            return self.drop_invalid(from, "block", e);
        }
        self.accept(b, from, ask_parent);
    }

    /// Inserts `b` once its parent and batches are local, then everything that was
    /// waiting on it (iteratively: a long sync releases thousands of blocks). A missing
    /// parent is requested from `from` when `ask_parent` says so.
    fn accept(&mut self, b: Block, from: Author, ask_parent: bool) {
        let mut work = vec![(b, from)];
        while let Some((b, from)) = work.pop() {
            let d = b.digest();
            if self.tree.get(&d).is_some() || b.height <= self.tree.tip().height {
                continue;
            }
            let parent = *b.parent();
            let Some(p) = self.tree.get(&parent) else {
                if self.tree.is_stale(&parent) {
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
            let missing: Vec<Digest> = b
                .payload
                .iter()
                .filter(|d| !self.store.contains(Table::Batches, &d.0).unwrap_or(false))
                .copied()
                .collect();
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
            if let Err(e) = self.tree.insert(b.clone()) {
                tracing::error!("cannot persist block {d}: {e}");
                continue;
            }
            self.process_block(&b);
            if let Some(children) = self.waiting_parent.remove(&d) {
                work.extend(children);
            }
        }
    }

    fn process_block(&mut self, b: &Block) {
        self.process_qc(&b.qc);
        if let Some(tc) = &b.tc {
            self.process_tc(tc);
        }
        if b.round == self.round && self.safety.safe_to_vote(b) {
            self.vote(b);
        }
        // A QC formed before its block arrived can commit now.
        let high = self.safety.state.high_qc.clone();
        self.try_commit(&high);
        self.try_propose(false);
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
        let msg = NodeMessage::Consensus(ConsensusMessage::SyncRequest { block: d, max: SYNC_BATCH });
        if from == self.me {
            self.net.broadcast(&msg);
        } else {
            self.net.send(from, &msg);
        }
    }

    fn request_batches(&mut self, missing: Vec<Digest>, from: Author, author: Author) {
        let wanted: Vec<Digest> = missing.into_iter().filter(|d| !self.recently_requested(*d)).collect();
        if wanted.is_empty() {
            return;
        }
        let msg = NodeMessage::Mempool(MempoolMessage::Request(wanted));
        for to in [from, author] {
            if to != self.me {
                self.net.send(to, &msg);
            }
        }
        if from == self.me && author == self.me {
            self.net.broadcast(&msg);
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

    fn on_batches_arrived(&mut self) {
        let waiting = std::mem::take(&mut self.waiting_batches);
        for (b, from) in waiting {
            self.accept(b, from, true);
        }
        self.try_propose(false);
    }

    // ---- votes and certificates -----------------------------------------------------

    fn vote(&mut self, b: &Block) {
        self.safety.record(b.round);
        if !self.persist_safety() {
            return;
        }
        let vote = Vote::new(b, self.me, &self.key);
        let next = self.committee.leader(b.round + 1);
        if next == self.me {
            self.on_vote(vote);
        } else {
            self.net.send(next, &NodeMessage::Consensus(ConsensusMessage::Vote(vote)));
        }
    }

    /// Safety state reaches the disk before any vote or timeout leaves the node.
    fn persist_safety(&self) -> bool {
        match self.store.put(Table::Safety, SAFETY_KEY, &self.safety.state) {
            Ok(()) => true,
            Err(e) => {
                tracing::error!("cannot persist safety state, staying silent: {e}");
                false
            }
        }
    }

    fn on_vote(&mut self, v: Vote) {
        if v.round + 1 < self.round
            || v.round > self.round + MAX_ROUNDS_AHEAD
            || self.committee.leader(v.round + 1) != self.me
        {
            return;
        }
        if let Err(e) = v.verify(&self.committee) {
            return self.drop_invalid(v.author, "vote", e);
        }
        if let Some(qc) = self.aggregator.add_vote(&v, self.committee.quorum()) {
            self.process_qc(&qc);
            self.try_propose(false);
        }
    }

    fn process_qc(&mut self, qc: &QuorumCert) {
        if self.safety.observe_qc(qc) && self.tree.get(&qc.block).is_none() {
            self.request_block(qc.block, self.committee.leader(qc.round));
        }
        self.try_commit(qc);
        if qc.round + 1 > self.round {
            self.enter_round(qc.round + 1);
            self.pacemaker.progress();
        }
    }

    fn process_tc(&mut self, tc: &TimeoutCert) {
        if tc.round + 1 > self.round {
            self.last_tc = Some(tc.clone());
            self.enter_round(tc.round + 1);
            self.pacemaker.restart();
        }
    }

    fn enter_round(&mut self, round: Round) {
        tracing::debug!(me = self.me, round, "entering round");
        self.round = round;
        self.round_started = Instant::now();
        self.aggregator.prune(round.saturating_sub(1));
        self.try_propose(false);
    }

    // ---- timeouts ----------------------------------------------------------------------

    fn local_timeout(&mut self) {
        if self.timed_out == self.round {
            self.pacemaker.resend();
            if let Some(t) = &self.my_timeout {
                self.net.broadcast(&NodeMessage::Consensus(ConsensusMessage::Timeout(t.clone())));
            }
            return;
        }
        self.pacemaker.expired();
        self.timed_out = self.round;
        self.safety.record(self.round);
        if !self.persist_safety() {
            return;
        }
        tracing::debug!(me = self.me, round = self.round, "round timed out");
        let t = Timeout::new(self.round, self.safety.state.high_qc.clone(), self.me, &self.key);
        self.net.broadcast(&NodeMessage::Consensus(ConsensusMessage::Timeout(t.clone())));
        self.my_timeout = Some(t.clone());
        self.add_timeout(t);
    }

    fn on_timeout(&mut self, t: Timeout) {
        if let Err(e) = t.verify(&self.committee) {
            return self.drop_invalid(t.author, "timeout", e);
        }
        self.process_qc(&t.high_qc);
        if t.round >= self.round && t.round <= self.round + MAX_ROUNDS_AHEAD {
            self.add_timeout(t);
        }
    }

    fn add_timeout(&mut self, t: Timeout) {
        let round = t.round;
        let (count, tc) = self.aggregator.add_timeout(&t, self.committee.quorum());
        if let Some(tc) = tc {
            self.process_tc(&tc);
            return;
        }
        // f+1 timeouts mean at least one honest node gave up on this round: join it, so
        // a TC forms even if our own timer is far away.
        if round == self.round && count > self.committee.f() && self.timed_out < round {
            self.local_timeout();
        }
    }

    // ---- proposing -----------------------------------------------------------------------

    fn proposal_deadline(&self) -> Option<Instant> {
        (self.committee.leader(self.round) == self.me && self.proposed < self.round)
            .then(|| self.round_started + Duration::from_millis(self.params.empty_block_ms))
    }

    /// Proposes in the current round if this node leads it and has something worth
    /// proposing (payload, or uncommitted payload in the last two blocks that needs two
    /// more blocks to commit), or when `deadline` says an empty block is due.
    fn try_propose(&mut self, deadline: bool) {
        if self.committee.leader(self.round) != self.me || self.proposed >= self.round {
            return;
        }
        let qc = self.safety.state.high_qc.clone();
        let Some(path) = self.tree.path_to_tip(&qc.block) else {
            if self.tree.get(&qc.block).is_none() {
                self.request_block(qc.block, self.committee.leader(qc.round));
            }
            return;
        };
        let Some(parent) = self.tree.get(&qc.block).cloned() else { return };
        let in_flight: BTreeSet<Digest> = path.iter().flat_map(|b| b.payload.iter().copied()).collect();
        let payload = self.pool.pick(self.params.max_block_batches, &in_flight);
        let needs_extension = path.iter().take(2).any(|b| !b.payload.is_empty());
        if payload.is_empty() && !needs_extension && !deadline {
            return;
        }
        let tc = self.last_tc.clone().filter(|tc| tc.round + 1 == self.round);
        let block = Block::new_signed(self.round, parent.height + 1, qc, tc, payload, self.me, &self.key);
        self.proposed = self.round;
        tracing::debug!(me = self.me, round = self.round, batches = block.payload.len(), "proposing");
        self.net.broadcast(&NodeMessage::Consensus(ConsensusMessage::Propose(block.clone())));
        self.accept(block, self.me, true);
    }

    // ---- commit ----------------------------------------------------------------------------

    /// 2-chain rule: a QC for block b1 whose parent b0 is from the round right before
    /// commits b0 and every uncommitted ancestor.
    fn try_commit(&mut self, qc: &QuorumCert) {
        let Some(b1) = self.tree.get(&qc.block).cloned() else { return };
        let b0 = if self.params.unsafe_one_chain_commit {
            b1
        } else {
            let Some(b0) = self.tree.get(b1.parent()).cloned() else { return };
            if b0.round + 1 != b1.round {
                return;
            }
            b0
        };
        if b0.height <= self.tree.tip().height {
            return;
        }
        let Some(path) = self.tree.path_to_tip(&b0.digest()) else {
            tracing::error!(
                me = self.me,
                block = %b0.digest(),
                "refusing to commit a block that does not extend the committed chain"
            );
            return;
        };
        for block in path.into_iter().rev() {
            match commit_block(&self.store, &block) {
                Ok(c) => {
                    for d in &block.payload {
                        self.pool.remove(d);
                    }
                    self.tree.set_tip(Tip { height: block.height, round: block.round, digest: c.record.digest });
                    self.waiting_parent.retain(|_, v| {
                        v.retain(|(b, _)| b.height > block.height);
                        !v.is_empty()
                    });
                    self.observer.block_committed(&c);
                }
                Err(e) => {
                    tracing::error!("cannot persist commit of {}: {e}", block.digest());
                    return;
                }
            }
        }
    }
}
