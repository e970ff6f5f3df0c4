//! Merkle commitments of LDE rows, on lambdaworks' Merkle tree (Blake2b-256 leaves and
//! nodes: a main-trace commitment hashes every LDE row, and Blake2b hashes about 2.8 times
//! as many bytes a second as Keccak256 on this machine).
//! A leaf is the digest of a row pair (positions j and j + size/2, so one leaf opens the
//! x and -x that FRI needs); leaf digests are computed straight from the columns, so the
//! prover never copies the LDE into leaf vectors.
//!
//! The queries of a proof open a tree together: a batch opening sends each node the
//! verifier cannot compute from the opened leaves once, instead of one path per leaf.
//! Near the root the paths of 40-odd queries share most nodes, so this is about a third
//! smaller than separate paths.

use crate::field::{fe_to_bytes, FE};
#[cfg(feature = "prover")]
use lambdaworks_crypto::merkle_tree::merkle::MerkleTree;
use lambdaworks_crypto::merkle_tree::traits::IsMerkleTreeBackend;
use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest as _};

/// The proof's 256-bit hash for commitments and grinding.
pub type Blake2b256 = Blake2b<U32>;

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
        let mut h = Blake2b256::new();
        h.update(l);
        h.update(r);
        h.finalize().into()
    }
}

/// Blake2b-256 of the canonical big-endian bytes of the leaf's values.
pub fn leaf_digest<'a>(values: impl IntoIterator<Item = &'a FE>) -> Digest {
    let mut h = Blake2b256::new();
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

    /// The batch opening of the leaves at `indices` (any order, repeats allowed): level
    /// by level from the leaves, the sibling of every node the verifier computes, unless
    /// it computes that sibling too, in increasing position order.
    pub fn batch_nodes(&self, indices: &[usize]) -> Vec<Digest> {
        let mut leaves = indices.to_vec();
        leaves.sort_unstable();
        leaves.dedup();
        // Each known node with a leaf below it, whose path holds the node's sibling.
        let paths: Vec<Vec<Digest>> = leaves.iter().map(|&i| self.tree.get_proof_by_pos(i).map(|p| p.merkle_path).unwrap_or_default()).collect();
        let mut level: Vec<(usize, usize)> = leaves.iter().enumerate().map(|(leaf, &i)| (i, leaf)).collect();
        let mut nodes = Vec::new();
        for l in 0..paths.first().map_or(0, Vec::len) {
            let mut up = Vec::with_capacity(level.len());
            let mut t = 0;
            while t < level.len() {
                let (k, leaf) = level[t];
                if k % 2 == 0 && level.get(t + 1).is_some_and(|x| x.0 == k + 1) {
                    t += 1;
                } else {
                    nodes.push(paths[leaf][l]);
                }
                up.push((k / 2, leaf));
                t += 1;
            }
            level = up;
        }
        nodes
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

/// Checks a batch opening: the leaf digests at their positions (a position given twice
/// must have one digest) and the opening's `nodes` lead to `root` of a tree of `depth`
/// levels, every node used exactly once.
pub fn verify_batch(root: &Digest, depth: usize, leaves: &[(usize, Digest)], nodes: &[Digest]) -> bool {
    let mut level = leaves.to_vec();
    level.sort_unstable();
    level.dedup();
    let in_tree = |&(i, _): &(usize, Digest)| depth < usize::BITS as usize && i >> depth == 0;
    if level.is_empty() || !level.iter().all(in_tree) || level.windows(2).any(|w| w[0].0 == w[1].0) {
        return false;
    }
    let mut nodes = nodes.iter();
    for _ in 0..depth {
        let mut up = Vec::with_capacity(level.len());
        let mut t = 0;
        while t < level.len() {
            let (k, digest) = level[t];
            let pair = if k % 2 == 0 && level.get(t + 1).is_some_and(|x| x.0 == k + 1) {
                t += 1;
                Some((digest, level[t].1))
            } else {
                nodes.next().map(|sibling| if k % 2 == 0 { (digest, *sibling) } else { (*sibling, digest) })
            };
            let Some((l, r)) = pair else { return false };
            up.push((k / 2, DigestBackend::hash_new_parent(&l, &r)));
            t += 1;
        }
        level = up;
    }
    nodes.next().is_none() && level == [(0, *root)]
}

#[cfg(all(test, feature = "prover"))]
mod tests {
    use super::*;
    use crate::field::fe;

    fn digests(cols: &[&Vec<FE>], indices: &[usize]) -> Vec<(usize, Digest)> {
        indices.iter().map(|&j| (j, leaf_digest(row_pair(cols, j).iter()))).collect()
    }

    #[test]
    fn batch_openings_verify_and_reject_tampering() {
        let a: Vec<FE> = (0..64u64).map(fe).collect();
        let b: Vec<FE> = (0..64u64).map(|i| fe(i * i)).collect();
        let cols = [&a, &b];
        let c = Commitment::from_columns(&cols);
        for indices in [vec![5], vec![0, 1], vec![31, 0, 7, 7, 8, 30], (0..32).collect::<Vec<_>>()] {
            let nodes = c.batch_nodes(&indices);
            let leaves = digests(&cols, &indices);
            assert!(verify_batch(&c.root, 5, &leaves, &nodes), "{indices:?}");
            // Shared nodes are sent once: never more than separate paths.
            assert!(nodes.len() <= 5 * indices.len());
            for k in 0..nodes.len() {
                let mut bad = nodes.clone();
                bad[k][3] ^= 1;
                assert!(!verify_batch(&c.root, 5, &leaves, &bad), "node {k} of {indices:?}");
            }
            let mut extra = nodes.clone();
            extra.push([0; 32]);
            assert!(!verify_batch(&c.root, 5, &leaves, &extra), "a node left over");
            if !nodes.is_empty() {
                assert!(!verify_batch(&c.root, 5, &leaves, &nodes[1..]), "a node missing");
            }
            let mut wrong = leaves.clone();
            wrong[0].1[0] ^= 1;
            assert!(!verify_batch(&c.root, 5, &wrong, &nodes), "a changed leaf");
        }
        // All 32 leaves need no node; one leaf needs its whole path.
        assert!(c.batch_nodes(&(0..32).collect::<Vec<_>>()).is_empty());
        assert_eq!(c.batch_nodes(&[9]).len(), 5);
        let nodes = c.batch_nodes(&[3, 9]);
        let leaves = digests(&cols, &[3, 9]);
        assert!(!verify_batch(&c.root, 5, &digests(&cols, &[3, 10]), &nodes), "another position");
        assert!(!verify_batch(&c.root, 4, &leaves, &nodes), "another depth");
        let mut twice = leaves.clone();
        twice.push((3, leaves[1].1));
        assert!(!verify_batch(&c.root, 5, &twice, &nodes), "two digests at one position");
        assert!(!verify_batch(&c.root, 5, &[(40, leaves[0].1)], &nodes), "a position outside the tree");
    }
}
