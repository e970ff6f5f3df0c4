// bitwise.cairo without its range check: it declares range_check but never uses it, so the
// (empty) range_check segment starts where the bitwise segment does, at a cell that holds
// x0 (which may be >= 2^128). Inputs: pairs x0, y0, x1, y1, ... (each < 2^251).
// Output (Kraken convention): [n_inputs, inputs..., x0 & y0, x0 ^ y0, x0 | y0, ...].
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
    assert output_ptr[0] = n_inputs;
    copy(output_ptr + 1, inputs, n_inputs);
    ops(output_ptr + 1 + n_inputs, inputs, n_pairs);
    let output_ptr = output_ptr + 1 + n_inputs + 3 * n_pairs;
    return ();
}
