//! The node's Starknet chain: every committed block executed in height order on the
//! state in the store, then its state changes, new trie nodes, receipts and header
//! persisted in one store transaction. Execution trails consensus (order, then execute):
//! consensus persists each committed block's transactions, and the [`runner`] catches
//! up from the last executed height after a restart.

mod admission;
mod runner;
mod state;

pub use admission::StarknetAdmission;
pub use runner::spawn_runner;
pub use state::StoreState;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use kraken_execution::local::block_timestamp;
use kraken_execution::{
    seal, BlockDiff, BlockEnv, Engine, ExecutedBlock, Executor, Felt, Genesis, GenesisConfig, Receipt, SealedBlock,
};
use kraken_starknet::state::StateDiff;
use serde::{Deserialize, Serialize};

use crate::storage::{Store, StoreError, Table, Writer};
use crate::types::{Height, Tx};
use state::{felt_key, storage_key, TrieOverlay};

/// The `[node.execution]` table: which engine runs contracts and the genesis all nodes
/// of the chain share.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChainSettings {
    pub engine: Engine,
    pub genesis: GenesisConfig,
    /// Test-only: execute without transferring fees, on purpose (see
    /// `Executor::unsafe_skip_fee_transfer`). For the simulator's auditor tests; a real node
    /// refuses a config that sets it.
    pub unsafe_skip_fee_transfer: bool,
}

/// An executed block as the store keeps it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExecutedRecord {
    pub sealed: SealedBlock,
    /// One per transaction of the committed block, in order.
    pub receipts: Vec<Receipt>,
}

/// A block's state diff as the store keeps it, for JSON-RPC state updates (the
/// commitment's `StateDiff` has no serde form). Final values after the block.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffRecord {
    pub storage_updates: BTreeMap<Felt, BTreeMap<Felt, Felt>>,
    pub nonces: BTreeMap<Felt, Felt>,
    /// Deployed contracts (Kraken's contracts never replace their class).
    pub class_hashes: BTreeMap<Felt, Felt>,
    /// Sierra class hash -> compiled class hash.
    pub declared_classes: BTreeMap<Felt, Felt>,
}

impl From<&StateDiff> for DiffRecord {
    fn from(s: &StateDiff) -> Self {
        DiffRecord {
            storage_updates: s.storage_updates.clone(),
            nonces: s.nonces.clone(),
            class_hashes: s.class_hashes.clone(),
            declared_classes: s.declared_classes.clone(),
        }
    }
}

/// A block this node has just executed and stored: its record and its state diff.
#[derive(Clone, Debug)]
pub struct Executed {
    pub record: ExecutedRecord,
    pub diff: DiffRecord,
}

const EXECUTED_TIP: &[u8] = b"executed_tip";
/// Every this many executed blocks, one is written durably (see [`Chain::execute`]):
/// bounds the work a crash can undo and the store's growth between durable writes.
const SYNC_EVERY: u64 = 64;
/// The block ranges whose proofs this node verified (first → last).
const PROVED_RANGES: &[u8] = b"proved_ranges";

/// One node's chain state and the executor that advances it.
pub struct Chain {
    pub store: Store,
    pub executor: Executor,
    pub genesis: Genesis,
    /// The last block hash `next_env` read for its `old_block_hash`: admission asks for
    /// it on every submission, an executed block's hash never changes, and reading it
    /// means decoding the block's whole record.
    old_block_hash: Mutex<Option<(Height, Felt)>>,
}

impl Chain {
    /// Opens the chain in `store`, writing genesis (block 0) the first time.
    pub fn open(store: Store, settings: &ChainSettings) -> anyhow::Result<Arc<Chain>> {
        let genesis = Genesis::build(&settings.genesis);
        let mut executor = Executor::new(settings.engine, genesis.chain.clone());
        executor.unsafe_skip_fee_transfer = settings.unsafe_skip_fee_transfer;
        let chain = Chain { store, executor, genesis, old_block_hash: Mutex::new(None) };
        let block0 = ExecutedBlock { diff: chain.genesis.diff.clone(), ..Default::default() };
        // Genesis is sealed on an empty trie space, never on the node's store: after a
        // restart the store's contract records are those of later blocks. Every node
        // genesis needs is one it creates, so the overlay holds them all.
        let empty = Store::open_backend(redb::backends::InMemoryBackend::new())?;
        let mut tries = TrieOverlay::new(&empty)?;
        let sealed = seal(&mut tries, &chain.executor.chain, Default::default(), Felt::ZERO, 0, block_timestamp(0), &block0)?;
        match chain.record(0)? {
            Some(stored) => anyhow::ensure!(
                stored.sealed.block_hash == sealed.block_hash,
                "the store holds another chain (genesis block {:#x}; this genesis config gives {:#x})",
                stored.sealed.block_hash,
                sealed.block_hash
            ),
            None => {
                let genesis = Executed { record: ExecutedRecord { sealed, receipts: vec![] }, diff: DiffRecord::from(&block0.diff.state) };
                chain.store.write(|w| {
                    tries.persist(w)?;
                    write_block(w, &block0, &genesis)
                })?;
            }
        }
        Ok(Arc::new(chain))
    }

    /// The highest executed height (0 is genesis), or `None` before genesis.
    pub fn executed_height(&self) -> Result<Option<Height>, StoreError> {
        self.store.get(Table::Meta, EXECUTED_TIP)
    }

    pub fn record(&self, height: Height) -> Result<Option<ExecutedRecord>, StoreError> {
        self.store.get(Table::ExecutedBlocks, &height.to_be_bytes())
    }

    /// The height of the executed block with this Starknet block hash.
    pub fn height_of(&self, block_hash: Felt) -> Result<Option<Height>, StoreError> {
        self.store.get(Table::BlockHashes, &felt_key(&block_hash))
    }

    /// The highest block up to which every block is covered by a proof this node
    /// verified (genesis, block 0, needs none): what `l1_accepted` names.
    pub fn settled_height(&self) -> Result<Height, StoreError> {
        Ok(settled(&self.proved_ranges()?))
    }

    fn proved_ranges(&self) -> Result<BTreeMap<Height, Height>, StoreError> {
        Ok(self.store.get(Table::Meta, PROVED_RANGES)?.unwrap_or_default())
    }

    /// Records that blocks first..=last are proved (the caller verified the proof);
    /// returns the settled height after it.
    pub fn record_proved(&self, first: Height, last: Height) -> Result<Height, StoreError> {
        let mut ranges = self.proved_ranges()?;
        ranges.insert(first, last.max(ranges.get(&first).copied().unwrap_or(0)));
        let after = settled(&ranges);
        // The settled prefix is kept as one range, so the map stays small.
        ranges.retain(|&f, &mut l| f > after + 1 && l > after);
        if after > 0 {
            ranges.insert(1, after);
        }
        self.store.put(Table::Meta, PROVED_RANGES, &ranges)?;
        Ok(after)
    }

    /// The state diff of executed block `height`.
    pub fn state_diff(&self, height: Height) -> Result<Option<DiffRecord>, StoreError> {
        self.store.get(Table::StateDiffs, &height.to_be_bytes())
    }

    /// A transaction's receipt and the height it executed at.
    pub fn receipt(&self, hash: Felt) -> Result<Option<(Height, Receipt)>, StoreError> {
        let Some((height, index)) = self.store.get::<(Height, u32)>(Table::TxLocations, &felt_key(&hash))? else {
            return Ok(None);
        };
        let record = self.record(height)?.ok_or_else(|| StoreError::Corrupt {
            table: Table::ExecutedBlocks,
            msg: format!("block {height} of transaction {hash:#x} is missing"),
        })?;
        Ok(record.receipts.get(index as usize).cloned().map(|r| (height, r)))
    }

    /// Where each receipt of `record` will be found by hash. A hash names one
    /// transaction, but the same transaction can be ordered twice (submitted to two
    /// nodes in different encodings): the included copy wins, a rejected copy is only
    /// indexed when nothing else is.
    fn locations(&self, record: &ExecutedRecord) -> Result<Vec<(Felt, (Height, u32))>, StoreError> {
        let mut out: Vec<(Felt, (Height, u32))> = Vec::new();
        for (index, r) in record.receipts.iter().enumerate() {
            let at = (record.sealed.number, index as u32);
            if r.tx_hash == Felt::ZERO {
                continue;
            }
            if r.included() {
                out.retain(|(h, _)| *h != r.tx_hash);
                out.push((r.tx_hash, at));
            } else if !out.iter().any(|(h, _)| *h == r.tx_hash) && !self.store.contains(Table::TxLocations, &felt_key(&r.tx_hash))? {
                out.push((r.tx_hash, at));
            }
        }
        Ok(out)
    }

    /// The context the next block executes in.
    pub fn next_env(&self) -> anyhow::Result<BlockEnv> {
        let tip = self.executed_height()?.unwrap_or(0);
        let number = tip + 1;
        let old_block_hash = match number.checked_sub(10) {
            Some(old) => Some((old, self.block_hash_at(old)?)),
            None => None,
        };
        Ok(BlockEnv { number, timestamp: block_timestamp(number), old_block_hash })
    }

    /// The hash of executed block `height`, remembered from the last call.
    fn block_hash_at(&self, height: Height) -> anyhow::Result<Felt> {
        let mut last = self.old_block_hash.lock().unwrap();
        if let Some((h, hash)) = *last {
            if h == height {
                return Ok(hash);
            }
        }
        let record = self.record(height)?.ok_or_else(|| anyhow::anyhow!("executed block {height} is missing"))?;
        *last = Some((height, record.sealed.block_hash));
        Ok(record.sealed.block_hash)
    }

    /// Executes the next committed block, if consensus has committed it. Errors are the
    /// node's (store or engine), never a transaction's; the caller retries.
    pub fn execute_next(&self) -> anyhow::Result<Option<Executed>> {
        match self.next_block()? {
            Some(next) => self.execute(next).map(Some),
            None => Ok(None),
        }
    }

    /// The next block to execute, if consensus has committed it.
    pub fn next_block(&self) -> anyhow::Result<Option<NextBlock>> {
        let env = self.next_env()?;
        let txs = self.store.get::<Vec<Tx>>(Table::BlockTxs, &env.number.to_be_bytes())?;
        Ok(txs.map(|txs| NextBlock { env, txs }))
    }

    /// Executes `next` (from [`Chain::next_block`]), seals it and stores it.
    pub fn execute(&self, next: NextBlock) -> anyhow::Result<Executed> {
        let NextBlock { env, txs } = next;
        let payloads: Vec<&[u8]> = txs.iter().map(|t| t.0.as_slice()).collect();
        let block = self.executor.execute_block(&StoreState { store: &self.store }, env, &payloads)?;
        let parent = self.record(env.number - 1)?.ok_or_else(|| anyhow::anyhow!("executed block {} is missing", env.number - 1))?;
        let mut tries = TrieOverlay::new(&self.store)?;
        let sealed = seal(
            &mut tries,
            &self.executor.chain,
            parent.sealed.roots(),
            parent.sealed.block_hash,
            env.number,
            env.timestamp,
            &block,
        )?;
        let executed = Executed {
            record: ExecutedRecord { sealed, receipts: block.receipts.clone() },
            diff: DiffRecord::from(&block.diff.state),
        };
        let locations = self.locations(&executed.record)?;
        let write = |w: &mut Writer<'_>| {
            tries.persist(w)?;
            for (hash, at) in &locations {
                w.put(Table::TxLocations, &felt_key(hash), at)?;
            }
            write_block(w, &block, &executed)
        };
        // An executed block can be computed again from the committed one, which consensus
        // stored durably: most are not worth a disk sync of their own (one per block was
        // ~11% of a loaded node's CPU). They reach the disk with the node's next durable
        // write, and at the latest with every `SYNC_EVERY`th block; after a crash the runner
        // executes again from the last block that did.
        if env.number % SYNC_EVERY == 0 {
            self.store.write(write)?;
        } else {
            self.store.write_lazy(write)?;
        }
        Ok(executed)
    }
}

/// A committed block waiting to be executed.
pub struct NextBlock {
    env: BlockEnv,
    txs: Vec<Tx>,
}

impl NextBlock {
    pub fn txs(&self) -> usize {
        self.txs.len()
    }
}

/// The state changes, classes and record of one block, and the new executed tip — all
/// in the caller's store transaction.
fn write_block(w: &mut Writer<'_>, block: &ExecutedBlock, executed: &Executed) -> Result<(), StoreError> {
    write_diff(w, &block.diff)?;
    let height = executed.record.sealed.number;
    w.put(Table::ExecutedBlocks, &height.to_be_bytes(), &executed.record)?;
    w.put(Table::BlockHashes, &felt_key(&executed.record.sealed.block_hash), &height)?;
    w.put(Table::StateDiffs, &height.to_be_bytes(), &executed.diff)?;
    w.put(Table::Meta, EXECUTED_TIP, &height)
}

fn write_diff(w: &mut Writer<'_>, diff: &BlockDiff) -> Result<(), StoreError> {
    let s = &diff.state;
    for (address, writes) in &s.storage_updates {
        for (key, value) in writes {
            w.put(Table::StateStorage, &storage_key(address, key), value)?;
        }
    }
    for (address, nonce) in &s.nonces {
        w.put(Table::StateNonces, &felt_key(address), nonce)?;
    }
    for (address, class) in &s.class_hashes {
        w.put(Table::StateClassHashes, &felt_key(address), class)?;
    }
    for (class, compiled) in &s.declared_classes {
        w.put(Table::StateCompiledClassHashes, &felt_key(class), compiled)?;
    }
    for class in &diff.new_classes {
        w.put(Table::StateClasses, &felt_key(&class.class_hash.0), &class.to_stored())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kraken_execution::calls::{fib, signed_invoke};

    fn memory_store() -> Store {
        Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap()
    }

    fn settings(seed: u64) -> ChainSettings {
        ChainSettings { engine: Engine::Vm, genesis: GenesisConfig { accounts: 2, seed, ..Default::default() }, ..Default::default() }
    }

    #[test]
    fn reopening_after_blocks_keeps_the_chain_and_refuses_another_genesis() {
        let store = memory_store();
        let chain = Chain::open(store.clone(), &settings(0)).unwrap();
        assert!(chain.execute_next().unwrap().is_none(), "nothing committed yet");
        let g = &chain.genesis;
        let tx = Tx(signed_invoke(g, &g.accounts[0], 0, &[fib(g, 5)]));
        store.put(Table::BlockTxs, &1u64.to_be_bytes(), &vec![tx]).unwrap();
        let record = chain.execute_next().unwrap().expect("block 1 executes").record;
        assert!(record.receipts[0].included());
        assert_eq!(chain.executed_height().unwrap(), Some(1));
        drop(chain);

        let reopened = Chain::open(store.clone(), &settings(0)).unwrap();
        assert_eq!(reopened.executed_height().unwrap(), Some(1));
        assert_eq!(reopened.record(1).unwrap().unwrap().sealed, record.sealed);
        let err = Chain::open(store, &settings(1)).err().expect("another genesis must be refused").to_string();
        assert!(err.contains("another chain"), "{err}");
    }

    #[test]
    fn the_next_block_names_the_hash_of_the_block_ten_below_it() {
        let store = memory_store();
        let chain = Chain::open(store.clone(), &settings(0)).unwrap();
        for height in 1..=12u64 {
            store.put(Table::BlockTxs, &height.to_be_bytes(), &Vec::<Tx>::new()).unwrap();
            chain.execute_next().unwrap().expect("an empty block executes");
        }
        // Block 13 names block 3; asked again (as every admission does) and after block 13,
        // it names the right block each time.
        let hash = |h: u64| chain.record(h).unwrap().unwrap().sealed.block_hash;
        for _ in 0..2 {
            assert_eq!(chain.next_env().unwrap().old_block_hash, Some((3, hash(3))));
        }
        store.put(Table::BlockTxs, &13u64.to_be_bytes(), &Vec::<Tx>::new()).unwrap();
        chain.execute_next().unwrap().expect("block 13 executes");
        assert_eq!(chain.next_env().unwrap().old_block_hash, Some((4, hash(4))));
        assert_ne!(hash(3), hash(4));
    }
}

/// The end of the run of proved blocks from block 1 on (0 when block 1 is not proved).
fn settled(ranges: &BTreeMap<Height, Height>) -> Height {
    let mut settled = 0;
    for (&first, &last) in ranges {
        if first > settled + 1 {
            break;
        }
        settled = settled.max(last);
    }
    settled
}

#[cfg(test)]
mod settled_tests {
    use super::settled;
    use std::collections::BTreeMap;

    #[test]
    fn settled_is_the_run_of_proved_blocks_from_block_1() {
        let ranges = |r: &[(u64, u64)]| r.iter().copied().collect::<BTreeMap<_, _>>();
        assert_eq!(settled(&ranges(&[])), 0);
        assert_eq!(settled(&ranges(&[(2, 5)])), 0, "block 1 is not proved");
        assert_eq!(settled(&ranges(&[(1, 1), (2, 5), (7, 9)])), 5, "block 6 is missing");
        assert_eq!(settled(&ranges(&[(1, 4), (3, 8)])), 8, "overlaps count");
    }
}
