//! The Starknet load engine: at each send time it takes the next idle genesis account,
//! signs an invoke drawn from the mix with the account's next nonce, and submits it to
//! the account's node (account `i` always goes to node `i mod N`, so its transactions
//! reach consensus in nonce order). Submissions run concurrently; receipts and nonces
//! to re-read are looked up every `poll`. The clients' habits add copies to the next
//! node. Nodes are reached through a [`Transport`]: the simulator's node protocol or
//! the JSON-RPC.

use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use futures::future::LocalBoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;
use kraken_execution::wallet::{self, Call, GasLimits, SignedTx};
use kraken_execution::{Felt, Genesis};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use tokio::time::{sleep_until, Instant};

use super::accounts::Accounts;
use super::habits::{Draws, Habits};
use super::mix::Mix;
use super::tally::Tally;

/// What to send, and how the client waits.
#[derive(Clone, Debug)]
pub struct Plan {
    pub mix: Mix,
    /// Genesis accounts `0..accounts` send.
    pub accounts: usize,
    /// When each transaction is due, as offsets from the start.
    pub sends: Vec<Duration>,
    /// How long the load sends; sends due later are dropped.
    pub duration: Duration,
    /// After `duration`, how long to wait for outstanding receipts.
    pub drain: Duration,
    /// How often in-flight transactions and nonces in doubt are looked up.
    pub poll: Duration,
    /// After this long without a receipt, an account re-reads its nonce and moves on.
    pub overdue: Duration,
    pub habits: Habits,
    pub seed: u64,
}

/// A signed transaction and what it was made of.
pub struct Outgoing {
    pub account: usize,
    pub address: Felt,
    pub nonce: u64,
    pub call: Call,
    pub max_fee: u128,
    pub signed: SignedTx,
}

/// Why a node did not admit a submission.
#[derive(Clone, Debug)]
pub enum Refusal {
    /// The node refused it, for this reason.
    Refused(String),
    /// The node could not be reached or did not answer.
    Unreachable(String),
}

/// An included transaction's fate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Reverted,
    /// Ordered but failed validation at execution: its nonce is unused.
    Rejected,
}

/// How the engine reaches the nodes.
pub trait Transport {
    fn nodes(&self) -> usize;

    /// Work the client does before it signs a transaction (a simulated client's CPU).
    fn signing(&self) -> impl Future<Output = ()> {
        std::future::ready(())
    }

    /// A transaction was signed, before any copy of it is sent.
    fn signed(&self, _tx: &Outgoing) {}

    /// Hands `tx` to node `node`; Ok once the node admitted it.
    fn submit(&self, node: usize, tx: &Outgoing) -> impl Future<Output = Result<(), Refusal>>;

    /// Each hash's outcome on node `node`, None while it has no receipt there.
    fn receipts(&self, node: usize, hashes: &[Felt]) -> impl Future<Output = Result<Vec<Option<Outcome>>, String>>;

    /// The next nonce of each address, as node `node`'s latest state has it.
    fn nonces(&self, node: usize, addresses: &[Felt]) -> impl Future<Output = Result<Vec<u64>, String>>;
}

/// A submission's answer: the account, the transaction, whether it was the first copy.
type Submitted = (usize, Felt, bool, Result<(), Refusal>);

#[derive(Default)]
struct Polled {
    receipts: Vec<(usize, Felt, Option<Outcome>)>,
    nonces: Vec<(usize, u64)>,
    errors: Vec<String>,
}

/// Runs `plan` against `t`, the accounts starting at `nonces`; `progress` hears the
/// tally and the transactions in flight once a second.
pub async fn run<T: Transport>(t: &T, genesis: &Genesis, plan: &Plan, nonces: Vec<u64>, mut progress: impl FnMut(&Tally, usize)) -> Tally {
    assert_eq!(nonces.len(), plan.accounts, "one starting nonce per sending account");
    let chain_id = genesis.chain.chain_id();
    let mut rng = ChaCha20Rng::seed_from_u64(plan.seed);
    let mut habits = Draws::new(plan.habits, plan.seed);
    let mut accounts = Accounts::new(nonces);
    let mut tally = Tally::default();
    let mut submits: FuturesUnordered<LocalBoxFuture<'_, Submitted>> = FuturesUnordered::new();
    let mut polling: Option<LocalBoxFuture<'_, Polled>> = None;
    // (due, account, hash, copy): every resend waits as long, so they fall due in order.
    let mut resends: VecDeque<(Duration, usize, Felt, Rc<Outgoing>)> = VecDeque::new();
    let start = Instant::now();
    let far = plan.duration + plan.drain + Duration::from_secs(3600);
    let (mut next, mut next_poll, mut next_report) = (0usize, plan.poll, Duration::from_secs(1));
    loop {
        let now = start.elapsed();
        if now >= plan.duration && (accounts.in_flight() == 0 || now >= plan.duration + plan.drain) {
            break;
        }
        let due = plan.sends.get(next).copied().filter(|d| *d < plan.duration);
        tokio::select! {
            biased;
            Some((account, hash, first, result)) = submits.next(), if !submits.is_empty() => {
                if !first {
                    continue;
                }
                match result {
                    Ok(()) => {
                        tally.accepted += 1;
                        accounts.admitted(account, hash);
                    }
                    Err(refusal) => {
                        tally.refused(match refusal {
                            Refusal::Refused(reason) => reason,
                            Refusal::Unreachable(e) => format!("transport: {e}"),
                        });
                        accounts.in_doubt(account, hash);
                    }
                }
            }
            polled = async { polling.as_mut().expect("enabled only while polling").await }, if polling.is_some() => {
                polling = None;
                apply(polled, &mut accounts, &mut tally, plan, start.elapsed());
            }
            _ = sleep_until(start + due.unwrap_or(far)), if due.is_some() => {
                // madsim wakes a timer on the next millisecond at the earliest: every
                // send already due goes now, or the load would be capped at 1000 tx/s.
                while plan.sends.get(next).is_some_and(|d| *d < plan.duration && *d <= start.elapsed()) {
                    next += 1;
                    let Some(i) = accounts.next_idle() else {
                        tally.skipped += 1;
                        continue;
                    };
                    t.signing().await;
                    let account = &genesis.accounts[i];
                    let call = plan.mix.pick(genesis, &mut rng);
                    let limits = GasLimits::default();
                    let signed = wallet::invoke(account, Felt::from(accounts.nonce(i)), std::slice::from_ref(&call), limits, &chain_id);
                    let tx = Rc::new(Outgoing { account: i, address: account.address, nonce: accounts.nonce(i), call, max_fee: limits.max_fee(), signed });
                    t.signed(&tx);
                    tally.sent += 1;
                    accounts.sent(i, tx.signed.hash, start.elapsed());
                    submits.push(submit(t, i, tx.clone(), true));
                    if habits.duplicate() {
                        submits.push(submit(t, i + 1, tx.clone(), false));
                    }
                    if habits.resubmit() {
                        resends.push_back((start.elapsed() + habits.resubmit_after(), i, tx.signed.hash, tx));
                    }
                }
            }
            _ = sleep_until(start + next_poll), if polling.is_none() => {
                let now = start.elapsed();
                while resends.front().is_some_and(|r| r.0 <= now) {
                    let (_, i, hash, tx) = resends.pop_front().expect("front");
                    if accounts.in_flight_hash(i) == Some(hash) {
                        submits.push(submit(t, i + 1, tx, false));
                    }
                }
                let pending = accounts.pending().into_iter().map(|(i, hash, _)| (i, hash)).collect();
                let resync = accounts.to_resync().into_iter().map(|i| (i, genesis.accounts[i].address)).collect();
                polling = Some(poll(t, pending, resync).boxed_local());
                next_poll = now + plan.poll;
            }
            _ = sleep_until(start + next_report) => {
                progress(&tally, accounts.in_flight());
                next_report += Duration::from_secs(1);
            }
            _ = sleep_until(start + plan.duration), if now < plan.duration => {}
        }
    }
    tally.lost += accounts.in_flight() as u64;
    tally
}

/// Sends `tx` to node `node mod N`; `first` is false for the habits' extra copies.
fn submit<T: Transport>(t: &T, node: usize, tx: Rc<Outgoing>, first: bool) -> LocalBoxFuture<'_, Submitted> {
    async move {
        let result = t.submit(node % t.nodes(), &tx).await;
        (tx.account, tx.signed.hash, first, result)
    }
    .boxed_local()
}

/// Looks up the pending transactions and the nonces to re-read, on each account's node.
async fn poll<T: Transport>(t: &T, pending: Vec<(usize, Felt)>, resync: Vec<(usize, Felt)>) -> Polled {
    let n = t.nodes();
    let mut out = Polled::default();
    for node in 0..n {
        let mine: Vec<(usize, Felt)> = pending.iter().copied().filter(|(i, _)| i % n == node).collect();
        if !mine.is_empty() {
            let hashes: Vec<Felt> = mine.iter().map(|(_, h)| *h).collect();
            let found = t.receipts(node, &hashes).await.unwrap_or_else(|e| {
                out.errors.push(e);
                vec![None; mine.len()]
            });
            out.receipts.extend(mine.iter().zip(found).map(|((i, h), r)| (*i, *h, r)));
        }
        let mine: Vec<(usize, Felt)> = resync.iter().copied().filter(|(i, _)| i % n == node).collect();
        if !mine.is_empty() {
            let addresses: Vec<Felt> = mine.iter().map(|(_, a)| *a).collect();
            match t.nonces(node, &addresses).await {
                Ok(nonces) => out.nonces.extend(mine.iter().map(|(i, _)| *i).zip(nonces)),
                Err(e) => out.errors.push(e),
            }
        }
    }
    out
}

/// Moves the accounts on by what a poll found.
fn apply(polled: Polled, accounts: &mut Accounts, tally: &mut Tally, plan: &Plan, now: Duration) {
    for (i, hash, outcome) in polled.receipts {
        match outcome {
            Some(outcome @ (Outcome::Succeeded | Outcome::Reverted)) => {
                let Some(sent) = accounts.included(i, hash) else { continue };
                if outcome == Outcome::Succeeded {
                    tally.succeeded += 1;
                } else {
                    tally.reverted += 1;
                }
                if now <= plan.duration {
                    tally.included_in_window += 1;
                }
                tally.latencies_ms.push(now.saturating_sub(sent).as_secs_f64() * 1e3);
            }
            Some(Outcome::Rejected) => {
                if accounts.in_doubt(i, hash) {
                    tally.lost += 1;
                }
            }
            None if accounts.overdue(i, now, plan.overdue) => {
                if accounts.in_doubt(i, hash) {
                    tally.lost += 1;
                }
            }
            None => {}
        }
    }
    for (i, nonce) in polled.nonces {
        accounts.resynced(i, nonce);
    }
    if let Some(e) = polled.errors.into_iter().last() {
        tally.last_error = Some(e);
    }
}
