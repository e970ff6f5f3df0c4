//! The state diff commitment of a block header.

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::StarkHash;

use crate::felt::short_string;
use crate::state::StateDiff;
use crate::Poseidon;

/// `h_pos("STARKNET_STATE_DIFF0", updated_contracts, declared_classes,
/// deprecated_declared_classes, 1, 0, storage_diffs, nonces)`, each list prefixed by its
/// length and sorted by key (the diff's maps already are). Contracts with no storage write
/// are left out of `storage_diffs`. The `1, 0` pair is a placeholder the protocol keeps.
pub fn state_diff_commitment(diff: &StateDiff) -> Felt {
    let mut chain = vec![short_string("STARKNET_STATE_DIFF0")];
    chain.push(Felt::from(diff.class_hashes.len()));
    for (address, class_hash) in &diff.class_hashes {
        chain.extend([*address, *class_hash]);
    }
    chain.push(Felt::from(diff.declared_classes.len()));
    for (class_hash, compiled) in &diff.declared_classes {
        chain.extend([*class_hash, *compiled]);
    }
    chain.push(Felt::from(diff.deprecated_declared_classes.len()));
    chain.extend(diff.deprecated_declared_classes.iter().copied());
    chain.extend([Felt::ONE, Felt::ZERO]);
    let written: Vec<_> = diff
        .storage_updates
        .iter()
        .filter(|(_, w)| !w.is_empty())
        .collect();
    chain.push(Felt::from(written.len()));
    for (address, writes) in written {
        chain.extend([*address, Felt::from(writes.len())]);
        for (key, value) in writes {
            chain.extend([*key, *value]);
        }
    }
    chain.push(Felt::from(diff.nonces.len()));
    for (address, nonce) in &diff.nonces {
        chain.extend([*address, *nonce]);
    }
    Poseidon::hash_array(&chain)
}
