//! The bytes of one disk as the OS shows them (every write applied, as in a page cache),
//! with an undo log back to what is durable (everything up to the last sync).
//!
//! Keeping the latest bytes plus the pre-images of unsynced changes costs one copy of the
//! disk and makes reads plain slices; a crash rolls the log back, newest first.

use rand::Rng;
use serde::Serialize;

/// One unsynced change, undone by putting `old` back at `offset` and resizing to `len`.
struct Undo {
    len: usize,
    offset: usize,
    old: Vec<u8>,
}

/// What a crash did to the writes not yet synced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CrashReport {
    /// Unsynced writes rolled back.
    pub lost_writes: usize,
    /// Their bytes.
    pub lost_bytes: u64,
    /// Unsynced length changes rolled back.
    pub lost_resizes: usize,
    /// The last unsynced write, of which only a prefix reached the platter.
    pub torn: Option<Torn>,
}

impl CrashReport {
    /// Whether the crash changed nothing.
    pub fn is_empty(&self) -> bool {
        *self == CrashReport::default()
    }
}

/// A write cut short by a crash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Torn {
    /// Where it started.
    pub offset: u64,
    /// Its full length.
    pub len: u64,
    /// How many of its first bytes survived (0 < kept < len).
    pub kept: u64,
}

/// Where the last write went: its bytes are the image's own there, as nothing was written
/// after it, until a shrink cuts into them (then they are kept aside). Not copied on every
/// write: the simulated disk takes every page the store writes.
enum LastWrite {
    At { offset: usize, len: usize },
    Kept { offset: usize, data: Vec<u8> },
}

#[derive(Default)]
pub struct Image {
    bytes: Vec<u8>,
    undo: Vec<Undo>,
    unsynced_writes: usize,
    unsynced_bytes: u64,
    /// The last unsynced write, which a crash may tear.
    last_write: Option<LastWrite>,
}

impl Image {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn write(&mut self, offset: usize, data: &[u8]) {
        let end = offset + data.len();
        self.remember(offset, end);
        if self.bytes.len() < end {
            self.bytes.resize(end, 0);
        }
        self.bytes[offset..end].copy_from_slice(data);
        self.unsynced_writes += 1;
        self.unsynced_bytes += data.len() as u64;
        self.last_write = Some(LastWrite::At { offset, len: data.len() });
    }

    pub fn set_len(&mut self, len: usize) {
        let old_len = self.bytes.len();
        self.remember(len.min(old_len), old_len);
        if let Some(LastWrite::At { offset, len: n }) = self.last_write {
            if offset + n > len {
                self.last_write = Some(LastWrite::Kept { offset, data: self.bytes[offset..offset + n].to_vec() });
            }
        }
        self.bytes.resize(len, 0);
    }

    /// Saves the bytes of `offset..end` that exist now, and the length.
    fn remember(&mut self, offset: usize, end: usize) {
        let len = self.bytes.len();
        let offset = offset.min(len);
        let old = self.bytes[offset..end.min(len)].to_vec();
        self.undo.push(Undo { len, offset, old });
    }

    /// Everything written so far is durable.
    pub fn sync(&mut self) {
        *self = Image {
            bytes: std::mem::take(&mut self.bytes),
            ..Image::default()
        };
    }

    /// Loses every unsynced change; with `tear`, a prefix of the last unsynced write
    /// (its length drawn from `tear`) survives anyway. Leaves the image synced.
    pub fn crash(&mut self, tear: Option<&mut impl Rng>) -> CrashReport {
        let lost_resizes = self.undo.len() - self.unsynced_writes;
        let last_write = self.last_write.take().map(|w| match w {
            LastWrite::At { offset, len } => (offset, self.bytes[offset..offset + len].to_vec()),
            LastWrite::Kept { offset, data } => (offset, data),
        });
        for undo in self.undo.drain(..).rev() {
            let end = undo.offset + undo.old.len();
            if self.bytes.len() < end {
                self.bytes.resize(end, 0);
            }
            self.bytes[undo.offset..end].copy_from_slice(&undo.old);
            self.bytes.resize(undo.len, 0);
        }
        let torn = match (tear, last_write) {
            // A 1-byte write cannot tear: single bytes are atomic.
            (Some(rng), Some((offset, data))) if data.len() >= 2 => {
                let kept = rng.gen_range(1..data.len());
                let end = offset + kept;
                if self.bytes.len() < end {
                    self.bytes.resize(end, 0);
                }
                self.bytes[offset..end].copy_from_slice(&data[..kept]);
                Some(Torn {
                    offset: offset as u64,
                    len: data.len() as u64,
                    kept: kept as u64,
                })
            }
            _ => None,
        };
        let report = CrashReport {
            lost_writes: self.unsynced_writes,
            lost_bytes: self.unsynced_bytes,
            lost_resizes,
            torn,
        };
        self.sync();
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn no_tear() -> Option<&'static mut ChaCha8Rng> {
        None
    }

    #[test]
    fn crash_rolls_back_to_the_last_sync() {
        let mut image = Image::default();
        image.write(0, b"durable");
        image.sync();
        image.write(4, b"XYZWVU");
        image.set_len(3);
        image.write(8, b"q");
        image.set_len(20);
        assert_eq!(image.bytes().len(), 20);
        let report = image.crash(no_tear());
        assert_eq!(image.bytes(), b"durable");
        assert_eq!(
            report,
            CrashReport {
                lost_writes: 2,
                lost_bytes: 7,
                lost_resizes: 2,
                torn: None
            }
        );
        // The crash left it synced: a second crash loses nothing.
        assert!(image.crash(no_tear()).is_empty());
    }

    #[test]
    fn a_torn_write_keeps_a_strict_prefix_of_the_last_write_only() {
        for seed in 0..20 {
            let mut image = Image::default();
            image.write(0, b"0123456789");
            image.sync();
            image.write(0, b"lost");
            image.write(6, b"abcdefgh");
            let report = image.crash(Some(&mut ChaCha8Rng::seed_from_u64(seed)));
            let torn = report.torn.expect("torn");
            assert_eq!((torn.offset, torn.len), (6, 8));
            let kept = torn.kept as usize;
            assert!((1..8).contains(&kept));
            let mut expected = b"0123456789".to_vec();
            expected.resize(6 + kept.max(4), 0);
            expected[6..6 + kept].copy_from_slice(&b"abcdefgh"[..kept]);
            assert_eq!(image.bytes(), expected, "seed {seed}");
        }
    }

    #[test]
    fn a_shrink_after_the_last_write_does_not_change_what_a_tear_keeps() {
        let mut image = Image::default();
        image.write(0, b"0123456789");
        image.sync();
        image.write(2, b"abcdefgh");
        image.set_len(4);
        image.set_len(12);
        let report = image.crash(Some(&mut ChaCha8Rng::seed_from_u64(3)));
        let torn = report.torn.expect("torn");
        assert_eq!((torn.offset, torn.len), (2, 8));
        let kept = torn.kept as usize;
        assert_eq!(&image.bytes()[2..2 + kept], &b"abcdefgh"[..kept], "a prefix of what was written, not of the zeros after the shrink");
    }

    #[test]
    fn nothing_unsynced_nothing_torn() {
        let mut image = Image::default();
        image.write(0, b"abc");
        image.sync();
        image.set_len(1);
        let report = image.crash(Some(&mut ChaCha8Rng::seed_from_u64(1)));
        assert_eq!(image.bytes(), b"abc");
        assert_eq!(report.lost_resizes, 1);
        assert_eq!(report.torn, None);
    }
}
