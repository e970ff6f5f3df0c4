// Bitwise builtin test for Kraken's prover. Inputs: pairs x0, y0, x1, y1, ... (each < 2^251).
// Output (Kraken convention, see prover/README.md): [n_inputs, inputs..., and/xor/or of each
// pair...] = [2k, x0, y0, ..., x0 & y0, x0 ^ y0, x0 | y0, ...]. The pair count is
// range-checked, so the program uses the output, range_check and bitwise builtins.
%builtins output range_check bitwise

from starkware.cairo.common.cairo_builtins import BitwiseBuiltin
from starkware.cairo.common.bitwise import bitwise_operations

func ops{bitwise_ptr: BitwiseBuiltin*}(dst: felt*, xs: felt*, n_pairs: felt) {
    if (n_pairs == 0) {
        return ();
    }
    let (a, x, o) = bitwise_operations(xs[0], xs[1]);
    assert dst[0] = a;
    assert dst[1] = x;
    assert dst[2] = o;
    return ops(dst + 3, xs + 2, n_pairs - 1);
}

func copy(dst: felt*, src: felt*, n: felt) {
    if (n == 0) {
        return ();
    }
    assert dst[0] = src[0];
    return copy(dst + 1, src + 1, n - 1);
}

func main{output_ptr: felt*, range_check_ptr, bitwise_ptr: BitwiseBuiltin*}() {
    alloc_locals;
    local n_inputs: felt;
    local inputs: felt*;
    %{ kraken_inputs(ids.inputs, ids.n_inputs) %}
    local n_pairs = n_inputs / 2;
    // n_inputs is even: n_pairs = n_inputs / 2 is small (< 2^128).
    assert [range_check_ptr] = n_pairs;
    let range_check_ptr = range_check_ptr + 1;
    assert output_ptr[0] = n_inputs;
    copy(output_ptr + 1, inputs, n_inputs);
    ops(output_ptr + 1 + n_inputs, inputs, n_pairs);
    let output_ptr = output_ptr + 1 + n_inputs + 3 * n_pairs;
    return ();
}
