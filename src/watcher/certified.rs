//! Trustless input: the prover proves a range only when the committee certified its last
//! block (`certify`: a quorum of signatures over the block's hash, checked against the
//! committee file), and keeps a proof only when the block hash it proves is that one. The
//! proof links every block of the range to its last one by parent hashes, so one
//! certificate covers the range. A node that serves a block the committee did not sign
//! is caught twice: its answer's `block_hash` differs from the certified one (before
//! proving), or its block's fields hash to another hash in the proof (after).

use kraken_execution::Felt;
use serde_json::json;

use super::failover::Failover;
use crate::block_proof::fetch::{Answers, Rpc};
use crate::certify::BlockCertificate;
use crate::types::Committee;

/// The hash the committee certified for block `height`, from the first node (the one
/// answering now first) that holds a quorum of signatures for it. A node that missed
/// its peers' signatures (it was down) holds fewer: the next is asked.
pub async fn certified_hash<R: Rpc>(rpc: &Failover<R>, committee: &Committee, height: u64) -> anyhow::Result<Felt> {
    let mut reasons = Vec::new();
    for (i, node) in rpc.in_turn() {
        let reason = match node.call("kraken_getBlockCertificate", json!([{ "block_number": height }])).await {
            Ok(answer) => match BlockCertificate::from_json(&answer, height).and_then(|c| c.verify(committee).map(|()| c.block_hash)) {
                Ok(hash) => return Ok(hash),
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        reasons.push(format!("node {i}: {reason}"));
    }
    anyhow::bail!("no node holds a certificate of block {height} yet ({})", reasons.join("; "))
}

/// A node's answer for a block is not the block the committee certified.
#[derive(Debug, thiserror::Error)]
#[error("block {height}: the node serves a block with hash {served}, the committee certified {certified:#x}")]
pub struct Uncertified {
    pub height: u64,
    pub served: String,
    pub certified: Felt,
}

/// The served last block says it has the certified hash (its fields are checked to hash
/// to it by the proof itself).
pub fn check_served(answers: &Answers, height: u64, certified: Felt) -> Result<(), Uncertified> {
    let served = answers.blocks.last().map(|b| &b.block["block_hash"]);
    let served_hash = served.and_then(|v| v.as_str()).and_then(|s| Felt::from_hex(s).ok());
    if served_hash == Some(certified) {
        Ok(())
    } else {
        Err(Uncertified { height, served: served.map_or_else(|| "none".into(), |v| v.to_string()), certified })
    }
}
