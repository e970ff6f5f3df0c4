//! Moving the state roots by one block's diff.

use std::collections::BTreeSet;

use starknet_types_core::felt::Felt;

use super::commitment::{class_leaf, contract_state_hash, StateRoots};
use super::diff::StateDiff;
use super::store::{ContractState, StateStore};
use crate::trie::{update, TrieError, STATE_TRIE_HEIGHT};
use crate::{Pedersen, Poseidon};

/// Applies `diff` to the state whose roots are `roots`, writing new trie nodes and
/// contract records into `store`, and returns the new roots.
///
/// Storage tries are updated first, then each touched contract's leaf is rehashed from
/// its class hash, new storage root and nonce (a contract left all zero leaves the
/// trie). Declared Sierra classes get a classes-trie
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
        // An all-zero contract (no class, no storage, nonce 0) is absent from the trie.
        let leaf = if state == ContractState::default() {
            Felt::ZERO
        } else {
            contract_state_hash(state.class_hash, state.storage_root, state.nonce)
        };
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::state::MemoryStateStore;

    #[test]
    fn clearing_a_contract_removes_its_leaf() {
        let (address, key) = (Felt::from(0x99u64), Felt::from(7u64));
        let mut store = MemoryStateStore::default();
        let mut write = StateDiff::default();
        write
            .storage_updates
            .insert(address, BTreeMap::from([(key, Felt::ONE)]));
        let roots = apply_state_diff(&mut store, StateRoots::default(), &write).unwrap();
        assert_ne!(roots.contracts_root, Felt::ZERO);
        let mut clear = StateDiff::default();
        clear
            .storage_updates
            .insert(address, BTreeMap::from([(key, Felt::ZERO)]));
        let roots = apply_state_diff(&mut store, roots, &clear).unwrap();
        assert_eq!(roots, StateRoots::default());
    }

    #[test]
    fn declared_class_enters_the_classes_trie() {
        let mut store = MemoryStateStore::default();
        let mut diff = StateDiff::default();
        diff.declared_classes
            .insert(Felt::from(5u64), Felt::from(6u64));
        let roots = apply_state_diff(&mut store, StateRoots::default(), &diff).unwrap();
        assert_eq!(roots.contracts_root, Felt::ZERO);
        let expected = crate::trie::root_from_leaves::<Poseidon>(
            STATE_TRIE_HEIGHT,
            &[(Felt::from(5u64), class_leaf(Felt::from(6u64)))],
        );
        assert_eq!(roots.classes_root, expected);
        assert_ne!(roots.state_commitment(), roots.classes_root);
    }
}
