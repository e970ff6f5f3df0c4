//! Bit paths through the trie.

use starknet_types_core::felt::Felt;

/// A run of `len` bits, most significant first, held as the integer they spell (the
/// form Starknet hashes into an edge node).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Path {
    /// The bits read as a big-endian integer; always below `2^len`.
    pub value: Felt,
    /// How many bits the path has (0 ..= 251).
    pub len: u8,
}

impl Path {
    /// The path of no bits.
    pub const EMPTY: Path = Path {
        value: Felt::ZERO,
        len: 0,
    };

    /// Whether the path has no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `bit` followed by this path.
    pub fn prepend(&self, bit: bool) -> Path {
        let high = if bit { pow2(self.len) } else { Felt::ZERO };
        Path {
            value: self.value + high,
            len: self.len + 1,
        }
    }

    /// The first bit and the path after it. Panics on the empty path.
    pub fn split_first(&self) -> (bool, Path) {
        assert!(!self.is_empty(), "split_first on an empty path");
        let len = self.len - 1;
        let bit = self.value.to_bits_le()[len as usize];
        let value = if bit {
            self.value - pow2(len)
        } else {
            self.value
        };
        (bit, Path { value, len })
    }

    /// The bits `from..to` (depths, counted from the top) of a key in a trie of `height`.
    pub fn of_key(key: &Felt, height: u8, from: u8, to: u8) -> Path {
        let bits = key.to_bits_le();
        (from..to).fold(Path::EMPTY, |p, depth| {
            let bit = bits[key_bit_index(height, depth)];
            Path {
                value: p.value.double() + Felt::from(bit as u8),
                len: p.len + 1,
            }
        })
    }
}

/// The index in `to_bits_le()` of the key bit chosen at `depth` (0 = root) in a trie of
/// `height`: depth 0 reads the most significant of the `height` key bits.
pub(crate) fn key_bit_index(height: u8, depth: u8) -> usize {
    (height - 1 - depth) as usize
}

fn pow2(n: u8) -> Felt {
    Felt::TWO.pow(n as u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepend_then_split_round_trips() {
        let p = Path {
            value: Felt::from(0b101u64),
            len: 3,
        };
        let q = p.prepend(true);
        assert_eq!(
            q,
            Path {
                value: Felt::from(0b1101u64),
                len: 4
            }
        );
        assert_eq!(q.split_first(), (true, p));
        let r = p.prepend(false);
        assert_eq!(
            r,
            Path {
                value: Felt::from(0b101u64),
                len: 4
            }
        );
        assert_eq!(r.split_first(), (false, p));
    }

    #[test]
    fn key_paths_read_msb_first() {
        // Height 4, key 0b0110: depths 1..3 spell 0b11.
        let key = Felt::from(0b0110u64);
        assert_eq!(
            Path::of_key(&key, 4, 1, 3),
            Path {
                value: Felt::from(3u64),
                len: 2
            }
        );
        assert_eq!(Path::of_key(&key, 4, 0, 4), Path { value: key, len: 4 });
    }
}
