//! Bit paths through the trie.

use starknet_types_core::felt::Felt;

/// A run of `len` bits, most significant first: the integer they spell, which is the form
/// Starknet hashes into an edge node. The bits are kept as a plain 256-bit integer, not a
/// felt, because an update walks a long edge one bit at a time: a step is then a shift
/// and a mask, where on a felt it was an exponentiation and a conversion out of
/// Montgomery form (a twentieth of a node's CPU under load, measured).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "StoredPath", try_from = "StoredPath")]
pub struct Path {
    /// The bits as an integer, least significant limb first; always below `2^len`.
    bits: [u64; 4],
    /// How many bits the path has (0 ..= 251).
    len: u8,
}

impl Path {
    /// The path of no bits.
    pub const EMPTY: Path = Path {
        bits: [0; 4],
        len: 0,
    };

    /// The path of `len` bits spelling `value`, or `None` if `value` does not fit in
    /// `len` bits or `len` passes [`STATE_TRIE_HEIGHT`](super::STATE_TRIE_HEIGHT).
    pub fn new(value: &Felt, len: u8) -> Option<Path> {
        (len <= super::STATE_TRIE_HEIGHT && value.bits() <= len as usize).then(|| Path {
            bits: value.to_le_digits(),
            len,
        })
    }

    /// The integer the bits spell, as hashed into an edge node.
    pub fn value(&self) -> Felt {
        let mut bytes = [0u8; 32];
        for (chunk, limb) in bytes.chunks_exact_mut(8).zip(self.bits) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        Felt::from_bytes_le(&bytes)
    }

    /// How many bits the path has.
    pub fn len(&self) -> u8 {
        self.len
    }

    /// Whether the path has no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `bit` followed by this path.
    pub fn prepend(&self, bit: bool) -> Path {
        let mut bits = self.bits;
        if bit {
            set_bit(&mut bits, self.len as usize);
        }
        Path {
            bits,
            len: self.len + 1,
        }
    }

    /// The first bit and the path after it. Panics on the empty path.
    pub fn split_first(&self) -> (bool, Path) {
        assert!(!self.is_empty(), "split_first on an empty path");
        let len = self.len - 1;
        let mut bits = self.bits;
        let bit = get_bit(&bits, len as usize);
        clear_bit(&mut bits, len as usize);
        (bit, Path { bits, len })
    }

    /// The bits `from..to` (depths, counted from the top) of a key in a trie of `height`:
    /// the key shifted right by `height - to`, cut to `to - from` bits.
    pub fn of_key(key: &Felt, height: u8, from: u8, to: u8) -> Path {
        assert!(from <= to && to <= height, "bits {from}..{to} of a {height}-bit key");
        let digits = key.to_le_digits();
        let len = to - from;
        let shift = (height - to) as usize;
        let mut bits = [0u64; 4];
        for i in 0..len as usize {
            if get_bit(&digits, shift + i) {
                set_bit(&mut bits, i);
            }
        }
        Path { bits, len }
    }
}

/// The index in `to_bits_le()` of the key bit chosen at `depth` (0 = root) in a trie of
/// `height`: depth 0 reads the most significant of the `height` key bits.
pub(crate) fn key_bit_index(height: u8, depth: u8) -> usize {
    (height - 1 - depth) as usize
}

fn get_bit(limbs: &[u64; 4], i: usize) -> bool {
    (limbs[i / 64] >> (i % 64)) & 1 == 1
}

fn set_bit(limbs: &mut [u64; 4], i: usize) {
    limbs[i / 64] |= 1 << (i % 64);
}

fn clear_bit(limbs: &mut [u64; 4], i: usize) {
    limbs[i / 64] &= !(1 << (i % 64));
}

/// A path as stored: the felt its bits spell and their count (the format stores were
/// written in before paths kept plain bits, so they still read).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct StoredPath {
    value: Felt,
    len: u8,
}

impl From<Path> for StoredPath {
    fn from(path: Path) -> Self {
        StoredPath {
            value: path.value(),
            len: path.len,
        }
    }
}

impl TryFrom<StoredPath> for Path {
    type Error = String;

    fn try_from(stored: StoredPath) -> Result<Self, Self::Error> {
        Path::new(&stored.value, stored.len).ok_or_else(|| {
            format!(
                "a stored trie path {:#x} of {} bits does not fit its length",
                stored.value, stored.len
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(value: u64, len: u8) -> Path {
        Path::new(&Felt::from(value), len).unwrap()
    }

    #[test]
    fn prepend_then_split_round_trips() {
        let p = path(0b101, 3);
        let q = p.prepend(true);
        assert_eq!(q, path(0b1101, 4));
        assert_eq!(q.split_first(), (true, p));
        let r = p.prepend(false);
        assert_eq!(r, path(0b101, 4));
        assert_eq!(r.split_first(), (false, p));
    }

    #[test]
    fn a_long_path_walks_across_limbs() {
        // 251 bits, the top one set: split it off and put it back, through every limb.
        let key = Felt::TWO.pow(250u32) + Felt::from(0b1011u64);
        let full = Path::new(&key, 251).unwrap();
        let (bit, rest) = full.split_first();
        assert!(bit);
        assert_eq!(rest.value(), Felt::from(0b1011u64));
        assert_eq!(rest.len(), 250);
        assert_eq!(rest.prepend(true), full);
        assert_eq!(full.value(), key);
    }

    #[test]
    fn key_paths_read_msb_first() {
        // Height 4, key 0b0110: depths 1..3 spell 0b11.
        let key = Felt::from(0b0110u64);
        assert_eq!(Path::of_key(&key, 4, 1, 3), path(3, 2));
        assert_eq!(Path::of_key(&key, 4, 0, 4), path(0b0110, 4));
        // A full-height key keeps every bit; its tail past depth 200 is its low 51 bits.
        let key = Felt::from_hex_unchecked("0x7fb2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9");
        assert_eq!(Path::of_key(&key, 251, 0, 251).value(), key);
        let low = key.to_le_digits()[0] & ((1 << 51) - 1);
        assert_eq!(Path::of_key(&key, 251, 200, 251), path(low, 51));
    }

    #[test]
    fn a_value_that_does_not_fit_its_length_is_refused() {
        assert!(Path::new(&Felt::from(0b100u64), 2).is_none());
        assert!(Path::new(&Felt::ZERO, 252).is_none());
        assert!(Path::new(&Felt::from(0b11u64), 2).is_some());
    }

    #[test]
    fn paths_are_stored_as_a_felt_and_a_length() {
        // The stored form is the one written before paths kept plain bits.
        #[derive(serde::Serialize)]
        struct Before {
            value: Felt,
            len: u8,
        }
        let p = path(0b1101, 4);
        let stored = serde_json::to_string(&p).unwrap();
        let before = Before {
            value: Felt::from(0b1101u64),
            len: 4,
        };
        assert_eq!(stored, serde_json::to_string(&before).unwrap());
        assert_eq!(serde_json::from_str::<Path>(&stored).unwrap(), p);
        let err = serde_json::from_str::<Path>(r#"{"value":"0xff","len":4}"#).unwrap_err();
        assert!(err.to_string().contains("does not fit its length"), "{err}");
    }
}
