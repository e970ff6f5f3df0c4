//! The STARK proof object (engine level, AIR-agnostic).

use crate::field::FE;
use crate::merkle::Digest;
use crate::options::ProofOptions;

/// What one query opens: the values of its leaf (row pair) in each trace commitment, and
/// at each FRI layer after the first the sibling of the pair it folds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryProof {
    pub main: Vec<FE>,
    pub aux: Option<Vec<FE>>,
    pub comp: Vec<FE>,
    pub fri: Vec<FE>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StarkProof {
    pub log_trace_length: u8,
    pub options: ProofOptions,
    pub main_root: Digest,
    pub aux_root: Option<Digest>,
    pub comp_root: Digest,
    /// Every column (main then aux) at the out-of-domain point z and at z·g.
    pub ood_cur: Vec<FE>,
    pub ood_next: Vec<FE>,
    /// Composition parts H_i at z^d.
    pub ood_comp: Vec<FE>,
    /// Roots of FRI layers 1..r-1 (layer 0 is the DEEP polynomial, opened through the
    /// trace and composition commitments).
    pub fri_roots: Vec<Digest>,
    /// Coefficients of the last FRI layer.
    pub fri_final: Vec<FE>,
    pub nonce: u64,
    pub queries: Vec<QueryProof>,
    /// The batch openings (see `merkle`) of the queries' leaves in the main, aux (empty
    /// without aux) and composition trees and in each FRI layer tree.
    pub main_nodes: Vec<Digest>,
    pub aux_nodes: Vec<Digest>,
    pub comp_nodes: Vec<Digest>,
    pub fri_nodes: Vec<Vec<Digest>>,
}

/// Number of FRI folds for a trace of `2^log_n` rows.
pub fn fri_folds(log_n: u32, fri_final_log: u32) -> u32 {
    log_n.saturating_sub(fri_final_log)
}
