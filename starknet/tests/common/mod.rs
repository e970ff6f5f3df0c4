//! What the hash tests share.

use kraken_starknet::Felt;
use proptest::prelude::*;

pub fn any_felt() -> impl Strategy<Value = Felt> {
    // 32 random bytes reduced modulo the field prime: every felt, the top ones included.
    any::<[u8; 32]>().prop_map(|b| Felt::from_bytes_be(&b))
}
