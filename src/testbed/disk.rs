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
