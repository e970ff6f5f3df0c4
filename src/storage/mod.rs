//! The node's durable store (redb): blocks, batches, consensus safety state and the
//! committed chain. Writes that must survive a crash together go through one
//! [`Store::write`] transaction; redb commits it atomically.
//!
//! The store runs on a file in the real build and on any redb backend in the simulator
//! (the testbed gives each simulated node a disk that survives crash and restart).
//!
//! What the node can fetch or compute again (a peer's batch, a block, a leader-election
//! entry) need not pay for a transaction of its own: [`Store::defer`] keeps it in memory,
//! readable at once, and the next write of any kind commits it. A redb commit costs about
//! the same whatever it holds, so this is group commit: `healthy.toml` (4 members, 200
//! tx/s, 30 s) took 24,988 redb commits before, most of them peers' batches, and 9,357 with.
//!
//! A group of writes that must reach the disk before anyone acts on them, but not on its
//! own, is deferred with [`Store::defer_write`] (atomically: readers see all of it or none)
//! and made durable with [`Store::make_durable`], which costs nothing when another durable
//! write has carried it meanwhile. Consensus commits a block that way: a vote or a
//! proposal in the same step carries it to disk, else `make_durable` commits it alone.

use redb::{Database, ReadableTable, StorageBackend, TableDefinition};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::net::codec;

/// Every table maps opaque byte keys to bincode values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Table {
    /// block digest -> Block
    Blocks,
    /// batch digest -> Batch
    Batches,
    /// fixed keys -> consensus safety state
    Safety,
    /// height (big-endian) -> committed block digest
    Chain,
    /// batch digest -> height it was committed at
    CommittedBatches,
    /// tx id -> height it was committed at
    CommittedTxs,
    /// batch digest -> () for batches stored but not yet committed (mempool restart)
    PendingBatches,
    /// fixed keys -> misc node metadata (last committed tip, last executed height)
    Meta,
    /// height (big-endian) -> the transactions the committed block applies, in order
    BlockTxs,
    /// contract address ++ storage key (32 + 32 bytes) -> value (Starknet state)
    StateStorage,
    /// contract address -> nonce
    StateNonces,
    /// contract address -> class hash
    StateClassHashes,
    /// class hash -> compiled class hash
    StateCompiledClassHashes,
    /// class hash -> Sierra and CASM of a declared class
    StateClasses,
    /// node hash -> state trie node (all tries share one content-addressed space)
    TrieNodes,
    /// contract address -> its contracts-trie record (class, storage root, nonce)
    TrieContracts,
    /// height (big-endian) -> the executed block: header facts and receipts
    ExecutedBlocks,
    /// Starknet transaction hash -> where its receipt is (height, index)
    TxLocations,
    /// Starknet block hash -> height (JSON-RPC block ids by hash)
    BlockHashes,
    /// height (big-endian) -> the block's state diff (JSON-RPC state updates)
    StateDiffs,
    /// height (big-endian) -> each member's signature over its hash of the executed
    /// block (block certificates)
    Attestations,
    /// block digest -> what leader election keeps of the block (its reputation entry)
    Election,
}

impl Table {
    fn def(self) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
        TableDefinition::new(match self {
            Table::Blocks => "blocks",
            Table::Batches => "batches",
            Table::Safety => "safety",
            Table::Chain => "chain",
            Table::CommittedBatches => "committed_batches",
            Table::CommittedTxs => "committed_txs",
            Table::PendingBatches => "pending_batches",
            Table::Meta => "meta",
            Table::BlockTxs => "block_txs",
            Table::StateStorage => "state_storage",
            Table::StateNonces => "state_nonces",
            Table::StateClassHashes => "state_class_hashes",
            Table::StateCompiledClassHashes => "state_compiled_class_hashes",
            Table::StateClasses => "state_classes",
            Table::TrieNodes => "trie_nodes",
            Table::TrieContracts => "trie_contracts",
            Table::ExecutedBlocks => "executed_blocks",
            Table::TxLocations => "tx_locations",
            Table::BlockHashes => "block_hashes",
            Table::StateDiffs => "state_diffs",
            Table::Attestations => "attestations",
            Table::Election => "election",
        })
    }

    const ALL: [Table; 22] = [
        Table::PendingBatches,
        Table::Blocks,
        Table::Batches,
        Table::Safety,
        Table::Chain,
        Table::CommittedBatches,
        Table::CommittedTxs,
        Table::Meta,
        Table::BlockTxs,
        Table::StateStorage,
        Table::StateNonces,
        Table::StateClassHashes,
        Table::StateCompiledClassHashes,
        Table::StateClasses,
        Table::TrieNodes,
        Table::TrieContracts,
        Table::ExecutedBlocks,
        Table::TxLocations,
        Table::BlockHashes,
        Table::StateDiffs,
        Table::Attestations,
        Table::Election,
    ];
}

/// The `[storage]` node parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageParams {
    /// TEST ONLY, never in a deployment: never sync the disk, so everything the node
    /// acknowledges rests on writes a machine crash loses. Honored by the simulator's disk
    /// adapter (`testbed::SimBackend`); it exists to prove that the simulated disk
    /// (`[disk] lose_unsynced`) and the no-lost-tx checker catch that bug
    /// (`tests/sim_disk_faults.rs`).
    pub unsafe_skip_sync: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Db(String),
    #[error("store: corrupt value in {table:?}: {msg}")]
    Corrupt { table: Table, msg: String },
}

macro_rules! db_err {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self { StoreError::Db(e.to_string()) }
        }
    )*};
}
db_err!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

#[derive(Clone)]
pub struct Store {
    db: Arc<Database>,
    deferred: Arc<Mutex<Deferred>>,
}

/// Writes not yet in any transaction, by table and key (looked up by a borrowed key:
/// reads are the hot path): an encoded value, or `None` for a delete. Also their size,
/// and how many durable commits the store has made (see [`Deferral`]).
#[derive(Default)]
struct Deferred {
    writes: BTreeMap<Table, BTreeMap<Vec<u8>, Option<Vec<u8>>>>,
    bytes: usize,
    durable_commits: u64,
}

impl Deferred {
    /// `Some(None)`: deleted here, whatever the database holds.
    fn get(&self, table: Table, key: &[u8]) -> Option<Option<&Vec<u8>>> {
        self.writes.get(&table).and_then(|t| t.get(key)).map(Option::as_ref)
    }

    fn set(&mut self, table: Table, key: Vec<u8>, value: Option<Vec<u8>>) {
        let len = key.len();
        self.bytes += len + value.as_ref().map_or(0, Vec::len);
        if let Some(old) = self.writes.entry(table).or_default().insert(key, value) {
            self.bytes -= len + old.map_or(0, |v| v.len());
        }
    }
}

/// One put (`Some`) or delete (`None`) in an open write table.
fn apply(t: &mut redb::Table<'_, &'static [u8], &'static [u8]>, key: &[u8], value: Option<&[u8]>) -> Result<(), StoreError> {
    match value {
        Some(v) => t.insert(key, v)?,
        None => t.remove(key)?,
    };
    Ok(())
}

/// What [`Store::defer_write`] hands back for [`Store::make_durable`]: the number of
/// durable commits made before the deferral. The deferred set is locked through every
/// commit, so any durable commit counted after it carried the deferred writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a deferred write is not durable until make_durable"]
pub struct Deferral(u64);

/// Deferred writes beyond this size are committed (lazily) at once, so a node that writes
/// nothing else for a while (a member that does not vote) holds a bounded amount.
const DEFERRED_LIMIT: usize = 4 << 20;

impl Store {
    pub fn open_file(path: &Path) -> Result<Self, StoreError> {
        Self::init(Database::create(path)?)
    }

    pub fn open_backend(backend: impl StorageBackend) -> Result<Self, StoreError> {
        Self::init(Database::builder().create_with_backend(backend)?)
    }

    fn init(db: Database) -> Result<Self, StoreError> {
        let w = db.begin_write()?;
        for t in Table::ALL {
            w.open_table(t.def())?;
        }
        w.commit()?;
        Ok(Store { db: Arc::new(db), deferred: Arc::default() })
    }

    /// The deferred writes. Held through a whole commit, so a reader sees a deferred value
    /// either here or in the database, never in neither.
    fn deferred(&self) -> MutexGuard<'_, Deferred> {
        // A panic while holding it (none is expected) leaves the map whole: carry on.
        self.deferred.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get<T: DeserializeOwned>(&self, table: Table, key: &[u8]) -> Result<Option<T>, StoreError> {
        self.read(|r| r.get(table, key))
    }

    pub fn contains(&self, table: Table, key: &[u8]) -> Result<bool, StoreError> {
        self.read(|r| r.contains(table, key))
    }

    /// Runs `f` over one snapshot: the deferred writes and one read transaction, for many
    /// lookups at the price of one. `f` must not call this store (the deferred set is
    /// locked meanwhile): it reads through the `Reader` it is given.
    pub fn read<R>(&self, f: impl FnOnce(&Reader<'_>) -> Result<R, StoreError>) -> Result<R, StoreError> {
        let deferred = self.deferred();
        let txn = self.db.begin_read()?;
        f(&Reader { deferred: &deferred, txn: &txn })
    }

    /// A snapshot of `table`, one of [`SNAPSHOT_TABLES`].
    pub fn snapshot(&self, table: Table) -> Result<TableSnapshot, StoreError> {
        assert!(SNAPSHOT_TABLES.contains(&table), "{table:?} may be deferred: read it through Store::read");
        Ok(TableSnapshot { table, inner: self.db.begin_read()?.open_table(table.def())? })
    }

    /// Puts a value the node can fetch or compute again, readable at once and committed
    /// with the next write (durable or lazy) of anyone sharing this store. A crash before
    /// then loses it, as it loses a lazy write. A write applies the deferred puts before its
    /// own, so what it puts or deletes wins over what was deferred before it.
    pub fn defer<T: Serialize>(&self, table: Table, key: &[u8], value: &T) -> Result<(), StoreError> {
        let _ = self.defer_write(|w| w.put(table, key, value))?;
        Ok(())
    }

    /// Runs `f`'s puts and deletes as deferred writes, all visible to readers at once (or,
    /// if `f` fails, none). They are committed with the next write, like [`Store::defer`]'s,
    /// in one transaction; pass the returned [`Deferral`] to [`Store::make_durable`] before
    /// anything that depends on them leaves the node.
    pub fn defer_write(&self, f: impl FnOnce(&mut Writer<'_>) -> Result<(), StoreError>) -> Result<Deferral, StoreError> {
        let mut staged = Deferred::default();
        f(&mut Writer { sink: Sink::Deferred(&mut staged) })?;
        let mut deferred = self.deferred();
        for (table, writes) in staged.writes {
            for (key, value) in writes {
                deferred.set(table, key, value);
            }
        }
        let deferral = Deferral(deferred.durable_commits);
        if deferred.bytes > DEFERRED_LIMIT {
            self.commit(deferred, redb::Durability::None, |_| Ok(()))?;
        }
        Ok(deferral)
    }

    /// Makes what was deferred up to `deferral` durable: at once if a durable write has
    /// carried it since, else by a durable commit of the deferred set.
    pub fn make_durable(&self, deferral: Deferral) -> Result<(), StoreError> {
        let deferred = self.deferred();
        if deferred.durable_commits > deferral.0 {
            return Ok(());
        }
        self.commit(deferred, redb::Durability::Immediate, |_| Ok(()))
    }

    /// Runs `f` in one write transaction and commits it durably before returning, with
    /// every deferred put.
    pub fn write(&self, f: impl FnOnce(&mut Writer<'_>) -> Result<(), StoreError>) -> Result<(), StoreError> {
        self.commit(self.deferred(), redb::Durability::Immediate, f)
    }

    /// Runs `f` in one write transaction and commits it without waiting for the disk: it
    /// is visible at once and atomic, and reaches the disk with the next durable write. A
    /// crash before then loses it whole (the store reopens as of the last durable write),
    /// so it is only for what the node can compute again.
    pub fn write_lazy(&self, f: impl FnOnce(&mut Writer<'_>) -> Result<(), StoreError>) -> Result<(), StoreError> {
        self.commit(self.deferred(), redb::Durability::None, f)
    }

    /// Commits the deferred writes, then `f`'s, in one transaction. `f` must not read
    /// through this store: the deferred set stays locked until the commit is done.
    fn commit(
        &self,
        mut deferred: MutexGuard<'_, Deferred>,
        durability: redb::Durability,
        f: impl FnOnce(&mut Writer<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut txn = self.db.begin_write()?;
        let durable = matches!(durability, redb::Durability::Immediate);
        txn.set_durability(durability);
        for (table, writes) in &deferred.writes {
            let mut t = txn.open_table(table.def())?;
            for (key, value) in writes {
                apply(&mut t, key, value.as_deref())?;
            }
        }
        f(&mut Writer { sink: Sink::Txn(&txn) })?;
        txn.commit()?;
        deferred.writes.clear();
        deferred.bytes = 0;
        deferred.durable_commits += u64::from(durable);
        Ok(())
    }

    pub fn put<T: Serialize>(&self, table: Table, key: &[u8], value: &T) -> Result<(), StoreError> {
        self.write(|w| w.put(table, key, value))
    }

    /// All keys of a table, deferred ones too, in key order.
    pub fn keys(&self, table: Table) -> Result<Vec<Vec<u8>>, StoreError> {
        let deferred = self.deferred();
        let r = self.db.begin_read()?;
        let t = r.open_table(table.def())?;
        let mut out = std::collections::BTreeSet::new();
        for entry in t.iter()? {
            out.insert(entry?.0.value().to_vec());
        }
        for (key, value) in deferred.writes.get(&table).into_iter().flatten() {
            match value {
                Some(_) => out.insert(key.clone()),
                None => out.remove(key),
            };
        }
        Ok(out.into_iter().collect())
    }
}

/// One snapshot of the store (see [`Store::read`]).
pub struct Reader<'a> {
    deferred: &'a Deferred,
    txn: &'a redb::ReadTransaction,
}

impl Reader<'_> {
    pub fn get<T: DeserializeOwned>(&self, table: Table, key: &[u8]) -> Result<Option<T>, StoreError> {
        if let Some(deferred) = self.deferred.get(table, key) {
            return deferred.map(|bytes| decode(table, bytes)).transpose();
        }
        let t = self.txn.open_table(table.def())?;
        t.get(key)?.map(|v| decode(table, v.value())).transpose()
    }

    pub fn contains(&self, table: Table, key: &[u8]) -> Result<bool, StoreError> {
        if let Some(deferred) = self.deferred.get(table, key) {
            return Ok(deferred.is_some());
        }
        let t = self.txn.open_table(table.def())?;
        Ok(t.get(key)?.is_some())
    }
}

/// The tables [`Store::snapshot`] reads: the state tries, which execution alone writes, in
/// its own transactions.
const SNAPSHOT_TABLES: [Table; 2] = [Table::TrieNodes, Table::TrieContracts];

/// One table's committed contents as of one moment: a run of lookups for the price of one
/// read transaction (sealing a block loads hundreds of trie nodes). It does not see
/// deferred writes, so only [`SNAPSHOT_TABLES`] have snapshots, and nothing defers them.
pub struct TableSnapshot {
    table: Table,
    inner: redb::ReadOnlyTable<&'static [u8], &'static [u8]>,
}

impl TableSnapshot {
    pub fn get<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        self.inner.get(key)?.map(|v| decode(self.table, v.value())).transpose()
    }
}

/// A stored value of `table`; bytes that do not decode are the table's corruption.
fn decode<T: DeserializeOwned>(table: Table, bytes: &[u8]) -> Result<T, StoreError> {
    codec::decode(bytes).map_err(|e| StoreError::Corrupt { table, msg: e.to_string() })
}

/// Puts and deletes, into a write transaction or into the deferred set.
pub struct Writer<'a> {
    sink: Sink<'a>,
}

enum Sink<'a> {
    Txn(&'a redb::WriteTransaction),
    Deferred(&'a mut Deferred),
}

impl Writer<'_> {
    pub fn put<T: Serialize>(&mut self, table: Table, key: &[u8], value: &T) -> Result<(), StoreError> {
        self.set(table, key, Some(codec::encode(value)))
    }

    pub fn delete(&mut self, table: Table, key: &[u8]) -> Result<(), StoreError> {
        self.set(table, key, None)
    }

    fn set(&mut self, table: Table, key: &[u8], value: Option<Vec<u8>>) -> Result<(), StoreError> {
        match &mut self.sink {
            Sink::Deferred(_) if SNAPSHOT_TABLES.contains(&table) => {
                Err(StoreError::Db(format!("{table:?} is read through snapshots, which do not see deferred writes: never defer it")))
            }
            Sink::Deferred(deferred) => {
                deferred.set(table, key.to_vec(), value);
                Ok(())
            }
            Sink::Txn(txn) => apply(&mut txn.open_table(table.def())?, key, value.as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.redb");
        {
            let s = Store::open_file(&path).unwrap();
            s.write(|w| {
                w.put(Table::Meta, b"a", &7u64)?;
                w.put(Table::Chain, &1u64.to_be_bytes(), &"x".to_string())
            })
            .unwrap();
        }
        let s = Store::open_file(&path).unwrap();
        assert_eq!(s.get::<u64>(Table::Meta, b"a").unwrap(), Some(7));
        assert_eq!(s.get::<String>(Table::Chain, &1u64.to_be_bytes()).unwrap().as_deref(), Some("x"));
        assert!(!s.contains(Table::Meta, b"b").unwrap());
    }

    #[test]
    fn a_snapshot_reads_the_table_as_of_its_making_and_its_tables_are_never_deferred() {
        let s = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
        s.write_lazy(|w| w.put(Table::TrieNodes, b"n", &1u64)).unwrap();
        let snapshot = s.snapshot(Table::TrieNodes).unwrap();
        s.write_lazy(|w| w.put(Table::TrieNodes, b"later", &2u64)).unwrap();
        assert_eq!(snapshot.get::<u64>(b"n").unwrap(), Some(1));
        assert_eq!(snapshot.get::<u64>(b"later").unwrap(), None, "written after the snapshot");
        assert_eq!(s.snapshot(Table::TrieNodes).unwrap().get::<u64>(b"later").unwrap(), Some(2));
        let refused = s.defer(Table::TrieContracts, b"c", &3u64).unwrap_err().to_string();
        assert!(refused.contains("never defer"), "{refused}");
        assert_eq!(s.get::<u64>(Table::TrieContracts, b"c").unwrap(), None);
    }

    #[test]
    fn a_deferred_put_is_read_at_once_and_committed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.redb");
        {
            let s = Store::open_file(&path).unwrap();
            s.defer(Table::Blocks, b"b", &1u64).unwrap();
            assert_eq!(s.get::<u64>(Table::Blocks, b"b").unwrap(), Some(1));
            assert!(s.contains(Table::Blocks, b"b").unwrap() && !s.contains(Table::Batches, b"b").unwrap());
            assert_eq!(s.keys(Table::Blocks).unwrap(), vec![b"b".to_vec()]);
            s.put(Table::Meta, b"m", &2u64).unwrap();
            s.defer(Table::Blocks, b"lost", &3u64).unwrap();
        }
        let s = Store::open_file(&path).unwrap();
        assert_eq!(s.get::<u64>(Table::Blocks, b"b").unwrap(), Some(1), "committed with the write after it");
        assert_eq!(s.get::<u64>(Table::Blocks, b"lost").unwrap(), None, "no write after it: lost, as documented");
    }

    #[test]
    fn deferred_puts_past_the_limit_are_committed_without_waiting_for_a_write() {
        let s = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
        let big = vec![7u8; DEFERRED_LIMIT / 2];
        for i in 0u8..3 {
            s.defer(Table::Batches, &[i], &big).unwrap();
        }
        let deferred = s.deferred();
        assert!(deferred.bytes <= DEFERRED_LIMIT && deferred.writes[&Table::Batches].len() == 1, "the first two were committed");
        drop(deferred);
        let r = s.db.begin_read().unwrap();
        let t = r.open_table(Table::Batches.def()).unwrap();
        assert!(t.get([0u8].as_slice()).unwrap().is_some() && t.get([2u8].as_slice()).unwrap().is_none());
    }

    #[test]
    fn a_deferred_delete_hides_the_value_at_once_and_removes_it_with_the_next_write() {
        let s = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
        s.put(Table::PendingBatches, b"a", &()).unwrap();
        s.defer(Table::PendingBatches, b"b", &()).unwrap();
        let _ = s.defer_write(|w| {
            w.delete(Table::PendingBatches, b"a")?;
            w.delete(Table::PendingBatches, b"b")
        })
        .unwrap();
        assert!(!s.contains(Table::PendingBatches, b"a").unwrap() && s.get::<()>(Table::PendingBatches, b"b").unwrap().is_none());
        assert!(s.keys(Table::PendingBatches).unwrap().is_empty());
        s.put(Table::Meta, b"m", &1u8).unwrap();
        assert!(s.deferred().writes.is_empty());
        let r = s.db.begin_read().unwrap();
        assert!(r.open_table(Table::PendingBatches.def()).unwrap().iter().unwrap().next().is_none(), "the deletes reached the database");
    }

    #[test]
    fn a_failed_deferred_write_leaves_nothing_behind() {
        let s = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
        let failed = s.defer_write(|w| {
            w.put(Table::Meta, b"half", &1u8)?;
            Err(StoreError::Db("the caller gave up".into()))
        });
        assert!(failed.is_err() && !s.contains(Table::Meta, b"half").unwrap());
    }

    #[test]
    fn make_durable_commits_only_when_no_durable_write_has_carried_the_deferral() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.redb");
        {
            let s = Store::open_file(&path).unwrap();
            let carried = s.defer_write(|w| w.put(Table::Chain, b"1", &1u8)).unwrap();
            s.put(Table::Safety, b"vote", &2u8).unwrap();
            s.make_durable(carried).unwrap();
            assert_eq!(s.deferred().durable_commits, 1, "the vote's write carried the commit: no second commit");
            let alone = s.defer_write(|w| w.put(Table::Chain, b"2", &3u8)).unwrap();
            s.write_lazy(|w| w.put(Table::Meta, b"lazy", &4u8)).unwrap();
            s.make_durable(alone).unwrap();
            assert_eq!(s.deferred().durable_commits, 2, "a lazy write does not make it durable: make_durable commits");
        }
        let s = Store::open_file(&path).unwrap();
        for (key, value) in [(b"1", 1u8), (b"2", 3)] {
            assert_eq!(s.get::<u8>(Table::Chain, key).unwrap(), Some(value));
        }
    }

    #[test]
    fn corrupt_values_are_errors_not_panics() {
        let s = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
        s.put(Table::Meta, b"k", &1u8).unwrap();
        assert!(s.get::<(u64, u64, u64, u64)>(Table::Meta, b"k").is_err());
    }
}
