//! Merkle commitments of LDE rows, on lambdaworks' Merkle tree (Keccak256 nodes).
//! A leaf is the digest of a row pair (positions j and j + size/2, so one path opens the
//! x and -x that FRI needs); leaf digests are computed straight from the columns, so the
//! prover never copies the LDE into leaf vectors. The verifier always checks the path
//! length, which lambdaworks' `Proof::verify` does not.

use crate::field::{fe_to_bytes, FE};
#[cfg(feature = "prover")]
use lambdaworks_crypto::merkle_tree::merkle::MerkleTree;
use lambdaworks_crypto::merkle_tree::proof::Proof;
use lambdaworks_crypto::merkle_tree::traits::IsMerkleTreeBackend;
use sha3::{Digest as _, Keccak256};

pub type Digest = [u8; 32];

/// Tree over precomputed leaf digests.
#[derive(Clone, Default)]
pub struct DigestBackend;

impl IsMerkleTreeBackend for DigestBackend {
    type Node = Digest;
    type Data = Digest;
    fn hash_data(leaf: &Digest) -> Digest {
        *leaf
    }
    fn hash_new_parent(l: &Digest, r: &Digest) -> Digest {
        let mut h = Keccak256::new();
        h.update(l);
        h.update(r);
        h.finalize().into()
    }
}

/// Keccak256 of the canonical big-endian bytes of the leaf's values.
pub fn leaf_digest<'a>(values: impl IntoIterator<Item = &'a FE>) -> Digest {
    let mut h = Keccak256::new();
    for v in values {
        h.update(fe_to_bytes(v));
    }
    h.finalize().into()
}

#[cfg(feature = "prover")]
pub struct Commitment {
    tree: MerkleTree<DigestBackend>,
    pub root: Digest,
}

#[cfg(feature = "prover")]
impl Commitment {
    pub fn from_digests(leaves: &[Digest]) -> Self {
        let tree = MerkleTree::<DigestBackend>::build(leaves).expect("at least one leaf");
        let root = tree.root;
        Commitment { tree, root }
    }

    /// Commits to row pairs (j, j + m/2) of equal-length columns of length m.
    pub fn from_columns(cols: &[&Vec<FE>]) -> Self {
        let half = cols.first().map(|c| c.len() / 2).unwrap_or(1);
        let idx: Vec<usize> = (0..half).collect();
        // Hashed straight from the columns, as `row_pair` orders them, without a copy.
        let pair = |j: usize| cols.iter().map(move |c| &c[j]).chain(cols.iter().map(move |c| &c[j + half]));
        let digests = crate::par::map(&idx, |&j| leaf_digest(pair(j)));
        Self::from_digests(&digests)
    }

    pub fn path(&self, index: usize) -> Vec<Digest> {
        self.tree.get_proof_by_pos(index).map(|p| p.merkle_path).unwrap_or_default()
    }
}

/// Values of leaf j: row j then row j + m/2.
#[cfg(feature = "prover")]
pub fn row_pair(cols: &[&Vec<FE>], j: usize) -> Vec<FE> {
    let half = cols.first().map(|c| c.len() / 2).unwrap_or(0);
    let mut v = Vec::with_capacity(2 * cols.len());
    v.extend(cols.iter().map(|c| c[j]));
    v.extend(cols.iter().map(|c| c[j + half]));
    v
}

/// Checks that `leaf` sits at `index` of a tree of `depth` levels under `root`.
pub fn verify_path(root: &Digest, depth: usize, index: usize, leaf: &[FE], path: &[Digest]) -> bool {
    if path.len() != depth || (depth < usize::BITS as usize && index >> depth != 0) {
        return false;
    }
    let proof = Proof { merkle_path: path.to_vec() };
    proof.verify::<DigestBackend>(root, index, &leaf_digest(leaf.iter()))
}

#[cfg(all(test, feature = "prover"))]
mod tests {
    use super::*;
    use crate::field::fe;

    #[test]
    fn open_and_reject_tampering() {
        let a: Vec<FE> = (0..16u64).map(fe).collect();
        let b: Vec<FE> = (0..16u64).map(|i| fe(i * i)).collect();
        let cols = [&a, &b];
        let c = Commitment::from_columns(&cols);
        for j in 0..8 {
            assert!(verify_path(&c.root, 3, j, &row_pair(&cols, j), &c.path(j)));
        }
        let leaf = row_pair(&cols, 5);
        let p = c.path(5);
        assert!(!verify_path(&c.root, 3, 4, &leaf, &p));
        let mut bad = leaf.clone();
        bad[3] += fe(1);
        assert!(!verify_path(&c.root, 3, 5, &bad, &p));
        assert!(!verify_path(&c.root, 2, 5, &leaf, &p[..2]));
        assert!(!verify_path(&c.root, 3, 13, &leaf, &p));
    }
}
