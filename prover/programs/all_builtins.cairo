// All of Kraken's builtins at once. Inputs: pairs x0, y0, x1, y1, ... (each < 2^251).
// Output (Kraken convention): [n_inputs, inputs..., x0 ^ y0, poseidon_hash(x0, y0), ...].
// The pair count is range-checked.
%builtins output range_check bitwise poseidon

from starkware.cairo.common.cairo_builtins import BitwiseBuiltin, PoseidonBuiltin
from starkware.cairo.common.bitwise import bitwise_xor
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash

func pairs{bitwise_ptr: BitwiseBuiltin*, poseidon_ptr: PoseidonBuiltin*}(
    dst: felt*, xs: felt*, n: felt
) {
    if (n == 0) {
        return ();
    }
    let (x) = bitwise_xor(xs[0], xs[1]);
    let (h) = poseidon_hash(xs[0], xs[1]);
    assert dst[0] = x;
    assert dst[1] = h;
    return pairs(dst + 2, xs + 2, n - 1);
}

func copy(dst: felt*, src: felt*, n: felt) {
    if (n == 0) {
        return ();
    }
    assert dst[0] = src[0];
    return copy(dst + 1, src + 1, n - 1);
}

func main{
    output_ptr: felt*, range_check_ptr, bitwise_ptr: BitwiseBuiltin*, poseidon_ptr: PoseidonBuiltin*
}() {
    alloc_locals;
    local n_inputs: felt;
    local inputs: felt*;
    %{ kraken_inputs(ids.inputs, ids.n_inputs) %}
    local n_pairs = n_inputs / 2;
    assert [range_check_ptr] = n_pairs;
    let range_check_ptr = range_check_ptr + 1;
    assert output_ptr[0] = n_inputs;
    copy(output_ptr + 1, inputs, n_inputs);
    pairs(output_ptr + 1 + n_inputs, inputs, n_pairs);
    let output_ptr = output_ptr + 1 + n_inputs + 2 * n_pairs;
    return ();
}
