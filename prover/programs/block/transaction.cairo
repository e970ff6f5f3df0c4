// A v3 transaction's hash from its fields, by Starknet's rule (starknet_api's
// transaction_hash.rs): a Poseidon hash chain over the kind's fields, with the tip and
// resource bounds, the paymaster data, the account deployment data and the calldata each
// hashed first.
from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.cairo_builtins import PoseidonBuiltin

from block.sponge import HASH_OF_NOTHING, hash4, hash10, hash11, hash_many

const INVOKE = 0;
const DEPLOY_ACCOUNT = 1;
const DECLARE = 2;

const VERSION = 3;
const SHIFT_32 = 2 ** 32;
const SHIFT_128 = 2 ** 128;
const SHIFT_192 = 2 ** 192;
// Resource names as 7 bytes (zero-padded on the left) above the 64-bit amount and the
// 128-bit price.
const L1_GAS = 'L1_GAS';
const L2_GAS = 'L2_GAS';
const L1_DATA_GAS = 'L1_DATA';

// The fields every v3 kind shares, as the input lays them out after the kind and the
// address; the paymaster data follows.
struct Fees {
    tip: felt,
    l1_gas_amount: felt,
    l1_gas_price: felt,
    l2_gas_amount: felt,
    l2_gas_price: felt,
    l1_data_gas_amount: felt,
    l1_data_gas_price: felt,
    nonce: felt,
    nonce_da_mode: felt,
    fee_da_mode: felt,
    paymaster_data_len: felt,
}

// Hashes the length-prefixed span at p; returns the hash and what follows the span. Most
// spans a transaction hashes (paymaster and account deployment data) are empty.
func hash_span{poseidon_ptr: PoseidonBuiltin*}(p: felt*) -> (hash: felt, next: felt*) {
    if (p[0] == 0) {
        return (hash=HASH_OF_NOTHING, next=p + 1);
    }
    let (hash) = hash_many(p[0], p + 1);
    return (hash=hash, next=p + 1 + p[0]);
}

// The transaction at tx = [kind, address, Fees..., paymaster data, kind's fields...].
// Returns its hash, its calldata (an invoke's [len, felts...]; 0 for the other kinds) and
// where its signature starts.
func transaction_hash{poseidon_ptr: PoseidonBuiltin*}(tx: felt*, chain_id: felt) -> (
    hash: felt, calldata: felt*, next: felt*
) {
    alloc_locals;
    let fees = cast(tx + 2, Fees*);
    let (local bounds: felt*) = alloc();
    assert bounds[0] = fees.tip;
    assert bounds[1] = L1_GAS * SHIFT_192 + fees.l1_gas_amount * SHIFT_128 + fees.l1_gas_price;
    assert bounds[2] = L2_GAS * SHIFT_192 + fees.l2_gas_amount * SHIFT_128 + fees.l2_gas_price;
    assert bounds[3] = L1_DATA_GAS * SHIFT_192 + fees.l1_data_gas_amount * SHIFT_128 +
        fees.l1_data_gas_price;
    let (local bounds_hash) = hash4(bounds);
    let (local paymaster_hash, rest) = hash_span(cast(fees, felt*) + Fees.paymaster_data_len);
    local da_modes = fees.nonce_da_mode * SHIFT_32 + fees.fee_da_mode;
    let (local chain: felt*) = alloc();
    assert chain[1] = VERSION;
    assert chain[2] = tx[1];
    assert chain[3] = bounds_hash;
    assert chain[4] = paymaster_hash;
    assert chain[5] = chain_id;
    let kind = tx[0];
    if (kind == INVOKE) {
        assert chain[0] = 'invoke';
        assert chain[6] = fees.nonce;
        assert chain[7] = da_modes;
        let (deployment_hash, calldata) = hash_span(rest);
        assert chain[8] = deployment_hash;
        let (calldata_hash, next) = hash_span(calldata);
        assert chain[9] = calldata_hash;
        let (hash) = hash10(chain);
        return (hash=hash, calldata=calldata, next=next);
    }
    if (kind == DEPLOY_ACCOUNT) {
        assert chain[0] = 'deploy_account';
        assert chain[6] = da_modes;
        assert chain[7] = fees.nonce;
        let (constructor_hash, tail) = hash_span(rest);
        assert chain[8] = constructor_hash;
        assert chain[9] = tail[0];  // class hash
        assert chain[10] = tail[1];  // contract address salt
        let (hash) = hash11(chain);
        return (hash=hash, calldata=cast(0, felt*), next=tail + 2);
    }
    assert kind = DECLARE;
    assert chain[0] = 'declare';
    assert chain[6] = fees.nonce;
    assert chain[7] = da_modes;
    let (deployment_hash, tail) = hash_span(rest);
    assert chain[8] = deployment_hash;
    assert chain[9] = tail[0];  // class hash
    assert chain[10] = tail[1];  // compiled class hash
    let (hash) = hash11(chain);
    return (hash=hash, calldata=cast(0, felt*), next=tail + 2);
}
