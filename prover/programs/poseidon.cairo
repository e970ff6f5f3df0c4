// Poseidon builtin test for Kraken's prover. Inputs: v0, v1, ... (any felts).
// Output (Kraken convention, see prover/README.md): [n_inputs, inputs..., h] with
// h = poseidon_hash(...poseidon_hash(poseidon_hash(0, v0), v1)..., v_last) (h = 0 without inputs).
%builtins output poseidon

from starkware.cairo.common.cairo_builtins import PoseidonBuiltin
from starkware.cairo.common.builtin_poseidon.poseidon import poseidon_hash

func chain{poseidon_ptr: PoseidonBuiltin*}(acc: felt, xs: felt*, n: felt) -> felt {
    if (n == 0) {
        return acc;
    }
    let (h) = poseidon_hash(acc, xs[0]);
    return chain(h, xs + 1, n - 1);
}

func copy(dst: felt*, src: felt*, n: felt) {
    if (n == 0) {
        return ();
    }
    assert dst[0] = src[0];
    return copy(dst + 1, src + 1, n - 1);
}

func main{output_ptr: felt*, poseidon_ptr: PoseidonBuiltin*}() {
    alloc_locals;
    local n_inputs: felt;
    local inputs: felt*;
    %{ kraken_inputs(ids.inputs, ids.n_inputs) %}
    let h = chain(0, inputs, n_inputs);
    assert output_ptr[0] = n_inputs;
    copy(output_ptr + 1, inputs, n_inputs);
    assert output_ptr[1 + n_inputs] = h;
    let output_ptr = output_ptr + 2 + n_inputs;
    return ();
}
