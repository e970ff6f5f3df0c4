//! A node's simulated disk: bytes that survive crash and restart of the node, with the
//! faults a real disk has.
//!
//! The world owns one [`SimDisk`] per node copy and hands each incarnation a
//! [`DiskHandle`]. Reads see every write at once, as a page cache would; a write is
//! durable only once a `sync` returns. A [crash](SimDisk::crash) (the machine goes down)
//! loses what was not synced when the scenario says so (`[disk] lose_unsynced`), and
//! may keep a prefix of the last unsynced write (`torn_writes`), drawn from the disk's
//! seeded RNG. Injected faults, switched by the world over time: every write and sync
//! failing (EIO), a capacity beyond which writes fail (disk full), and a power cut that
//! crashes the node inside its next sync.
//!
//! Both a crash and the end of a process [fence](SimDisk::fence) the disk: every handle
//! of an older generation then fails each call, so a dead process's leftover tasks can
//! never touch the disk again.

mod image;

pub use image::{CrashReport, Torn};

use crate::scenario::DiskSpec;
use image::Image;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

/// Called once when an armed power cut happens, with what the crash lost.
pub type OnPowerCut = Box<dyn FnOnce(CrashReport) + Send>;

struct State {
    image: Image,
    generation: u64,
    spec: DiskSpec,
    /// Draws torn-write lengths; seeded per disk, so a run's crashes replay exactly.
    rng: ChaCha8Rng,
    /// Every write, resize and sync fails (EIO).
    failing: bool,
    /// Writes that would make the disk longer than this fail (disk full).
    capacity: Option<u64>,
    power_cut: Option<OnPowerCut>,
}

fn eio() -> io::Error {
    io::Error::other("injected disk error (EIO)")
}

impl State {
    fn crash(&mut self) -> CrashReport {
        self.generation += 1;
        if !self.spec.lose_unsynced {
            self.image.sync();
            return CrashReport::default();
        }
        let tear = self.spec.torn_writes.then_some(&mut self.rng);
        self.image.crash(tear)
    }

    fn check_writable(&self, new_len: usize) -> io::Result<()> {
        if self.failing {
            return Err(eio());
        }
        match self.capacity {
            Some(capacity) if new_len as u64 > capacity => Err(io::Error::new(
                io::ErrorKind::StorageFull,
                format!(
                    "disk full: growing to {new_len} bytes exceeds the {capacity}-byte capacity"
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// The disk itself, owned by the world (cheap to clone; clones share the bytes).
#[derive(Clone)]
pub struct SimDisk {
    state: Arc<Mutex<State>>,
}

impl Default for SimDisk {
    fn default() -> Self {
        SimDisk::new()
    }
}

impl std::fmt::Debug for SimDisk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("SimDisk")
            .field("len", &state.image.bytes().len())
            .field("generation", &state.generation)
            .field("spec", &state.spec)
            .finish()
    }
}

impl SimDisk {
    /// An empty disk at generation 0 that crashes as the default `[disk]` says.
    pub fn new() -> Self {
        SimDisk::with_spec(DiskSpec::default(), 0)
    }

    /// An empty disk at generation 0 that crashes as `spec` says, its torn writes drawn
    /// from `seed`.
    pub fn with_spec(spec: DiskSpec, seed: u64) -> Self {
        SimDisk {
            state: Arc::new(Mutex::new(State {
                image: Image::default(),
                generation: 0,
                spec,
                rng: ChaCha8Rng::seed_from_u64(seed),
                failing: false,
                capacity: None,
                power_cut: None,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("disk lock")
    }

    /// A handle for the current generation.
    pub fn handle(&self) -> DiskHandle {
        DiskHandle {
            state: self.state.clone(),
            generation: self.generation(),
        }
    }

    /// The process using the disk is gone: every handle given out before now fails from
    /// here on. Unsynced writes stay (the machine is still up; they are in its cache).
    pub fn fence(&self) {
        self.lock().generation += 1;
    }

    /// The machine went down: fences the disk and, as the scenario says, loses the
    /// writes not synced (tearing the last one).
    pub fn crash(&self) -> CrashReport {
        self.lock().crash()
    }

    /// The current generation (0 at creation, +1 per fence or crash).
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// A copy of the current contents, unsynced writes included.
    pub fn snapshot(&self) -> Vec<u8> {
        self.lock().image.bytes().to_vec()
    }

    /// Every write, resize and sync fails with an I/O error (EIO) from now on.
    pub fn fail(&self) {
        self.lock().failing = true;
    }

    /// Only `free` more bytes fit: a write or resize beyond fails as disk full.
    pub fn fill(&self, free: u64) {
        let mut state = self.lock();
        state.capacity = Some(state.image.bytes().len() as u64 + free);
    }

    /// Lifts [`fail`](Self::fail) and [`fill`](Self::fill).
    pub fn heal(&self) {
        let mut state = self.lock();
        state.failing = false;
        state.capacity = None;
    }

    /// The next sync crashes the disk (as [`crash`](Self::crash)) instead of making its
    /// writes durable, fails, and calls `on_cut`: a power cut in the middle of a commit.
    pub fn arm_power_cut(&self, on_cut: OnPowerCut) {
        self.lock().power_cut = Some(on_cut);
    }

    /// Takes back a power cut that has not happened yet.
    pub fn disarm_power_cut(&self) -> Option<OnPowerCut> {
        self.lock().power_cut.take()
    }
}

/// One incarnation's access to a [`SimDisk`]; cheap to clone.
#[derive(Clone)]
pub struct DiskHandle {
    state: Arc<Mutex<State>>,
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
    fn state(&self) -> io::Result<MutexGuard<'_, State>> {
        let state = self
            .state
            .lock()
            .map_err(|_| io::Error::other("disk lock poisoned"))?;
        if state.generation != self.generation {
            return Err(io::Error::other(format!(
                "disk handle of generation {} is fenced (the node crashed; disk is at generation {})",
                self.generation, state.generation
            )));
        }
        Ok(state)
    }

    /// Fills `buf` from `offset`; fails with `UnexpectedEof` past the end.
    pub fn read(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let state = self.state()?;
        let bytes = state.image.bytes();
        let range = usize::try_from(offset)
            .ok()
            .and_then(|start| Some(start..start.checked_add(buf.len())?))
            .filter(|range| range.end <= bytes.len());
        let range = range.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "read of {} bytes at {offset} past the end ({})",
                    buf.len(),
                    bytes.len()
                ),
            )
        })?;
        buf.copy_from_slice(&bytes[range]);
        Ok(())
    }

    /// Writes `data` at `offset`, growing the disk (zero-filled) as needed.
    pub fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut state = self.state()?;
        let start = usize::try_from(offset).map_err(io::Error::other)?;
        let end = start + data.len();
        state.check_writable(end.max(state.image.bytes().len()))?;
        state.image.write(start, data);
        Ok(())
    }

    /// Current length in bytes.
    pub fn len(&self) -> io::Result<u64> {
        Ok(self.state()?.image.bytes().len() as u64)
    }

    /// Whether the disk holds no bytes.
    pub fn is_empty(&self) -> io::Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Truncates or zero-extends to `len` bytes.
    pub fn set_len(&self, len: u64) -> io::Result<()> {
        let mut state = self.state()?;
        let len = usize::try_from(len).map_err(io::Error::other)?;
        state.check_writable(len)?;
        state.image.set_len(len);
        Ok(())
    }

    /// Makes every write so far durable (or, with a power cut armed, crashes instead).
    pub fn sync(&self) -> io::Result<()> {
        let mut state = self.state()?;
        if state.failing {
            return Err(eio());
        }
        if let Some(on_cut) = state.power_cut.take() {
            let report = state.crash();
            drop(state);
            on_cut(report);
            return Err(io::Error::other("power cut during sync"));
        }
        state.image.sync();
        Ok(())
    }
}

#[cfg(test)]
mod tests;
