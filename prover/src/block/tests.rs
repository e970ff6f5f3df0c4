use super::*;
use crate::cairo::runner::program_hash_of;
use crate::field::felt_to_hex;

#[test]
fn the_pinned_program_hash_is_the_compiled_programs() {
    let computed = program_hash_of(PROGRAM).expect("block.json loads");
    assert_eq!(felt_to_hex(&computed), felt_to_hex(&program_hash()), "update PROGRAM_HASH after recompiling block.cairo");
}
