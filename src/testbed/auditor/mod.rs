//! The auditor: a checker with a reference model. `state-agreement` shows that the nodes
//! agree; the auditor shows that what they agree on is right. From the transactions
//! consensus committed (their content as the client signed them) it computes, height by
//! height, what every receipt's outcome must be and what the state must become —
//! nonces, fee-token and KRK balances, fib's and fact's results, reverts of overdrafts —
//! and compares that with every honest copy's receipts and state diff at every height.

mod model;
mod records;

use kraken_execution::{Felt, Genesis};
use kraken_sim::checkers::{Checker, Verdict};
use kraken_sim::history::History;

use model::{Expectation, Model};
use records::{BlockState, Records};
pub use records::{block_state_note, signed_note, Outcome};

/// Starknet's block-hash contract: the chain writes old block hashes there itself, no
/// transaction does.
const BLOCK_HASH_CONTRACT: Felt = Felt::ONE;

pub struct Auditor {
    genesis: Genesis,
}

impl Auditor {
    pub fn new(genesis: Genesis) -> Self {
        Auditor { genesis }
    }

    /// Audits every height some honest copy executed; the tally on success.
    fn audit(&self, h: &History) -> Result<Tally, String> {
        let records = Records::read(h)?;
        let mut model = Model::new(&self.genesis);
        let mut tally = Tally::default();
        if let Some((height, states)) = records.states.iter().find(|(height, _)| !records.committed.contains_key(height)) {
            return Err(format!("{} executed height {height}, which no honest copy recorded committing", states[0].0));
        }
        for (expected_height, (&height, txs)) in (1..).zip(&records.committed) {
            if height != expected_height {
                return Err(format!("no honest copy recorded committing height {expected_height} (the next is {height})"));
            }
            // Heights execute in order: past the first one nobody executed, none was.
            let Some(states) = records.states.get(&height) else { break };
            let reference = &states[0].1;
            let fees: Vec<u128> = reference.receipts.iter().map(|r| r.1).collect();
            let signed: Vec<_> = txs.iter().map(|tx| records.signed.get(tx)).collect();
            let expect = model.block(&signed, &fees).map_err(|e| format!("height {height}: {e}"))?;
            for (node, state) in states {
                compare(&model, &expect, txs, &fees, state).map_err(|e| format!("height {height}, {node}: {e}"))?;
            }
            tally.add(height, states.len(), &expect);
        }
        if tally.included == 0 {
            return Err(format!("nothing to audit: no transaction was included in {} executed heights", tally.top));
        }
        Ok(tally)
    }
}

impl Checker for Auditor {
    fn name(&self) -> &str {
        "auditor"
    }

    fn check(&self, h: &History) -> Verdict {
        match self.audit(h) {
            Ok(t) => Verdict::pass(
                self.name(),
                format!(
                    "the reference model agrees with {} executions of heights 1..={}: {} transactions included ({} reverted), {} rejected; balances, nonces and results as the model computes them",
                    t.executions, t.top, t.included, t.reverted, t.rejected
                ),
            ),
            Err(e) => Verdict::fail(self.name(), e),
        }
    }
}

/// One copy's executed block against the model's expectation.
fn compare(model: &Model, expect: &Expectation, txs: &[String], fees: &[u128], state: &BlockState) -> Result<(), String> {
    if state.receipts.len() != txs.len() {
        return Err(format!("{} receipts for the {} transactions committed", state.receipts.len(), txs.len()));
    }
    for (i, ((outcome, fee), (expected, why, bound))) in state.receipts.iter().zip(&expect.txs).enumerate() {
        if outcome != expected {
            return Err(format!("transaction {i} ({}): {outcome:?}, the model says {expected:?} ({why})", txs[i]));
        }
        if let Some(bound) = bound {
            if *fee == 0 || fee > bound || *fee != fees[i] {
                return Err(format!("transaction {i} ({}): fee {fee}, outside (0, {bound}] or unlike the first copy's {}", txs[i], fees[i]));
            }
        }
    }
    let diff = &state.diff;
    for (contract, writes) in diff.storage_updates.iter().filter(|(c, _)| **c != BLOCK_HASH_CONTRACT) {
        for (key, value) in writes {
            let slot = (*contract, *key);
            match expect.storage.get(&slot) {
                Some((_, after)) if after == value => {}
                Some((_, after)) => return Err(format!("{} is {value:#x}, the model says {after:#x}", model.describe(&slot))),
                None => return Err(format!("{} changed to {value:#x}, which no transaction of the block should change", model.describe(&slot))),
            }
        }
    }
    for (slot, (before, after)) in &expect.storage {
        let value = diff.storage_updates.get(&slot.0).and_then(|w| w.get(&slot.1)).unwrap_or(before);
        if value != after {
            return Err(format!("{} is {value:#x}, the model says {after:#x}", model.describe(slot)));
        }
    }
    for (account, nonce) in &diff.nonces {
        let want = expect.nonces.get(account).map(|(_, after)| Felt::from(*after));
        if want != Some(*nonce) {
            return Err(format!("the nonce of {account:#x} became {nonce:#x}, the model says {}", want.map_or("unchanged".into(), |n| format!("{n:#x}"))));
        }
    }
    if let Some((account, (_, after))) = expect.nonces.iter().find(|(a, (before, after))| before != after && !diff.nonces.contains_key(*a)) {
        return Err(format!("the nonce of {account:#x} did not move, the model says {after}"));
    }
    if !diff.class_hashes.is_empty() || !diff.declared_classes.is_empty() {
        return Err("the block deployed or declared classes, which no transaction of the load client does".into());
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    top: u64,
    executions: usize,
    included: usize,
    reverted: usize,
    rejected: usize,
}

impl Tally {
    fn add(&mut self, height: u64, executions: usize, expect: &Expectation) {
        self.top = height;
        self.executions += executions;
        for (outcome, _, _) in &expect.txs {
            match outcome {
                Outcome::Succeeded => self.included += 1,
                Outcome::Reverted => {
                    self.included += 1;
                    self.reverted += 1;
                }
                Outcome::Rejected => self.rejected += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests;
