// A transaction's leaves in the block's commitments (starknet/src/block/commitments.rs):
// its transaction leaf h(hash, signature...), its receipt leaf and its events' leaves; and
// the KRK balance moves its Transfer events record.
from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin

from block.sponge import hash7, hash_many

// sn_keccak("Transfer"): the first key of an ERC-20 Transfer { #[key] from, #[key] to,
// value: u256 } event.
const TRANSFER_EVENT = 0x99cd8bde557814842a3121e8ddfd433a539b8c9f14bf31ebf108d12e6196e9;

// A balance move: `amount` (a u256) from `sender` to `recipient`.
struct Move {
    sender: felt,
    recipient: felt,
    low: felt,
    high: felt,
}

// What a receipt (at p = [actual_fee, messages..., revert_reason_hash, l1_gas,
// l1_data_gas, n_events, events...]) gives the block.
struct Receipt {
    leaf: felt,
    reverted: felt,
    n_events: felt,
    // The token's Transfer events, in order.
    moves: Move*,
    n_moves: felt,
}

// h(hash, signature...) for the signature at p = [len, hash, signature...]: the input
// carries the transaction's hash in front of its signature (checked against the hash the
// program computed), so the leaf hashes the input in place. Returns what follows.
func transaction_leaf{poseidon_ptr: PoseidonBuiltin*}(hash: felt, p: felt*) -> (
    leaf: felt, next: felt*
) {
    assert p[1] = hash;
    let (leaf) = hash_many(p[0] + 1, p + 1);
    return (leaf=leaf, next=p + 2 + p[0]);
}

func skip_messages(p: felt*, n: felt) -> felt* {
    if (n == 0) {
        return p;
    }
    return skip_messages(p + 3 + p[2], n - 1);
}

// Parses the receipt at p, writes its events' leaves to event_leaves; returns what
// follows it.
func receipt{poseidon_ptr: PoseidonBuiltin*}(
    p: felt*, tx_hash: felt, token: felt, event_leaves: felt*
) -> (receipt: Receipt, next: felt*) {
    alloc_locals;
    local actual_fee = p[0];
    let messages = p + 1;
    let after_messages = skip_messages(messages + 1, messages[0]);
    let (local message_hash) = hash_many(after_messages - messages, messages);
    local revert_reason_hash = after_messages[0];
    let (local chain: felt*) = alloc();
    assert chain[0] = tx_hash;
    assert chain[1] = actual_fee;
    assert chain[2] = message_hash;
    assert chain[3] = revert_reason_hash;
    assert chain[4] = 0;  // L2 gas, hashed as 0 under this rule
    assert chain[5] = after_messages[1];
    assert chain[6] = after_messages[2];
    let (local leaf) = hash7(chain);
    local n_events = after_messages[3];
    let (local moves: Move*) = alloc();
    let (next, moves_end) = events(after_messages + 4, n_events, tx_hash, token, event_leaves, moves);
    local reverted;
    if (revert_reason_hash == 0) {
        reverted = 0;
    } else {
        reverted = 1;
    }
    return (
        receipt=Receipt(
            leaf=leaf,
            reverted=reverted,
            n_events=n_events,
            moves=moves,
            n_moves=(moves_end - moves) / Move.SIZE,
        ),
        next=next,
    );
}

// Leaves of n events at p = [(from, tx_hash, n_keys, keys..., n_data, data...)...]:
// h(from, tx_hash, n_keys, keys..., n_data, data...), the input hashed in place (its
// tx_hash checked against the computed one).
func events{poseidon_ptr: PoseidonBuiltin*}(
    p: felt*, n: felt, tx_hash: felt, token: felt, leaves: felt*, moves: Move*
) -> (next: felt*, moves_end: Move*) {
    alloc_locals;
    if (n == 0) {
        return (next=p, moves_end=moves);
    }
    assert p[1] = tx_hash;
    let keys = p + 2;
    let data = keys + 1 + keys[0];
    local next: felt* = data + 1 + data[0];
    let (leaf) = hash_many(next - p, p);
    assert leaves[0] = leaf;
    let moves_end = record_move(p[0], keys, data, token, moves);
    return events(next, n - 1, tx_hash, token, leaves + 1, moves_end);
}

// Appends the move a token Transfer event records; other events move nothing.
func record_move(from_address: felt, keys: felt*, data: felt*, token: felt, moves: Move*) -> Move* {
    if (from_address != token) {
        return moves;
    }
    if (keys[0] != 3) {
        return moves;
    }
    if (keys[1] != TRANSFER_EVENT) {
        return moves;
    }
    if (data[0] != 2) {
        return moves;
    }
    assert moves[0] = Move(sender=keys[2], recipient=keys[3], low=data[1], high=data[2]);
    return moves + Move.SIZE;
}
