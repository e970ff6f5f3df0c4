// Bitwise builtin without range_check. Inputs: v0, v1, ... (each < 2^251).
// Output (Kraken convention): [n_inputs, inputs..., v0 ^ v1 ^ ... (0 if there are none)].
%builtins output bitwise

from starkware.cairo.common.cairo_builtins import BitwiseBuiltin
from starkware.cairo.common.bitwise import bitwise_xor

func fold{bitwise_ptr: BitwiseBuiltin*}(acc: felt, xs: felt*, n: felt) -> felt {
    if (n == 0) {
        return acc;
    }
    let (v) = bitwise_xor(acc, xs[0]);
    return fold(v, xs + 1, n - 1);
}

func copy(dst: felt*, src: felt*, n: felt) {
    if (n == 0) {
        return ();
    }
    assert dst[0] = src[0];
    return copy(dst + 1, src + 1, n - 1);
}

func main{output_ptr: felt*, bitwise_ptr: BitwiseBuiltin*}() {
    alloc_locals;
    local n_inputs: felt;
    local inputs: felt*;
    %{ kraken_inputs(ids.inputs, ids.n_inputs) %}
    let r = fold(0, inputs, n_inputs);
    assert output_ptr[0] = n_inputs;
    copy(output_ptr + 1, inputs, n_inputs);
    assert output_ptr[1 + n_inputs] = r;
    let output_ptr = output_ptr + 2 + n_inputs;
    return ();
}
