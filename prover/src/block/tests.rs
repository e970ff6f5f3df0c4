use super::*;
use crate::cairo::runner::program_hash_of;
use crate::field::felt_to_hex;

#[test]
fn the_pinned_program_hash_is_the_compiled_programs() {
    let computed = program_hash_of(PROGRAM).expect("block.json loads");
    assert_eq!(felt_to_hex(&computed), felt_to_hex(&program_hash()), "update PROGRAM_HASH after recompiling block.cairo");
}

/// The block program's fib, fact, debit and credit against plain references (see
/// `programs/block_arith.cairo`): limbs at the edges of 128 bits, where the fast paths end.
#[test]
fn the_block_programs_arithmetic_matches_the_references() {
    const CHECK: &[u8] = include_bytes!("../../programs/block_arith.json");
    let limbs: Vec<FE> = ["0x0", "0x1", "0x2", "0x309", "0x7fffffffffffffffffffffffffffffff", "0x80000000000000000000000000000000", "0xfffffffffffffffffffffffffffffffe", "0xffffffffffffffffffffffffffffffff"]
        .iter()
        .map(|x| crate::field::felt_from_str(x).unwrap())
        .collect();
    crate::cairo::runner::execute(CHECK, &limbs).expect("every check holds");
}

#[test]
fn the_pinned_bytecode_digest_is_the_compiled_programs() {
    let words = crate::cairo::runner::program_words(PROGRAM).expect("block.json loads");
    assert_eq!(bytecode_keccak(&words), BYTECODE_KECCAK, "update BYTECODE_KECCAK after recompiling block.cairo");
    assert_eq!(known_program_hash(&BUILTINS, &words), Some(program_hash()));
    let mut other = words.clone();
    other[7] += FE::from(1u64);
    assert_eq!(known_program_hash(&BUILTINS, &other), None, "another bytecode is hashed, not recognized");
    assert_eq!(known_program_hash(&BUILTINS[..2], &words), None, "other builtins too");
}
