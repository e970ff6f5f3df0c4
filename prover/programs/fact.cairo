// Factorial, for Kraken's prover. Input: n. Output: [1, n, n!] (mod the Stark prime).
%builtins output

func fact(n: felt) -> felt {
    if (n == 0) {
        return 1;
    }
    let r = fact(n - 1);
    return n * r;
}

func main{output_ptr: felt*}() {
    alloc_locals;
    local n_inputs: felt;
    local inputs: felt*;
    %{ kraken_inputs(ids.inputs, ids.n_inputs) %}
    assert n_inputs = 1;
    let n = inputs[0];
    let result = fact(n);
    assert output_ptr[0] = n_inputs;
    assert output_ptr[1] = n;
    assert output_ptr[2] = result;
    let output_ptr = output_ptr + 3;
    return ();
}
