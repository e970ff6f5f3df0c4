// The root of a height-64 Poseidon Patricia trie whose leaf i is leaves[i] for i < n:
// the transaction, event and receipt commitments (see starknet/src/trie/build.rs).
//
// Built level by level from the leaves. With keys 0..n-1 the leaves fill each level from
// the left, so every node of a level but the last is a full subtree, with no edge above
// it; the last may be partial, under an edge that only walks left: its path is 0 and only
// its length counts. An edge hashes as poseidon(child, 0) + length. A lone last node moves
// up a level with its edge one longer; a last pair hashes its right node's edge in. Once a
// level holds one node, its edge reaches the root. Leaves are Poseidon hashes, never 0 in
// practice (a 0 leaf would be an absent one); the Rust side checks that before proving.
from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin
from starkware.cairo.common.poseidon_state import PoseidonBuiltinState

const TRIE_HEIGHT = 64;

func indexed_root{poseidon_ptr: PoseidonBuiltin*}(leaves: felt*, n: felt) -> felt {
    if (n == 0) {
        return 0;
    }
    return climb(leaves, n, 0, TRIE_HEIGHT);
}

// The level of `n` nodes at `above` levels below the root; its last node's edge is
// `length` long.
func climb{poseidon_ptr: PoseidonBuiltin*}(nodes: felt*, n: felt, length: felt, above: felt) -> felt {
    alloc_locals;
    if (n == 1) {
        return edge_hash(nodes[0], length + above);
    }
    let (local up: felt*) = alloc();
    let (up_end, up_length) = pairs(nodes, n, up, length);
    return climb(up, up_end - up, up_length, above - 1);
}

// The level above the `n` nodes at `nodes` (n >= 1), written to `up`; returns its end
// and its last node's edge length.
func pairs{poseidon_ptr: PoseidonBuiltin*}(nodes: felt*, n: felt, up: felt*, length: felt) -> (
    up_end: felt*, length: felt
) {
    if (n == 1) {
        assert up[0] = nodes[0];
        return (up_end=up + 1, length=length + 1);
    }
    if (n == 2) {
        let right = edge_hash(nodes[1], length);
        let (binary) = poseidon_hash(nodes[0], right);
        assert up[0] = binary;
        return (up_end=up + 1, length=0);
    }
    // Two full subtrees: poseidon_hash(left, right) in place.
    assert poseidon_ptr[0].input = PoseidonBuiltinState(s0=nodes[0], s1=nodes[1], s2=2);
    assert up[0] = poseidon_ptr[0].output.s0;
    let poseidon_ptr = poseidon_ptr + PoseidonBuiltin.SIZE;
    return pairs(nodes + 2, n - 2, up + 1, length);
}

func edge_hash{poseidon_ptr: PoseidonBuiltin*}(child: felt, length: felt) -> felt {
    if (length == 0) {
        return child;
    }
    let (h) = poseidon_hash(child, 0);
    return h + length;
}
