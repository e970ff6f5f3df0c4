// Kraken's block statement: for consecutive executed Starknet blocks it recomputes every
// transaction hash, the transaction, event and receipt commitments and each block hash,
// checks the parent links, and runs the calls on the genesis fib, fact and KRK token
// contracts. prover/README.md ("Block proofs") says what a proof of it means and what
// it does not cover.
//
// Input (felts; kraken-prover's `block::input` writes it, `block::claim` reads it back):
//   chain_id, fib, fact, token                   the Genesis struct
//   n_balances, (address, low, high)...          KRK balances before the first block
//   n_blocks, then per block: the Header struct, then n_txs transactions, each
//     kind (0 invoke, 1 deploy_account, 2 declare), address (sender; a deploy_account's
//     new contract), the Fees struct, paymaster data,
//     invoke: [len, account deployment data...], [len, calldata...]
//     deploy_account: [len, constructor calldata...], class_hash, salt
//     declare: [len, account deployment data...], class_hash, compiled_class_hash
//     n_signature, hash, signature... (the hash the program must compute, in front of
//     the signature so that the leaf h(hash, signature...) hashes the input in place),
//     actual_fee, n_messages, (from, to, [len, payload...])...,
//     revert_reason_hash (0: succeeded), l1_gas, l1_data_gas,
//     n_events, (from, hash, [len, keys...], [len, data...])...
// Output (Kraken's convention: [n_inputs, inputs..., outputs...]; the inputs are written
// in place by the input hint, so they cost no steps):
//   first_block, last_block, first_parent_hash, last_block_hash, n_txs, results_digest
// where results_digest = h(records) over one record per transaction, in order:
//   [hash, status, n_results, results...] with status 0 not executed, 1 succeeded,
//   2 reverted as the contracts revert, 3 reverted by the chain where the program's model
//   succeeds (out of gas, ...); results (fib(n), fact(n), 1 for a transfer) only when 1.
%builtins output range_check poseidon

from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin
from starkware.cairo.common.default_dict import default_dict_finalize, default_dict_new
from starkware.cairo.common.dict import dict_update
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.math import assert_not_zero
from starkware.cairo.common.memcpy import memcpy
from starkware.cairo.common.uint256 import Uint256, uint256_check


from block.execute import Genesis, Undo, apply_moves, executable, roll_back, run_calls
from block.receipt import Move, Receipt, receipt, transaction_leaf
from block.sponge import hash7, hash_many
from block.transaction import INVOKE, transaction_hash
from block.trie import indexed_root

const NOT_EXECUTED = 0;
const SUCCEEDED = 1;
const REVERTED = 2;
const REVERTED_OUTSIDE_MODEL = 3;

struct Header {
    number: felt,
    parent_hash: felt,
    state_root: felt,
    sequencer_address: felt,
    timestamp: felt,
    l1_gas_price_wei: felt,
    l1_gas_price_fri: felt,
    l1_data_gas_price_wei: felt,
    l1_data_gas_price_fri: felt,
    l2_gas_price_wei: felt,
    l2_gas_price_fri: felt,
    l1_da_mode: felt,  // 0 calldata, 1 blob
    starknet_version: felt,
    state_diff_commitment: felt,
    state_diff_length: felt,
    n_txs: felt,
}

func main{output_ptr: felt*, range_check_ptr, poseidon_ptr: PoseidonBuiltin*}() {
    alloc_locals;
    local n_inputs: felt;
    %{ kraken_inputs_in_output(ids.output_ptr, ids.n_inputs) %}
    assert output_ptr[0] = n_inputs;
    local inputs: felt* = output_ptr + 1;
    local g: Genesis* = cast(inputs, Genesis*);

    let (local balances_start: DictAccess*) = default_dict_new(0);
    let dict_ptr = balances_start;
    local n_balances = inputs[Genesis.SIZE];
    with dict_ptr {
        load_balances(inputs + Genesis.SIZE + 1, n_balances);
    }
    local blocks: felt* = inputs + Genesis.SIZE + 1 + 3 * n_balances;
    local n_blocks = blocks[0];
    assert_not_zero(n_blocks);
    local first: Header* = cast(blocks + 1, Header*);
    let (local records: felt*) = alloc();
    with dict_ptr {
        let (end, last_number, last_hash, records_end, n_txs) = prove_blocks(
            g, first, n_blocks, first.number, first.parent_hash, records, 0
        );
    }
    assert end = inputs + n_inputs;
    default_dict_finalize(balances_start, dict_ptr, 0);
    let (digest) = hash_many(records_end - records, records);

    let outputs = inputs + n_inputs;
    assert outputs[0] = first.number;
    assert outputs[1] = last_number;
    assert outputs[2] = first.parent_hash;
    assert outputs[3] = last_hash;
    assert outputs[4] = n_txs;
    assert outputs[5] = digest;
    let output_ptr = outputs + 6;
    return ();
}

// Puts the (address, low, high) balances at p in the dict; an address may appear once.
func load_balances{range_check_ptr, dict_ptr: DictAccess*}(p: felt*, n: felt) {
    if (n == 0) {
        return ();
    }
    uint256_check(Uint256(low=p[1], high=p[2]));
    dict_update(p[0], 0, cast(p + 1, felt));
    return load_balances(p + 3, n - 1);
}

// Proves n blocks from h on, the first at `number` with parent `parent_hash`. Returns
// where the input ends, the last block's number and hash, and the records' end.
func prove_blocks{range_check_ptr, poseidon_ptr: PoseidonBuiltin*, dict_ptr: DictAccess*}(
    g: Genesis*, h: Header*, n: felt, number: felt, parent_hash: felt, records: felt*, n_txs: felt
) -> (end: felt*, last_number: felt, last_hash: felt, records_end: felt*, n_txs: felt) {
    if (n == 0) {
        return (
            end=cast(h, felt*),
            last_number=number - 1,
            last_hash=parent_hash,
            records_end=records,
            n_txs=n_txs,
        );
    }
    assert h.number = number;
    assert h.parent_hash = parent_hash;
    let (hash, next, records_end) = prove_block(g, h, records);
    return prove_blocks(g, cast(next, Header*), n - 1, number + 1, hash, records_end, n_txs + h.n_txs);
}

func prove_block{range_check_ptr, poseidon_ptr: PoseidonBuiltin*, dict_ptr: DictAccess*}(
    g: Genesis*, h: Header*, records: felt*
) -> (hash: felt, next: felt*, records_end: felt*) {
    alloc_locals;
    let (local tx_leaves: felt*) = alloc();
    let (local receipt_leaves: felt*) = alloc();
    let (local event_leaves: felt*) = alloc();
    let (next, events_end, records_end) = transactions(
        g, cast(h, felt*) + Header.SIZE, h.n_txs, tx_leaves, receipt_leaves, event_leaves, records
    );
    local next: felt* = next;
    local records_end: felt* = records_end;
    local n_events = events_end - event_leaves;
    let tx_root = indexed_root(tx_leaves, h.n_txs);
    let event_root = indexed_root(event_leaves, n_events);
    let receipt_root = indexed_root(receipt_leaves, h.n_txs);
    let hash = block_hash(h, tx_root, event_root, receipt_root, n_events);
    return (hash=hash, next=next, records_end=records_end);
}

// h("STARKNET_BLOCK_HASH1", number, state_root, sequencer, timestamp, counts,
// state_diff_commitment, transactions, events, receipts, gas prices, version, 0, parent).
func block_hash{range_check_ptr, poseidon_ptr: PoseidonBuiltin*}(
    h: Header*, tx_root: felt, event_root: felt, receipt_root: felt, n_events: felt
) -> felt {
    alloc_locals;
    assert h.l1_da_mode * (h.l1_da_mode - 1) = 0;
    // The packed counts below mean what they say only if each fits in 64 bits.
    assert_below_2_64(h.state_diff_length);
    assert_below_2_64(h.n_txs);
    assert_below_2_64(n_events);
    let (local prices: felt*) = alloc();
    assert prices[0] = 'STARKNET_GAS_PRICES0';
    memcpy(prices + 1, cast(h, felt*) + Header.l1_gas_price_wei, 6);
    let (local prices_hash) = hash7(prices);
    let (chain: felt*) = alloc();
    assert chain[0] = 'STARKNET_BLOCK_HASH1';
    assert chain[1] = h.number;
    assert chain[2] = h.state_root;
    assert chain[3] = h.sequencer_address;
    assert chain[4] = h.timestamp;
    assert chain[5] = h.n_txs * 2 ** 192 + n_events * 2 ** 128 + h.state_diff_length * 2 ** 64 +
        h.l1_da_mode * 2 ** 63;
    assert chain[6] = h.state_diff_commitment;
    assert chain[7] = tx_root;
    assert chain[8] = event_root;
    assert chain[9] = receipt_root;
    assert chain[10] = prices_hash;
    assert chain[11] = h.starknet_version;
    assert chain[12] = 0;
    assert chain[13] = h.parent_hash;
    let (hash) = hash_many(14, chain);
    return hash;
}

// x < 2^64, with two range-checked cells: x < 2^128, so x·2^64 < 2^192 < p does not
// wrap, and x·2^64 < 2^128 means x < 2^64. (assert_nn_le(x, 2^64 - 1) would range-check
// 2^64 - 1 - x, whose 16-bit parts span every value and cost an otherwise small trace
// 2^16 hole fillers.)
func assert_below_2_64{range_check_ptr}(x: felt) {
    assert [range_check_ptr] = x;
    assert [range_check_ptr + 1] = x * 2 ** 64;
    let range_check_ptr = range_check_ptr + 2;
    return ();
}

func transactions{range_check_ptr, poseidon_ptr: PoseidonBuiltin*, dict_ptr: DictAccess*}(
    g: Genesis*,
    p: felt*,
    n: felt,
    tx_leaves: felt*,
    receipt_leaves: felt*,
    event_leaves: felt*,
    records: felt*,
) -> (next: felt*, events_end: felt*, records_end: felt*) {
    alloc_locals;
    if (n == 0) {
        return (next=p, events_end=event_leaves, records_end=records);
    }
    let (local hash, local calldata, signature) = transaction_hash(p, g.chain_id);
    let (leaf, after_signature) = transaction_leaf(hash, signature);
    assert tx_leaves[0] = leaf;
    let (local r: Receipt, local next) = receipt(after_signature, hash, g.token, event_leaves);
    assert receipt_leaves[0] = r.leaf;
    let records_end = execute(g, p[0], p[1], calldata, r, hash, records);
    return transactions(
        g, next, n - 1, tx_leaves + 1, receipt_leaves + 1, event_leaves + r.n_events, records_end
    );
}

// Runs the transaction if the program executes its kind and calls, checks the outcome
// against its receipt, and writes its record.
func execute{range_check_ptr, dict_ptr: DictAccess*}(
    g: Genesis*, kind: felt, sender: felt, calldata: felt*, r: Receipt, hash: felt, records: felt*
) -> felt* {
    alloc_locals;
    assert records[0] = hash;
    if (kind != INVOKE) {
        return not_executed(r, records);
    }
    // calldata = [len, n_calls, calls...]
    if (calldata[0] == 0) {
        return not_executed(r, records);
    }
    let runnable = executable(g, calldata + 2, calldata[0] - 1, calldata[1]);
    if (runnable == 0) {
        return not_executed(r, records);
    }
    let (local results: felt*) = alloc();
    let (local moves: Move*) = alloc();
    let (local undo: Undo*) = alloc();
    let (ok, results_end, moves_end, undo_end) = run_calls(
        g, sender, calldata + 2, calldata[1], results, moves, undo
    );
    if (ok == 0) {
        roll_back(undo, undo_end);
        assert r.reverted = 1;
        assert r.n_moves = 0;
        assert records[1] = REVERTED;
        assert records[2] = 0;
        return records + 3;
    }
    if (r.reverted != 0) {
        roll_back(undo, undo_end);
        assert r.n_moves = 0;
        assert records[1] = REVERTED_OUTSIDE_MODEL;
        assert records[2] = 0;
        return records + 3;
    }
    // The token's Transfer events are exactly the moves the program made.
    assert r.n_moves * Move.SIZE = moves_end - moves;
    assert_equal(cast(moves, felt*), cast(r.moves, felt*), r.n_moves * Move.SIZE);
    assert records[1] = SUCCEEDED;
    local n_results = results_end - results;
    assert records[2] = n_results;
    memcpy(records + 3, results, n_results);
    return records + 3 + n_results;
}

// A transaction the program does not run: its token Transfer events still move balances.
func not_executed{range_check_ptr, dict_ptr: DictAccess*}(r: Receipt, records: felt*) -> felt* {
    apply_moves(r.moves, r.n_moves);
    assert records[1] = NOT_EXECUTED;
    assert records[2] = 0;
    return records + 3;
}

func assert_equal(a: felt*, b: felt*, n: felt) {
    if (n == 0) {
        return ();
    }
    assert a[0] = b[0];
    return assert_equal(a + 1, b + 1, n - 1);
}
