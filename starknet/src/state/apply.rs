//! Moving the state roots by one block's diff.

use std::collections::BTreeSet;

use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Pedersen, Poseidon};

use super::commitment::{class_leaf, contract_state_hash, StateRoots};
use super::diff::StateDiff;
use super::store::StateStore;
use crate::trie::{update, TrieError, STATE_TRIE_HEIGHT};

/// Applies `diff` to the state whose roots are `roots`, writing new trie nodes and
/// contract records into `store`, and returns the new roots.
///
/// Storage tries are updated first, then each touched contract's leaf is rehashed from
/// its class hash, new storage root and nonce. Declared Sierra classes get a classes-trie
/// leaf; declared Cairo 0 classes have none.
pub fn apply_state_diff<S: StateStore + ?Sized>(
    store: &mut S,
    roots: StateRoots,
    diff: &StateDiff,
) -> Result<StateRoots, TrieError> {
    let touched: BTreeSet<Felt> = diff
        .storage_updates
        .keys()
        .chain(diff.nonces.keys())
        .chain(diff.class_hashes.keys())
        .copied()
        .collect();
    let mut contract_leaves = Vec::with_capacity(touched.len());
    for address in touched {
        let mut state = store.contract(&address)?.unwrap_or_default();
        if let Some(writes) = diff.storage_updates.get(&address) {
            let writes: Vec<(Felt, Felt)> = writes.iter().map(|(k, v)| (*k, *v)).collect();
            state.storage_root =
                update::<Pedersen, S>(store, STATE_TRIE_HEIGHT, state.storage_root, &writes)?;
        }
        if let Some(nonce) = diff.nonces.get(&address) {
            state.nonce = *nonce;
        }
        if let Some(class_hash) = diff.class_hashes.get(&address) {
            state.class_hash = *class_hash;
        }
        store.put_contract(address, state)?;
        let leaf = contract_state_hash(state.class_hash, state.storage_root, state.nonce);
        contract_leaves.push((address, leaf));
    }
    let contracts_root = update::<Pedersen, S>(
        store,
        STATE_TRIE_HEIGHT,
        roots.contracts_root,
        &contract_leaves,
    )?;

    let class_leaves: Vec<(Felt, Felt)> = diff
        .declared_classes
        .iter()
        .map(|(class_hash, compiled)| (*class_hash, class_leaf(*compiled)))
        .collect();
    let classes_root =
        update::<Poseidon, S>(store, STATE_TRIE_HEIGHT, roots.classes_root, &class_leaves)?;
    Ok(StateRoots {
        contracts_root,
        classes_root,
    })
}
