//! The certificate task, the one writer of the node's signatures table: it signs each
//! block this node executes, keeps it and sends it to the peers, and keeps the peers'
//! signatures once checked. A peer's signature is dropped (and logged) when it does not
//! verify, when the peer already signed another hash at that height (the first one
//! stays), or when it is for a height too far past this node's executed tip to be real.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use kraken_execution::Felt;
use tokio::sync::mpsc;

use super::{attestation_digest, Attestation, BlockCertificate};
use crate::chain::Chain;
use crate::net::{Outbox, WarnLimit};
use crate::observer::Observer;
use crate::storage::{Store, StoreError, Table};
use crate::types::{Author, Committee, Height, KeyPair, Signature};

/// A peer may sign blocks this node has not executed yet, but not this far ahead: the
/// table cannot be filled with signatures of heights that will never exist.
const AHEAD: Height = 10_000;

/// How far below the executed tip a restarted node looks for blocks it left unsigned.
const RESIGN_WINDOW: Height = 64;

/// What the task is told.
pub enum Attest {
    /// This node executed the block.
    Executed { height: Height, block_hash: Felt },
    /// A peer's signature, as its authenticated envelope carried it.
    Peer { from: Author, attestation: Attestation },
}

/// Per height, each member's signed hash.
type Signed = BTreeMap<Author, (Felt, Signature)>;

struct Collector {
    committee: Arc<Committee>,
    me: Author,
    key: KeyPair,
    store: Store,
    chain: Arc<Chain>,
    network: Outbox<Attestation>,
    observer: Arc<dyn Observer>,
    warnings: WarnLimit,
}

/// Starts the task; the runner and the dispatcher send to the returned channel.
pub fn spawn(committee: Arc<Committee>, me: Author, key: KeyPair, store: Store, chain: Arc<Chain>, network: Outbox<Attestation>, observer: Arc<dyn Observer>) -> mpsc::Sender<Attest> {
    let (tx, rx) = mpsc::channel(10_000);
    let collector = Collector { committee, me, key, store, chain, network, observer, warnings: WarnLimit::new(Duration::from_secs(10)) };
    tokio::spawn(collector.run(rx));
    tx
}

impl Collector {
    async fn run(mut self, mut rx: mpsc::Receiver<Attest>) {
        if let Err(e) = self.sign_unsigned_tip() {
            tracing::error!("cannot sign the executed blocks left unsigned by a crash: {e}");
        }
        while let Some(message) = rx.recv().await {
            let outcome = match message {
                Attest::Executed { height, block_hash } => self.sign(height, block_hash),
                Attest::Peer { from, attestation } => self.receive(from, attestation),
            };
            if let Err(e) = outcome {
                // The signatures are an aid to provers, never needed by consensus: a
                // store failure here is logged, and the node goes on.
                tracing::error!("block signatures: {e}");
            }
        }
    }

    /// A crash between executing a block and signing it leaves the newest executed
    /// blocks unsigned by us: sign them now. Only the last `RESIGN_WINDOW` are looked at
    /// (a crash leaves a few), so a long chain from before signatures costs no long walk.
    fn sign_unsigned_tip(&self) -> Result<(), StoreError> {
        let Some(tip) = self.chain.executed_height()? else { return Ok(()) };
        let floor = tip.saturating_sub(RESIGN_WINDOW);
        let mut height = tip;
        while height > floor && !signed(&self.store, height)?.contains_key(&self.me) {
            height -= 1;
        }
        for h in height + 1..=tip {
            if let Some(record) = self.chain.record(h)? {
                self.sign(h, record.sealed.block_hash)?;
            }
        }
        Ok(())
    }

    fn sign(&self, height: Height, block_hash: Felt) -> Result<(), StoreError> {
        let attestation = Attestation::sign(height, block_hash, &self.key);
        self.keep(self.me, &attestation)?;
        self.network.broadcast(&attestation);
        Ok(())
    }

    fn receive(&mut self, from: Author, a: Attestation) -> Result<(), StoreError> {
        let executed = self.chain.executed_height()?.unwrap_or(0);
        let refusal = if a.height == 0 || a.height > executed + AHEAD {
            Some(format!("signature for block {}, not within 1..={} (our executed tip + {AHEAD})", a.height, executed + AHEAD))
        } else if !self.committee.key_of(from).is_some_and(|k| k.verify(&attestation_digest(a.height, &a.block_hash), &a.signature)) {
            Some(format!("bad signature over block {}", a.height))
        } else {
            match signed(&self.store, a.height)?.get(&from) {
                Some((hash, _)) if *hash == a.block_hash => return Ok(()),
                Some((hash, _)) => Some(format!("signed block {} as {:#x} after signing it as {hash:#x}", a.height, a.block_hash)),
                None => None,
            }
        };
        match refusal {
            Some(reason) => {
                self.warnings.log(from, &reason);
                self.observer.message_dropped(from, &reason);
                Ok(())
            }
            None => self.keep(from, &a),
        }
    }

    fn keep(&self, author: Author, a: &Attestation) -> Result<(), StoreError> {
        keep(&self.store, author, a)
    }
}

/// Keeps `author`'s signature (the caller checked it; one writer at a time).
pub fn keep(store: &Store, author: Author, a: &Attestation) -> Result<(), StoreError> {
    let mut all = signed(store, a.height)?;
    all.insert(author, (a.block_hash, a.signature));
    store.put(Table::Attestations, &a.height.to_be_bytes(), &all)
}

fn signed(store: &Store, height: Height) -> Result<Signed, StoreError> {
    Ok(store.get(Table::Attestations, &height.to_be_bytes())?.unwrap_or_default())
}

/// The signatures this node holds over its own hash of block `height` (its own among
/// them once it has signed): a certificate when they reach a quorum.
pub fn certificate(store: &Store, height: Height, own_hash: Felt) -> Result<BlockCertificate, StoreError> {
    let signatures = signed(store, height)?.into_iter().filter(|(_, (hash, _))| *hash == own_hash).map(|(a, (_, s))| (a, s)).collect();
    Ok(BlockCertificate { block_number: height, block_hash: own_hash, signatures })
}
