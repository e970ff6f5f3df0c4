// The root of a height-64 Poseidon Patricia trie whose leaf i is leaves[i] for i < n:
// the transaction, event and receipt commitments (see starknet/src/trie/build.rs).
//
// With keys 0..n-1 every subtree's leaves start at its left edge, so every edge node walks
// only left: its path is 0 and only its length counts. An edge hashes as
// poseidon(child, 0) + length. Leaves are Poseidon hashes, never 0 in practice (a 0 leaf
// would be an absent one); the Rust side checks that before proving.
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin
from starkware.cairo.common.math_cmp import is_le

const TRIE_HEIGHT = 64;

func indexed_root{range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(leaves: felt*, n: felt) -> felt {
    alloc_locals;
    if (n == 0) {
        return 0;
    }
    // The lowest subtree holding every leaf: height k with 2^k >= n.
    let (k, span) = covering_height(n, 0, 1);
    let (child, length) = subtree(leaves, n, k, span);
    let root = edge_hash(child, length + TRIE_HEIGHT - k);
    return root;
}

func covering_height{range_check_ptr}(n: felt, k: felt, span: felt) -> (k: felt, span: felt) {
    let fits = is_le(n, span);
    if (fits != 0) {
        return (k=k, span=span);
    }
    return covering_height(n, k + 1, span * 2);
}

// The node of height h (spanning `span` = 2^h slots) holding leaves[0..count), 1 <= count
// <= span, as a child hash and the length of the edge above it (0: no edge).
func subtree{range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(
    leaves: felt*, count: felt, h: felt, span: felt
) -> (child: felt, length: felt) {
    alloc_locals;
    if (h == 0) {
        return (child=leaves[0], length=0);
    }
    local half = span / 2;
    let left_only = is_le(count, half);
    if (left_only != 0) {
        let (child, length) = subtree(leaves, count, h - 1, half);
        return (child=child, length=length + 1);
    }
    let left = full_subtree(leaves, h - 1, half);
    let (right_child, right_length) = subtree(leaves + half, count - half, h - 1, half);
    let right = edge_hash(right_child, right_length);
    let (binary) = poseidon_hash(left, right);
    return (child=binary, length=0);
}

// The hash of a subtree of height h whose 2^h slots all hold leaves.
func full_subtree{poseidon_ptr: PoseidonBuiltin*}(leaves: felt*, h: felt, span: felt) -> felt {
    alloc_locals;
    if (h == 0) {
        return leaves[0];
    }
    local half = span / 2;
    let left = full_subtree(leaves, h - 1, half);
    let right = full_subtree(leaves + half, h - 1, half);
    let (binary) = poseidon_hash(left, right);
    return binary;
}

func edge_hash{poseidon_ptr: PoseidonBuiltin*}(child: felt, length: felt) -> felt {
    if (length == 0) {
        return child;
    }
    let (h) = poseidon_hash(child, 0);
    return h + length;
}
