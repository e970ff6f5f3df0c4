// Fibonacci, for Kraken's prover. Input: n. Output (Kraken convention, see prover/README.md):
// [n_inputs, inputs..., outputs...] = [1, n, fib(n)] with fib(0) = fib(1) = 1.
%builtins output

func fib(first: felt, second: felt, n: felt) -> felt {
    if (n == 0) {
        return first;
    }
    return fib(second, first + second, n - 1);
}

func main{output_ptr: felt*}() {
    alloc_locals;
    local n_inputs: felt;
    local inputs: felt*;
    %{ kraken_inputs(ids.inputs, ids.n_inputs) %}
    assert n_inputs = 1;
    let n = inputs[0];
    let result = fib(1, 1, n);
    assert output_ptr[0] = n_inputs;
    assert output_ptr[1] = n;
    assert output_ptr[2] = result;
    let output_ptr = output_ptr + 3;
    return ();
}
