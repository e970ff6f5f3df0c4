//! Incremental trie updates over a [`NodeStore`].
//!
//! The update descends only along changed keys. A non-empty subtree is carried as a
//! [`Sub`]: either the hash of a stored node not yet read, or a shape (a possibly empty
//! path leading to a binary node or a leaf). Shapes let a parent whose sibling vanished
//! merge into the edge below it, keeping edges maximal, before anything is hashed.

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

use super::node::{BinaryNode, EdgeNode, Node};
use super::path::{key_bit_index, Path};
use super::store::{NodeStore, TrieError};

/// Writes `changes` (key, value; zero deletes) into the trie of `height` whose root is
/// `root` (0 for the empty trie), putting new nodes into `store`, and returns the new
/// root. When a key repeats, its last value counts.
///
/// Panics if a key does not fit in `height` bits.
pub fn update<H: StarkHash, S: NodeStore + ?Sized>(
    store: &mut S,
    height: u8,
    root: Felt,
    changes: &[(Felt, Felt)],
) -> Result<Felt, TrieError> {
    let mut sorted: Vec<Change> = Vec::with_capacity(changes.len());
    for &(key, value) in changes {
        assert!(
            key.bits() <= height as usize,
            "key {key:#x} does not fit in {height} bits"
        );
        sorted.push(Change {
            key: key.to_bytes_be(),
            bits: key.to_bits_le(),
            value,
        });
    }
    sorted.sort_by_key(|c| c.key);
    // After a stable sort the last of equal keys is the latest write.
    let mut unique: Vec<Change> = Vec::with_capacity(sorted.len());
    for change in sorted {
        match unique.last_mut() {
            Some(last) if last.key == change.key => *last = change,
            _ => unique.push(change),
        }
    }
    let mut updater = Updater::<H, S> {
        store,
        height,
        hash: std::marker::PhantomData,
    };
    let start = (root != Felt::ZERO).then_some(Sub::Stored(root));
    match updater.apply(start, 0, &unique)? {
        Some(sub) => updater.commit(sub),
        None => Ok(Felt::ZERO),
    }
}

struct Change {
    key: [u8; 32],
    bits: [bool; 256],
    value: Felt,
}

/// A non-empty subtree at some depth.
enum Sub {
    /// The hash of the node at this depth, not read from the store yet.
    Stored(Felt),
    /// `path` from this depth down to `target`, a binary node or a leaf, by hash.
    Shape { path: Path, target: Felt },
}

struct Updater<'a, H, S: ?Sized> {
    store: &'a mut S,
    height: u8,
    hash: std::marker::PhantomData<H>,
}

impl<H: StarkHash, S: NodeStore + ?Sized> Updater<'_, H, S> {
    fn apply(
        &mut self,
        sub: Option<Sub>,
        depth: u8,
        changes: &[Change],
    ) -> Result<Option<Sub>, TrieError> {
        if changes.is_empty() {
            return Ok(sub);
        }
        if depth == self.height {
            let value = changes[changes.len() - 1].value;
            return Ok((value != Felt::ZERO).then_some(Sub::Shape {
                path: Path::EMPTY,
                target: value,
            }));
        }
        let (left, right) = self.split(sub, depth)?;
        let bit = key_bit_index(self.height, depth);
        let at = changes.partition_point(|c| !c.bits[bit]);
        let left = self.apply(left, depth + 1, &changes[..at])?;
        let right = self.apply(right, depth + 1, &changes[at..])?;
        Ok(match (left, right) {
            (None, None) => None,
            (Some(only), None) => Some(self.extend(only, false, depth + 1)?),
            (None, Some(only)) => Some(self.extend(only, true, depth + 1)?),
            (Some(left), Some(right)) => {
                let node = BinaryNode {
                    left: self.commit(left)?,
                    right: self.commit(right)?,
                };
                let hash = node.hash::<H>();
                self.store.put_node(hash, Node::Binary(node))?;
                Some(Sub::Shape {
                    path: Path::EMPTY,
                    target: hash,
                })
            }
        })
    }

    /// The children of `sub` (at `depth` < height) under bit 0 and bit 1.
    fn split(
        &mut self,
        sub: Option<Sub>,
        depth: u8,
    ) -> Result<(Option<Sub>, Option<Sub>), TrieError> {
        let Some(sub) = sub else {
            return Ok((None, None));
        };
        let (path, target) = self.shape(sub, depth)?;
        if path.is_empty() {
            return match self.load(target)? {
                Node::Binary(b) => Ok((Some(Sub::Stored(b.left)), Some(Sub::Stored(b.right)))),
                Node::Edge(_) => Err(TrieError::Storage(format!(
                    "{target:#x} is an edge where a binary node was expected"
                ))),
            };
        }
        let (bit, rest) = path.split_first();
        let child = Some(Sub::Shape { path: rest, target });
        Ok(if bit { (None, child) } else { (child, None) })
    }

    /// `sub` (at `depth`) seen from one level up, through `bit`: its path grows by one.
    fn extend(&mut self, sub: Sub, bit: bool, depth: u8) -> Result<Sub, TrieError> {
        let (path, target) = self.shape(sub, depth)?;
        Ok(Sub::Shape {
            path: path.prepend(bit),
            target,
        })
    }

    /// `sub` (at `depth`) as a path and its target, reading a stored edge if need be.
    fn shape(&mut self, sub: Sub, depth: u8) -> Result<(Path, Felt), TrieError> {
        match sub {
            Sub::Shape { path, target } => Ok((path, target)),
            // At full depth the hash is a leaf value, which is never stored.
            Sub::Stored(hash) if depth == self.height => Ok((Path::EMPTY, hash)),
            Sub::Stored(hash) => match self.load(hash)? {
                Node::Binary(_) => Ok((Path::EMPTY, hash)),
                Node::Edge(e) => Ok((e.path, e.child)),
            },
        }
    }

    /// The hash of `sub`, storing the edge it describes if it has one.
    fn commit(&mut self, sub: Sub) -> Result<Felt, TrieError> {
        match sub {
            Sub::Stored(hash) => Ok(hash),
            Sub::Shape { path, target } if path.is_empty() => Ok(target),
            Sub::Shape { path, target } => {
                let edge = EdgeNode {
                    child: target,
                    path,
                };
                let hash = edge.hash::<H>();
                self.store.put_node(hash, Node::Edge(edge))?;
                Ok(hash)
            }
        }
    }

    fn load(&self, hash: Felt) -> Result<Node, TrieError> {
        self.store
            .get_node(&hash)?
            .ok_or(TrieError::MissingNode(hash))
    }
}
