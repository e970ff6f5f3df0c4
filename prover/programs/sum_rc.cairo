// Sums its inputs and range-checks each one (< 2^128) with the range_check builtin.
// Output: [n_inputs, inputs..., sum].
%builtins output range_check

func sum_checked{range_check_ptr}(xs: felt*, n: felt) -> felt {
    if (n == 0) {
        return 0;
    }
    assert [range_check_ptr] = xs[0];
    let range_check_ptr = range_check_ptr + 1;
    let rest = sum_checked(xs + 1, n - 1);
    return xs[0] + rest;
}

func copy(dst: felt*, src: felt*, n: felt) {
    if (n == 0) {
        return ();
    }
    assert dst[0] = src[0];
    return copy(dst + 1, src + 1, n - 1);
}

func main{output_ptr: felt*, range_check_ptr}() {
    alloc_locals;
    local n_inputs: felt;
    local inputs: felt*;
    %{ kraken_inputs(ids.inputs, ids.n_inputs) %}
    let s = sum_checked(inputs, n_inputs);
    assert output_ptr[0] = n_inputs;
    copy(output_ptr + 1, inputs, n_inputs);
    assert output_ptr[n_inputs + 1] = s;
    let output_ptr = output_ptr + n_inputs + 2;
    return ();
}
