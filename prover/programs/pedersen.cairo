// Pedersen builtin test for Kraken's prover. Inputs: pairs x0, y0, x1, y1, ... (any felts).
// Output (Kraken convention): [n_inputs, inputs..., H(x0, y0), H(x1, y1), ...] with Starknet's
// Pedersen hash H. The pair count is range-checked, so the program uses the output, pedersen
// and range_check builtins (in Cairo's builtin order).
%builtins output pedersen range_check

from starkware.cairo.common.cairo_builtins import HashBuiltin
from starkware.cairo.common.hash import hash2

func hashes{pedersen_ptr: HashBuiltin*}(dst: felt*, xs: felt*, n: felt) {
    if (n == 0) {
        return ();
    }
    let (h) = hash2{hash_ptr=pedersen_ptr}(xs[0], xs[1]);
    assert dst[0] = h;
    return hashes(dst + 1, xs + 2, n - 1);
}

func copy(dst: felt*, src: felt*, n: felt) {
    if (n == 0) {
        return ();
    }
    assert dst[0] = src[0];
    return copy(dst + 1, src + 1, n - 1);
}

func main{output_ptr: felt*, pedersen_ptr: HashBuiltin*, range_check_ptr}() {
    alloc_locals;
    local n_inputs: felt;
    local inputs: felt*;
    %{ kraken_inputs(ids.inputs, ids.n_inputs) %}
    local n_pairs = n_inputs / 2;
    assert [range_check_ptr] = n_pairs;
    let range_check_ptr = range_check_ptr + 1;
    assert output_ptr[0] = n_inputs;
    copy(output_ptr + 1, inputs, n_inputs);
    hashes(output_ptr + 1 + n_inputs, inputs, n_pairs);
    let output_ptr = output_ptr + 1 + n_inputs + n_pairs;
    return ();
}
