//! redb storage over a simulated node's disk, which outlives crashes of the node.

use crate::storage::StorageParams;
use kraken_sim::disk::DiskHandle;
use std::io;

#[derive(Debug)]
pub struct SimBackend {
    disk: DiskHandle,
    /// The test-only bug `storage.unsafe_skip_sync`: redb's syncs never reach the disk.
    skip_sync: bool,
}

impl SimBackend {
    pub fn new(disk: DiskHandle) -> Self {
        SimBackend { disk, skip_sync: false }
    }

    /// A backend as the node's `[storage]` parameters say.
    pub fn with_params(disk: DiskHandle, params: &StorageParams) -> Self {
        SimBackend { disk, skip_sync: params.unsafe_skip_sync }
    }
}

impl redb::StorageBackend for SimBackend {
    fn len(&self) -> io::Result<u64> {
        self.disk.len()
    }

    fn read(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let mut buf = vec![0; len];
        self.disk.read(offset, &mut buf)?;
        Ok(buf)
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        self.disk.set_len(len)
    }

    fn sync_data(&self, _eventual: bool) -> io::Result<()> {
        if self.skip_sync {
            return Ok(());
        }
        self.disk.sync()
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.disk.write(offset, data)
    }
}

#[cfg(test)]
mod tests {
    use kraken_sim::disk::SimDisk;

    use super::SimBackend;
    use crate::storage::{Store, Table};

    fn open(disk: &SimDisk) -> Store {
        Store::open_backend(SimBackend::new(disk.handle())).expect("the store opens")
    }

    fn has(store: &Store, key: &[u8]) -> bool {
        store.contains(Table::Meta, key).unwrap()
    }

    #[test]
    fn a_lazy_write_is_seen_at_once_and_reaches_the_disk_with_the_next_durable_one() {
        let disk = SimDisk::new();
        let store = open(&disk);
        store.put(Table::Meta, b"durable", &1u8).unwrap();
        store.write_lazy(|w| w.put(Table::Meta, b"lazy", &2u8)).unwrap();
        assert_eq!(store.get::<u8>(Table::Meta, b"lazy").unwrap(), Some(2));
        // The machine goes down before the process can close the store (a clean close
        // would sync everything).
        disk.crash();
        drop(store);

        // The crash took the lazy write whole, and nothing before it.
        let store = open(&disk);
        assert!(has(&store, b"durable"));
        assert!(!has(&store, b"lazy"));

        store.write_lazy(|w| w.put(Table::Meta, b"lazy", &3u8)).unwrap();
        store.put(Table::Meta, b"later", &4u8).unwrap();
        disk.crash();
        drop(store);
        let store = open(&disk);
        assert_eq!(store.get::<u8>(Table::Meta, b"lazy").unwrap(), Some(3));
        assert!(has(&store, b"later"));
    }
}
