//! What executing one block changes: the commitment-level state diff plus the classes it
//! declared (their code, which the state diff only names by hash).

use std::collections::BTreeMap;

use blockifier::state::cached_state::StateMaps;
use kraken_starknet::state::StateDiff;

use crate::class::CompiledClass;

/// One block's effect on the state.
#[derive(Clone, Debug, Default)]
pub struct BlockDiff {
    /// Final values after the block, ordered (the commitment hashes them in order).
    pub state: StateDiff,
    /// Classes declared by the block, in declaration order.
    pub new_classes: Vec<CompiledClass>,
}

/// Blockifier's per-transaction maps, folded into an ordered diff (later writes win).
pub fn fold_state_maps(into: &mut StateDiff, maps: &StateMaps) {
    for (entry, value) in &maps.storage {
        into.storage_updates.entry(*entry.0 .0.key()).or_insert_with(BTreeMap::new).insert(*entry.1 .0.key(), *value);
    }
    for (address, nonce) in &maps.nonces {
        into.nonces.insert(*address.0.key(), nonce.0);
    }
    for (address, class_hash) in &maps.class_hashes {
        into.class_hashes.insert(*address.0.key(), class_hash.0);
    }
    for (class_hash, compiled) in &maps.compiled_class_hashes {
        into.declared_classes.insert(class_hash.0, compiled.0);
    }
}
