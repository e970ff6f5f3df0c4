//! `kraken_submitBlockProof`: a node records blocks as proved only after verifying the
//! proof against its own chain; `l1_accepted` and the finality statuses follow.

use futures::executor::block_on;
use kraken_prover::block::prove_blocks;
use kraken_prover::ProofOptions;
use serde_json::{json, Value};

use super::call_on;
use crate::block_proof::fetch::fetch_input;
use crate::block_proof::sample::sample_chain;
use crate::block_proof::to_fe;
use crate::rpc::RpcContext;

/// A 100-bit proof of block 1 of `ctx`'s chain.
fn proof_of_block_1(ctx: &RpcContext) -> Vec<u8> {
    let input: Vec<_> = block_on(fetch_input(ctx, 1, 1)).unwrap().iter().map(to_fe).collect();
    prove_blocks(&input, &ProofOptions::conjectured_100()).unwrap().0
}

fn submit(ctx: &RpcContext, proof: &[u8]) -> Result<Value, Value> {
    call_on(ctx, "kraken_submitBlockProof", json!({ "proof": hex::encode(proof) }))
}

fn refusal(ctx: &RpcContext, proof: &[u8]) -> String {
    let e = submit(ctx, proof).expect_err("refused");
    assert_eq!(e["code"], -32602, "{e}");
    e["data"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_verified_proof_moves_l1_accepted_and_the_statuses_and_nothing_else_does() {
    let ctx = sample_chain(&[1, 1], 5).unwrap();
    let other = sample_chain(&[1], 6).unwrap();
    let l1_block = |ctx: &RpcContext| call_on(ctx, "starknet_getBlockWithTxHashes", json!(["l1_accepted"])).unwrap();
    let block1 = call_on(&ctx, "starknet_getBlockWithTxHashes", json!([{ "block_number": 1 }])).unwrap();
    let tx = block1["transactions"][0].clone();
    assert_eq!(l1_block(&ctx)["block_number"], 0, "before any proof: genesis, which needs none");
    assert_eq!(block1["status"], "ACCEPTED_ON_L2");

    let proof = proof_of_block_1(&ctx);
    assert!(refusal(&ctx, b"not a proof").contains("does not verify"));
    let mut tampered = proof.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 1;
    assert!(refusal(&ctx, &tampered).contains("block proof refused"));
    let foreign = proof_of_block_1(&other);
    assert!(refusal(&ctx, &foreign).contains("other blocks"));
    assert_eq!(l1_block(&ctx)["block_number"], 0, "refused proofs settle nothing");
    let bad_hex = call_on(&ctx, "kraken_submitBlockProof", json!({ "proof": "0xzz" })).unwrap_err();
    assert_eq!(bad_hex["code"], -32602);

    assert_eq!(submit(&ctx, &proof).unwrap()["l1_accepted"], 1);
    let settled = l1_block(&ctx);
    assert_eq!((settled["block_number"].clone(), settled["status"].clone()), (json!(1), json!("ACCEPTED_ON_L1")));
    let receipt = call_on(&ctx, "starknet_getTransactionReceipt", json!([tx])).unwrap();
    assert_eq!(receipt["finality_status"], "ACCEPTED_ON_L1");
    assert_eq!(call_on(&ctx, "starknet_getTransactionStatus", json!([tx])).unwrap()["finality_status"], "ACCEPTED_ON_L1");
    let block2 = call_on(&ctx, "starknet_getBlockWithTxHashes", json!([{ "block_number": 2 }])).unwrap();
    assert_eq!(block2["status"], "ACCEPTED_ON_L2", "block 2 is not proved");
}

#[test]
fn proved_ranges_in_any_order_settle_their_contiguous_prefix() {
    let ctx = sample_chain(&[0, 0, 0, 0, 0], 1).unwrap();
    let chain = &ctx.chain;
    assert_eq!(chain.record_proved(3, 3).unwrap(), 0);
    assert_eq!(chain.record_proved(1, 2).unwrap(), 3);
    assert_eq!(chain.record_proved(5, 5).unwrap(), 3);
    assert_eq!(chain.record_proved(4, 4).unwrap(), 5);
    assert_eq!(chain.record_proved(2, 2).unwrap(), 5, "a range proved again changes nothing");
    assert_eq!(chain.settled_height().unwrap(), 5);
}
