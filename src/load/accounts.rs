//! The sending accounts: each has at most one transaction in flight, sent with its next
//! nonce, and moves on only when that transaction is included. A refused or overdue
//! transaction leaves the nonce in doubt, so the account re-reads it from a node before
//! it sends again. Times are offsets from the start of the load.

use std::time::Duration;

use kraken_execution::Felt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Idle,
    /// Sent; the node has not answered yet.
    Submitting { hash: Felt, sent: Duration },
    /// Admitted; waiting for its receipt.
    Pending { hash: Felt, sent: Duration },
    /// The nonce must be re-read before the next send.
    Resync,
}

pub struct Accounts {
    slots: Vec<Slot>,
    nonces: Vec<u64>,
    /// Where the search for an idle account starts, so accounts take turns.
    cursor: usize,
}

impl Accounts {
    /// Accounts with these next nonces, all idle.
    pub fn new(nonces: Vec<u64>) -> Self {
        Accounts { slots: vec![Slot::Idle; nonces.len()], nonces, cursor: 0 }
    }

    /// The next idle account in turn, if any.
    pub fn next_idle(&mut self) -> Option<usize> {
        let n = self.slots.len();
        let i = (0..n).map(|k| (self.cursor + k) % n).find(|i| self.slots[*i] == Slot::Idle)?;
        self.cursor = i + 1;
        Some(i)
    }

    pub fn nonce(&self, account: usize) -> u64 {
        self.nonces[account]
    }

    /// `account` sent `hash` with its next nonce.
    pub fn sent(&mut self, account: usize, hash: Felt, at: Duration) {
        self.slots[account] = Slot::Submitting { hash, sent: at };
    }

    /// The node admitted the account's transaction `hash`.
    pub fn admitted(&mut self, account: usize, hash: Felt) {
        if let Slot::Submitting { hash: h, sent } = self.slots[account] {
            if h == hash {
                self.slots[account] = Slot::Pending { hash, sent };
            }
        }
    }

    /// The transaction the account has in flight, if any.
    pub fn in_flight_hash(&self, account: usize) -> Option<Felt> {
        match self.slots[account] {
            Slot::Submitting { hash, .. } | Slot::Pending { hash, .. } => Some(hash),
            _ => None,
        }
    }

    /// The account's transaction `hash` was refused, rejected at execution or not
    /// answered: whether the nonce was used is unknown until it is read again. False if
    /// the account was not waiting for `hash`.
    pub fn in_doubt(&mut self, account: usize, hash: Felt) -> bool {
        let waiting = self.in_flight_hash(account) == Some(hash);
        if waiting {
            self.slots[account] = Slot::Resync;
        }
        waiting
    }

    /// `hash` was included (succeeded or reverted: either uses the nonce). Returns when
    /// it was sent, or None if the account was not waiting for it.
    pub fn included(&mut self, account: usize, hash: Felt) -> Option<Duration> {
        let sent = self.pending_since(account, hash)?;
        self.nonces[account] += 1;
        self.slots[account] = Slot::Idle;
        Some(sent)
    }

    /// When the account's pending `hash` was sent, if it is still pending.
    fn pending_since(&self, account: usize, hash: Felt) -> Option<Duration> {
        match self.slots[account] {
            Slot::Pending { hash: h, sent } if h == hash => Some(sent),
            _ => None,
        }
    }

    /// A nonce read from a node; ignored unless the account was waiting for one.
    pub fn resynced(&mut self, account: usize, nonce: u64) {
        if self.slots[account] == Slot::Resync {
            self.nonces[account] = nonce;
            self.slots[account] = Slot::Idle;
        }
    }

    /// Admitted transactions waiting for a receipt: (account, hash, sent).
    pub fn pending(&self) -> Vec<(usize, Felt, Duration)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s {
                Slot::Pending { hash, sent } => Some((i, *hash, *sent)),
                _ => None,
            })
            .collect()
    }

    /// Accounts whose nonce must be re-read.
    pub fn to_resync(&self) -> Vec<usize> {
        (0..self.slots.len()).filter(|i| self.slots[*i] == Slot::Resync).collect()
    }

    /// Transactions sent and not yet included or given up.
    pub fn in_flight(&self) -> usize {
        self.slots.iter().filter(|s| matches!(s, Slot::Submitting { .. } | Slot::Pending { .. })).count()
    }

    /// Whether `account`'s pending transaction has waited longer than `limit`.
    pub fn overdue(&self, account: usize, now: Duration, limit: Duration) -> bool {
        matches!(self.slots[account], Slot::Pending { sent, .. } if now.saturating_sub(sent) > limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_moves_on_only_when_its_transaction_is_included() {
        let now = Duration::from_secs(1);
        let mut a = Accounts::new(vec![5, 0]);
        assert_eq!(a.next_idle(), Some(0));
        a.sent(0, Felt::ONE, now);
        assert_eq!(a.next_idle(), Some(1), "the busy account is skipped");
        a.sent(1, Felt::TWO, now);
        assert_eq!(a.next_idle(), None);
        assert_eq!(a.in_flight(), 2);

        // A receipt for a transaction not yet admitted, or for another hash, is ignored.
        assert_eq!(a.included(0, Felt::ONE), None);
        a.admitted(0, Felt::TWO);
        assert_eq!(a.in_flight_hash(0), Some(Felt::ONE));
        assert_eq!(a.included(0, Felt::ONE), None, "admitting another hash changes nothing");
        a.admitted(0, Felt::ONE);
        assert_eq!(a.included(0, Felt::TWO), None);
        assert_eq!(a.pending(), vec![(0, Felt::ONE, now)]);
        assert_eq!(a.included(0, Felt::ONE), Some(now));
        assert_eq!(a.nonce(0), 6);
        assert_eq!(a.next_idle(), Some(0));
    }

    #[test]
    fn a_transaction_in_doubt_makes_the_account_reread_its_nonce() {
        let now = Duration::from_secs(1);
        let mut a = Accounts::new(vec![3]);
        a.sent(0, Felt::ONE, now);
        a.resynced(0, 9);
        assert_eq!(a.nonce(0), 3, "a nonce nobody asked for changes nothing");
        assert!(!a.in_doubt(0, Felt::TWO));
        assert_eq!(a.in_flight_hash(0), Some(Felt::ONE), "another hash's doubt changes nothing");
        assert!(a.in_doubt(0, Felt::ONE));
        assert_eq!(a.next_idle(), None);
        assert_eq!(a.to_resync(), vec![0]);
        assert_eq!(a.in_flight(), 0);
        a.resynced(0, 4);
        assert_eq!((a.nonce(0), a.next_idle()), (4, Some(0)));
    }

    #[test]
    fn only_a_pending_transaction_goes_overdue() {
        let now = Duration::from_secs(1);
        let mut a = Accounts::new(vec![0]);
        let later = now + Duration::from_secs(30);
        a.sent(0, Felt::ONE, now);
        assert!(!a.overdue(0, later, Duration::from_secs(20)), "not admitted yet");
        a.admitted(0, Felt::ONE);
        assert!(!a.overdue(0, now + Duration::from_secs(10), Duration::from_secs(20)));
        assert!(a.overdue(0, later, Duration::from_secs(20)));
    }
}
