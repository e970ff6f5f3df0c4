//! A node's simulated disk: bytes that survive crash and restart of the node process.
//!
//! The world owns one [`SimDisk`] per node copy and hands each incarnation a
//! [`DiskHandle`]. Crashing a node [fences](SimDisk::fence) the disk: every handle of an
//! older generation then fails each call with an I/O error, so a killed process's
//! leftover tasks or objects can never write to the disk again. Writes are durable as
//! soon as they return; `sync` only checks the fence.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

struct Inner {
    bytes: Mutex<Vec<u8>>,
    generation: AtomicU64,
}

/// The disk itself, owned by the world (cheap to clone; clones share the bytes).
#[derive(Clone)]
pub struct SimDisk {
    inner: Arc<Inner>,
}

impl Default for SimDisk {
    fn default() -> Self {
        SimDisk::new()
    }
}

impl std::fmt::Debug for SimDisk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimDisk")
            .field("len", &self.snapshot().len())
            .field("generation", &self.generation())
            .finish()
    }
}

impl SimDisk {
    /// An empty disk at generation 0.
    pub fn new() -> Self {
        SimDisk {
            inner: Arc::new(Inner {
                bytes: Mutex::new(Vec::new()),
                generation: AtomicU64::new(0),
            }),
        }
    }

    /// A handle for the current generation.
    pub fn handle(&self) -> DiskHandle {
        DiskHandle {
            inner: self.inner.clone(),
            generation: self.generation(),
        }
    }

    /// Starts a new generation: every handle given out before now fails from here on.
    pub fn fence(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The current generation (0 at creation, +1 per fence).
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::SeqCst)
    }

    /// A copy of the current contents.
    pub fn snapshot(&self) -> Vec<u8> {
        self.inner.bytes.lock().expect("disk lock").clone()
    }
}

/// One incarnation's access to a [`SimDisk`]; cheap to clone.
#[derive(Clone)]
pub struct DiskHandle {
    inner: Arc<Inner>,
    generation: u64,
}

impl std::fmt::Debug for DiskHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiskHandle")
            .field("generation", &self.generation)
            .finish()
    }
}

impl DiskHandle {
    fn bytes(&self) -> io::Result<std::sync::MutexGuard<'_, Vec<u8>>> {
        let bytes = self
            .inner
            .bytes
            .lock()
            .map_err(|_| io::Error::other("disk lock poisoned"))?;
        let current = self.inner.generation.load(Ordering::SeqCst);
        if current != self.generation {
            return Err(io::Error::other(format!(
                "disk handle of generation {} is fenced (the node crashed; disk is at generation {current})",
                self.generation
            )));
        }
        Ok(bytes)
    }

    /// Fills `buf` from `offset`; fails with `UnexpectedEof` past the end.
    pub fn read(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let bytes = self.bytes()?;
        let start =
            usize::try_from(offset).map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        let end = start
            .checked_add(buf.len())
            .filter(|&end| end <= bytes.len());
        let end = end.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "read of {} bytes at {offset} past the end ({})",
                    buf.len(),
                    bytes.len()
                ),
            )
        })?;
        buf.copy_from_slice(&bytes[start..end]);
        Ok(())
    }

    /// Writes `data` at `offset`, growing the disk (zero-filled) as needed.
    pub fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut bytes = self.bytes()?;
        let start = usize::try_from(offset).map_err(io::Error::other)?;
        let end = start + data.len();
        if bytes.len() < end {
            bytes.resize(end, 0);
        }
        bytes[start..end].copy_from_slice(data);
        Ok(())
    }

    /// Current length in bytes.
    pub fn len(&self) -> io::Result<u64> {
        Ok(self.bytes()?.len() as u64)
    }

    /// Whether the disk holds no bytes.
    pub fn is_empty(&self) -> io::Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Truncates or zero-extends to `len` bytes.
    pub fn set_len(&self, len: u64) -> io::Result<()> {
        let mut bytes = self.bytes()?;
        bytes.resize(usize::try_from(len).map_err(io::Error::other)?, 0);
        Ok(())
    }

    /// Flushes (a no-op: writes are durable at once), failing if fenced.
    pub fn sync(&self) -> io::Result<()> {
        self.bytes().map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_writes_and_grows() {
        let disk = SimDisk::new();
        let h = disk.handle();
        assert!(h.is_empty().unwrap());
        h.write(4, b"abc").unwrap();
        assert_eq!(h.len().unwrap(), 7);
        let mut buf = [9u8; 7];
        h.read(0, &mut buf).unwrap();
        assert_eq!(&buf, b"\0\0\0\0abc");
        h.set_len(5).unwrap();
        assert_eq!(disk.snapshot(), b"\0\0\0\0a");
        h.sync().unwrap();
    }

    #[test]
    fn read_past_end_fails() {
        let h = SimDisk::new().handle();
        h.write(0, b"ab").unwrap();
        let mut buf = [0u8; 3];
        assert_eq!(
            h.read(0, &mut buf).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
    }

    #[test]
    fn fencing_fails_old_handles_and_keeps_bytes() {
        let disk = SimDisk::new();
        let old = disk.handle();
        old.write(0, b"kept").unwrap();
        disk.fence();
        assert_eq!(disk.generation(), 1);
        assert!(old.write(0, b"lost").is_err());
        assert!(old.read(0, &mut [0u8; 4]).is_err());
        assert!(old.len().is_err() && old.set_len(0).is_err() && old.sync().is_err());
        let new = disk.handle();
        let mut buf = [0u8; 4];
        new.read(0, &mut buf).unwrap();
        assert_eq!(&buf, b"kept");
    }
}
