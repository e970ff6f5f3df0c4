//! Merkle commitments of LDE rows, on lambdaworks' Merkle tree with Keccak256 leaves.
//! Each leaf holds a row pair (position i and i + size/2) so one path opens both points
//! FRI needs; the verifier always checks the path length, which lambdaworks does not.

use crate::field::{F, FE};
use lambdaworks_crypto::merkle_tree::backends::field_element_vector::FieldElementVectorBackend;
#[cfg(feature = "prover")]
use lambdaworks_crypto::merkle_tree::merkle::MerkleTree;
use lambdaworks_crypto::merkle_tree::proof::Proof;
use sha3::Keccak256;

pub type Backend = FieldElementVectorBackend<F, Keccak256, 32>;
pub type Digest = [u8; 32];

#[cfg(feature = "prover")]
pub struct Commitment {
    tree: MerkleTree<Backend>,
    pub root: Digest,
}

#[cfg(feature = "prover")]
impl Commitment {
    /// Commits to `leaves` (a power-of-two count, each a vector of field elements).
    pub fn new(leaves: &[Vec<FE>]) -> Self {
        let tree = MerkleTree::<Backend>::build(leaves).expect("at least one leaf");
        let root = tree.root;
        Commitment { tree, root }
    }

    pub fn path(&self, index: usize) -> Vec<Digest> {
        self.tree.get_proof_by_pos(index).map(|p| p.merkle_path).unwrap_or_default()
    }
}

/// Checks that `leaf` sits at `index` of a tree of `depth` levels under `root`.
pub fn verify_path(root: &Digest, depth: usize, index: usize, leaf: &[FE], path: &[Digest]) -> bool {
    if path.len() != depth || (depth < usize::BITS as usize && index >> depth != 0) {
        return false;
    }
    let proof = Proof { merkle_path: path.to_vec() };
    proof.verify::<Backend>(root, index, &leaf.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::fe;

    #[test]
    fn open_and_reject_tampering() {
        let leaves: Vec<Vec<FE>> = (0..8u64).map(|i| vec![fe(i), fe(i * i)]).collect();
        let c = Commitment::new(&leaves);
        for (i, leaf) in leaves.iter().enumerate() {
            assert!(verify_path(&c.root, 3, i, leaf, &c.path(i)));
        }
        let p = c.path(5);
        assert!(!verify_path(&c.root, 3, 4, &leaves[5], &p));
        assert!(!verify_path(&c.root, 3, 5, &[fe(5), fe(26)], &p));
        assert!(!verify_path(&c.root, 2, 5, &leaves[5], &p[..2]));
        assert!(!verify_path(&c.root, 3, 13, &leaves[5], &p));
    }
}
