//! The auditor's reference model of a Kraken chain: what the genesis contracts must do
//! with the transactions consensus ordered, written from their Cairo sources and
//! Starknet's rules rather than from the node's code. It keeps only the state those
//! transactions touch — nonces, fee-token and KRK balances, fib's and fact's last
//! results — starting from the genesis state.
//!
//! Per transaction, in order: a nonce other than the account's, or a fee-token balance
//! below the signed fee bound, is rejected and changes nothing. Otherwise the nonce
//! moves on, the call runs (a failing call reverts, undoing only its own writes), and the
//! fee moves from the sender to the sequencer. The fee amount is the one thing taken from
//! the nodes: gas accounting is blockifier's, so the model takes the fee in the receipts,
//! which must be the same on every node and within (0, the signed bound].

use std::collections::BTreeMap;

use kraken_execution::{Felt, Genesis};
use starknet_api::abi::abi_utils::{get_storage_var_address, selector_from_name};

use super::records::{Outcome, Signed};

/// A storage slot: contract, key.
pub type Slot = (Felt, Felt);

/// A u256 as (high, low): tuples order the way the numbers do.
type U256 = (u128, u128);

/// What a call does: its writes, or why it reverts.
type Effect = Result<Vec<(Slot, Felt)>, String>;

/// What one block must do.
#[derive(Debug, Default)]
pub struct Expectation {
    /// Per transaction: its outcome, what the model saw to decide it, and for an
    /// included one the most it may be charged.
    pub txs: Vec<(Outcome, String, Option<u128>)>,
    /// Every slot a transaction of the block wrote: value before the block, after it.
    pub storage: BTreeMap<Slot, (Felt, Felt)>,
    /// Every nonce that moved: before the block, after it.
    pub nonces: BTreeMap<Felt, (u64, u64)>,
}

/// The addresses and names the model knows.
struct Contracts {
    fee_token: Felt,
    token: Felt,
    fib: Felt,
    fact: Felt,
    sequencer: Felt,
    last_result: Felt,
    fib_selector: Felt,
    fact_selector: Felt,
    transfer_selector: Felt,
}

pub struct Model {
    storage: BTreeMap<Slot, Felt>,
    nonces: BTreeMap<Felt, u64>,
    contracts: Contracts,
    /// What each slot the model computed means, for messages.
    names: BTreeMap<Slot, String>,
}

impl Model {
    /// The state genesis leaves.
    pub fn new(genesis: &Genesis) -> Model {
        let state = &genesis.diff.state;
        let storage = state
            .storage_updates
            .iter()
            .flat_map(|(contract, writes)| writes.iter().map(move |(key, value)| ((*contract, *key), *value)))
            .collect();
        let nonces = state.nonces.iter().map(|(a, n)| (*a, u64::try_from(*n).unwrap_or(u64::MAX))).collect();
        let selector = |name: &str| selector_from_name(name).0;
        let contracts = Contracts {
            fee_token: genesis.chain.fee_token,
            token: genesis.token,
            fib: genesis.fib,
            fact: genesis.fact,
            sequencer: genesis.chain.sequencer_address,
            last_result: *get_storage_var_address("last_result", &[]).0.key(),
            fib_selector: selector("fib"),
            fact_selector: selector("fact"),
            transfer_selector: selector("transfer"),
        };
        Model { storage, nonces, contracts, names: BTreeMap::new() }
    }

    /// What a slot is, as far as the model knows.
    pub fn describe(&self, slot: &Slot) -> String {
        self.names.get(slot).cloned().unwrap_or_else(|| format!("storage {:#x} of contract {:#x}", slot.1, slot.0))
    }

    /// Runs a block of `txs` (`None`: a transaction the client never signed), charging
    /// included transaction `i` `fees[i]`; returns what the block must show.
    pub fn block(&mut self, txs: &[Option<&Signed>], fees: &[u128]) -> Result<Expectation, String> {
        let mut expect = Expectation::default();
        for (i, tx) in txs.iter().enumerate() {
            let Some(tx) = tx else {
                expect.txs.push((Outcome::Rejected, "not a transaction the load client signed".into(), None));
                continue;
            };
            let nonce = self.nonces.get(&tx.sender).copied().unwrap_or(0);
            if tx.nonce != nonce {
                expect.txs.push((Outcome::Rejected, format!("nonce {} while the account is at {nonce}", tx.nonce), None));
                continue;
            }
            let fee_balance = self.balance(self.contracts.fee_token, tx.sender, "fee-token")?;
            if fee_balance < (0, tx.max_fee) {
                let why = format!("fee-token balance {} below the fee bound {}", show(fee_balance), tx.max_fee);
                expect.txs.push((Outcome::Rejected, why, None));
                continue;
            }
            let (what, effect) = self.call(tx)?;
            let (outcome, why, writes) = match effect {
                Ok(writes) => (Outcome::Succeeded, what, writes),
                Err(reason) => (Outcome::Reverted, reason, vec![]),
            };
            self.set_nonce(tx.sender, nonce + 1, &mut expect);
            for (slot, value) in writes {
                self.write(slot, value, &mut expect);
            }
            let fee = fees.get(i).copied().unwrap_or(0);
            self.pay_fee(tx.sender, fee, &mut expect)?;
            expect.txs.push((outcome, why, Some(tx.max_fee)));
        }
        Ok(expect)
    }

    /// What the call is and does; an error for a call the model does not know.
    fn call(&mut self, tx: &Signed) -> Result<(String, Effect), String> {
        let c = &self.contracts;
        let args = &tx.calldata;
        let small = |f: &Felt| u64::try_from(*f).ok();
        if tx.to == c.fib && tx.selector == c.fib_selector && args.len() == 1 && small(&args[0]).is_some() {
            let n = small(&args[0]).expect("checked");
            let (mut a, mut b) = (Felt::ZERO, Felt::ONE);
            for _ in 0..n {
                (a, b) = (b, a + b);
            }
            let slot = (c.fib, c.last_result);
            self.names.insert(slot, "fib's last_result".into());
            return Ok((format!("fib({n}) = {a:#x}"), Ok(vec![(slot, a)])));
        }
        if tx.to == c.fact && tx.selector == c.fact_selector && args.len() == 1 && small(&args[0]).is_some() {
            let n = small(&args[0]).expect("checked");
            let product = (1..=n).fold(Felt::ONE, |acc, i| acc * Felt::from(i));
            let slot = (c.fact, c.last_result);
            self.names.insert(slot, "fact's last_result".into());
            return Ok((format!("fact({n}) = {product:#x}"), Ok(vec![(slot, product)])));
        }
        if tx.to == c.token && tx.selector == c.transfer_selector && args.len() == 3 {
            let effect = self.transfer(tx.sender, args[0], args[1], args[2])?;
            return Ok((format!("KRK transfer to {:#x}", args[0]), effect));
        }
        Err(format!("the model does not know the call of selector {:#x} on {:#x} with {} arguments", tx.selector, tx.to, args.len()))
    }

    /// `transfer(to, amount)` on the KRK token, as `erc20.cairo`'s `move_tokens` does it.
    fn transfer(&mut self, from: Felt, to: Felt, low: Felt, high: Felt) -> Result<Effect, String> {
        let token = self.contracts.token;
        let (Ok(low), Ok(high)) = (u128::try_from(low), u128::try_from(high)) else {
            return Ok(Err("the amount is not a u256".into()));
        };
        let amount = (high, low);
        if to == Felt::ZERO {
            return Ok(Err("transfer to 0".into()));
        }
        let from_balance = self.balance(token, from, "KRK")?;
        let Some(left) = sub(from_balance, amount) else {
            return Ok(Err(format!("overdraft: balance {} below {}", show(from_balance), show(amount))));
        };
        // The recipient's balance is read after the sender's is written: a transfer to
        // oneself leaves the balance as it was.
        let mut writes = balance_writes(self.balance_slot(token, from, "KRK"), left);
        let to_before = if to == from { left } else { self.balance(token, to, "KRK")? };
        let Some(to_after) = add(to_before, amount) else {
            return Ok(Err("the recipient's balance overflows a u256".into()));
        };
        writes.extend(balance_writes(self.balance_slot(token, to, "KRK"), to_after));
        Ok(Ok(writes))
    }

    fn pay_fee(&mut self, sender: Felt, fee: u128, expect: &mut Expectation) -> Result<(), String> {
        let token = self.contracts.fee_token;
        let sequencer = self.contracts.sequencer;
        let paid = sub(self.balance(token, sender, "fee-token")?, (0, fee)).ok_or("a fee above the sender's balance")?;
        for (slot, value) in balance_writes(self.balance_slot(token, sender, "fee-token"), paid) {
            self.write(slot, value, expect);
        }
        let earned = add(self.balance(token, sequencer, "fee-token")?, (0, fee)).ok_or("the sequencer's fee-token balance overflows")?;
        for (slot, value) in balance_writes(self.balance_slot(token, sequencer, "fee-token"), earned) {
            self.write(slot, value, expect);
        }
        Ok(())
    }

    /// The slot of `account`'s balance (low half; the high half is the next key).
    fn balance_slot(&mut self, token: Felt, account: Felt, name: &str) -> Slot {
        let key = *get_storage_var_address("ERC20_balances", &[account]).0.key();
        self.names.insert((token, key), format!("{name} balance of {account:#x}"));
        self.names.insert((token, key + Felt::ONE), format!("{name} balance of {account:#x} (high half)"));
        (token, key)
    }

    fn balance(&mut self, token: Felt, account: Felt, name: &str) -> Result<U256, String> {
        let (token, key) = self.balance_slot(token, account, name);
        let half = |k: Felt| {
            let v = self.storage.get(&(token, k)).copied().unwrap_or(Felt::ZERO);
            u128::try_from(v).map_err(|_| format!("{name} balance of {account:#x} has a half above 2^128: {v:#x}"))
        };
        Ok((half(key + Felt::ONE)?, half(key)?))
    }

    fn write(&mut self, slot: Slot, value: Felt, expect: &mut Expectation) {
        let before = self.storage.insert(slot, value).unwrap_or(Felt::ZERO);
        expect.storage.entry(slot).or_insert((before, value)).1 = value;
    }

    fn set_nonce(&mut self, account: Felt, nonce: u64, expect: &mut Expectation) {
        let before = self.nonces.insert(account, nonce).unwrap_or(0);
        expect.nonces.entry(account).or_insert((before, nonce)).1 = nonce;
    }
}

fn balance_writes((token, key): Slot, (high, low): U256) -> Vec<(Slot, Felt)> {
    vec![((token, key), Felt::from(low)), ((token, key + Felt::ONE), Felt::from(high))]
}

fn sub(a: U256, b: U256) -> Option<U256> {
    let (low, borrow) = a.1.overflowing_sub(b.1);
    Some((a.0.checked_sub(b.0)?.checked_sub(u128::from(borrow))?, low))
}

fn add(a: U256, b: U256) -> Option<U256> {
    let (low, carry) = a.1.overflowing_add(b.1);
    Some((a.0.checked_add(b.0)?.checked_add(u128::from(carry))?, low))
}

fn show((high, low): U256) -> String {
    if high == 0 {
        low.to_string()
    } else {
        format!("{high} * 2^128 + {low}")
    }
}
