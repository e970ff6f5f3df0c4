//! What a verified block proof says, read from its public input and output.

use super::layout::{small, walk_blocks, InputBlock, InputShapeError, TxKind, GENESIS_LEN};
use super::{program_hash, BUILTINS};
use crate::cairo::VerifiedClaim;
use crate::field::{felt_to_hex, FE};

/// A proven block: its number and how many transactions of each kind it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenBlock {
    pub number: u64,
    /// Seconds since the Unix epoch.
    pub timestamp: u64,
    pub transactions: usize,
    pub invokes: usize,
    pub deploy_accounts: usize,
    pub declares: usize,
}

/// A verified proof of the block program: blocks `first_block..=last_block` of the chain
/// `chain_id` hash as claimed and link up, the last one hashes to `last_block_hash`, and
/// their transactions' results digest to `results_digest` (see `programs/block.cairo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockClaim {
    pub chain_id: FE,
    pub fib: FE,
    pub fact: FE,
    pub token: FE,
    pub first_block: u64,
    pub last_block: u64,
    pub first_parent_hash: FE,
    pub last_block_hash: FE,
    pub n_txs: u64,
    pub results_digest: FE,
    pub blocks: Vec<ProvenBlock>,
    pub security_bits: u32,
}

/// Why a valid proof is not a block proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockClaimError {
    #[error("the proof is of program {found}, not the block program {expected} (another program, or another version of it)")]
    OtherProgram { found: String, expected: String },
    #[error("the proof's builtins are {0:?}, the block program's are output, range_check, poseidon")]
    Builtins(Vec<&'static str>),
    #[error("the block program gives 6 outputs, the proof has {0}")]
    Outputs(usize),
    #[error(transparent)]
    Input(#[from] InputShapeError),
    #[error("the output says blocks {0}..={1}, the input holds {2}..={3}")]
    Range(u64, u64, u64, u64),
    #[error("the output says {0} transactions, the input holds {1}")]
    Count(u64, u64),
}

impl BlockClaim {
    /// Reads a verified claim as a block proof; refuses proofs of other programs.
    pub fn from_verified(claim: &VerifiedClaim) -> Result<BlockClaim, BlockClaimError> {
        if claim.program_hash != program_hash() {
            return Err(BlockClaimError::OtherProgram {
                found: claim.program_hash_hex(),
                expected: felt_to_hex(&program_hash()),
            });
        }
        if claim.builtins != BUILTINS {
            return Err(BlockClaimError::Builtins(claim.builtins.clone()));
        }
        BlockClaim::from_run(&claim.inputs, &claim.outputs, claim.security_bits)
    }

    /// Reads the block program's input and output (of a verified proof, or of a run that
    /// was not proved: `security_bits` 0) as the blocks they state.
    pub fn from_run(inputs: &[FE], outputs: &[FE], security_bits: u32) -> Result<BlockClaim, BlockClaimError> {
        let [first, last, first_parent_hash, last_block_hash, n_txs, results_digest] =
            <[FE; 6]>::try_from(outputs.to_vec()).map_err(|o| BlockClaimError::Outputs(o.len()))?;
        let input_blocks = walk_blocks(inputs)?;
        let number = |x: &FE| small(x).unwrap_or(u64::MAX);
        let (first_block, last_block, n_txs) = (number(&first), number(&last), number(&n_txs));
        let (held_first, held_last) = (input_blocks[0].number, input_blocks[input_blocks.len() - 1].number);
        if (first_block, last_block) != (held_first, held_last) {
            return Err(BlockClaimError::Range(first_block, last_block, held_first, held_last));
        }
        let held_txs: usize = input_blocks.iter().map(|b| b.kinds.len()).sum();
        if n_txs != held_txs as u64 {
            return Err(BlockClaimError::Count(n_txs, held_txs as u64));
        }
        let genesis = &inputs[..GENESIS_LEN];
        Ok(BlockClaim {
            chain_id: genesis[0].clone(),
            fib: genesis[1].clone(),
            fact: genesis[2].clone(),
            token: genesis[3].clone(),
            first_block,
            last_block,
            first_parent_hash,
            last_block_hash,
            n_txs,
            results_digest,
            blocks: input_blocks.iter().map(proven_block).collect(),
            security_bits,
        })
    }
}

fn proven_block(b: &InputBlock) -> ProvenBlock {
    let count = |k: TxKind| b.kinds.iter().filter(|&&x| x == k).count();
    ProvenBlock {
        number: b.number,
        timestamp: b.timestamp,
        transactions: b.kinds.len(),
        invokes: count(TxKind::Invoke),
        deploy_accounts: count(TxKind::DeployAccount),
        declares: count(TxKind::Declare),
    }
}
