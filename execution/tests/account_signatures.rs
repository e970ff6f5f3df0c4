//! The genesis account's signature check (`contracts/src/account.cairo`) against
//! starknet-crypto's ECDSA `verify`, the reference. The account computes the check its
//! own way (the key's point stored at deployment, no square roots), so it must accept
//! exactly what the reference accepts: valid signatures, and none of the ways of spoiling
//! one. Both engines run the same class.

mod common;

use kraken_execution::wallet::{Account, CURVE_ORDER as ORDER};
use kraken_execution::{Engine, Felt, LocalChain};
use starknet_api::abi::abi_utils::selector_from_name;
use starknet_types_core::curve::AffinePoint;

/// What SNIP-6's `is_valid_signature` returns for a valid signature: 'VALID'.
const VALIDATED: Felt = Felt::from_hex_unchecked("0x56414c4944");

fn account_says(chain: &LocalChain, account: &Account, hash: Felt, r: Felt, s: Felt) -> bool {
    let selector = selector_from_name("is_valid_signature").0;
    let out = chain
        .executor
        .call(&chain.state, chain.next_env(), account.address, selector, vec![hash, Felt::TWO, r, s])
        .expect("is_valid_signature runs");
    match out.as_slice() {
        [v] if *v == VALIDATED => true,
        [v] if *v == Felt::ZERO => false,
        other => panic!("is_valid_signature returned {other:?}"),
    }
}

fn reference_says(account: &Account, hash: Felt, r: Felt, s: Felt) -> bool {
    starknet_crypto::verify(&account.public_key, &hash, &r, &s).unwrap_or(false)
}

/// The first value above `x` that is no curve point's x-coordinate.
fn not_an_x_coordinate(mut x: Felt) -> Felt {
    loop {
        x += Felt::ONE;
        if AffinePoint::new_from_x(&x, false).is_none() {
            return x;
        }
    }
}

/// Every case: (what it is, hash, r, s).
fn cases(signer: &Account, other: &Account, hash: Felt) -> Vec<(&'static str, Felt, Felt, Felt)> {
    let sig = signer.sign(hash);
    let (r, s) = (sig[0], sig[1]);
    let theirs = other.sign(hash);
    vec![
        ("valid", hash, r, s),
        ("valid, s negated", hash, r, ORDER - s),
        ("another hash", hash + Felt::ONE, r, s),
        ("r + 1", hash, r + Felt::ONE, s),
        ("s + 1", hash, r, s + Felt::ONE),
        ("r and s swapped", hash, s, r),
        ("another key's signature", hash, theirs[0], theirs[1]),
        ("r = 0", hash, Felt::ZERO, s),
        ("s = 0", hash, r, Felt::ZERO),
        ("r = order", hash, ORDER, s),
        ("s = order", hash, r, ORDER),
        ("r no point's x", hash, not_an_x_coordinate(r), s),
    ]
}

fn agrees_with_the_reference(engine: Engine) {
    let chain = common::chain(engine);
    let (signer, other) = (&chain.genesis.accounts[0], &chain.genesis.accounts[1]);
    let mut valid = 0;
    for i in 0..6u64 {
        let hash = starknet_crypto::pedersen_hash(&Felt::from(i), &Felt::from(0x5167u64));
        for (what, hash, r, s) in cases(signer, other, hash) {
            let expected = reference_says(signer, hash, r, s);
            assert_eq!(account_says(&chain, signer, hash, r, s), expected, "{engine:?}, hash {hash:#x}: {what}");
            valid += usize::from(expected);
        }
    }
    // The two valid forms of each signature, and nothing else.
    assert_eq!(valid, 12);
}

#[test]
fn the_account_accepts_what_the_reference_accepts_under_the_vm() {
    agrees_with_the_reference(Engine::Vm);
}

#[test]
fn the_account_accepts_what_the_reference_accepts_under_cairo_native() {
    agrees_with_the_reference(Engine::Native);
}
