// A test of the block program's arithmetic, not a statement to prove: fib and fact for
// every n up to 200 and at MAX_N, each against the plain recurrence, and debit and credit
// against the library's uint256 on every pair of the input limbs, as (low, 0) and as
// (low, high). Any mismatch fails the run (the Rust test in src/block/tests.rs runs it).
%builtins output range_check

from starkware.cairo.common.memcpy import memcpy
from starkware.cairo.common.uint256 import Uint256, uint256_add, uint256_le, uint256_sub

from block.execute import MAX_N, credit, debit, fact, fib

// fib(n) = f, fib(n + 1) = g, n! = h.
func check_fib_fact{range_check_ptr}(n: felt, last: felt, f: felt, g: felt, h: felt) {
    alloc_locals;
    let fib_n = fib(n);
    assert fib_n = f;
    let fact_n = fact(n);
    assert fact_n = h;
    if (n == last) {
        return ();
    }
    return check_fib_fact(n + 1, last, g, f + g, h * (n + 1));
}

func check_limbs{range_check_ptr}(v: felt*, n: felt, i: felt, j: felt) {
    if (i == n) {
        return ();
    }
    if (j == n) {
        return check_limbs(v, n, i + 1, 0);
    }
    check_pair(Uint256(v[i], 0), Uint256(v[j], 0));
    check_pair(Uint256(v[i], v[j]), Uint256(v[j], v[i]));
    return check_limbs(v, n, i, j + 1);
}

func check_pair{range_check_ptr}(a: Uint256, b: Uint256) {
    alloc_locals;
    let (local enough, local rest) = debit(a, b);
    let (le) = uint256_le(b, a);
    assert enough = le;
    if (le == 1) {
        let (difference) = uint256_sub(a, b);
        assert rest = difference;
        tempvar range_check_ptr = range_check_ptr;
    } else {
        tempvar range_check_ptr = range_check_ptr;
    }
    let (local sum, local carry) = credit(a, b);
    let (library_sum, library_carry) = uint256_add(a, b);
    assert sum = library_sum;
    assert carry = library_carry;
    return ();
}

func main{output_ptr: felt*, range_check_ptr}() {
    alloc_locals;
    local n_inputs: felt;
    local inputs: felt*;
    %{ kraken_inputs(ids.inputs, ids.n_inputs) %}
    check_fib_fact(0, 200, 0, 1, 1);
    // fib(MAX_N - 1), fib(MAX_N) and (MAX_N - 1)! from the run up to 200, continued.
    let (f, g, h) = walk(0, MAX_N - 1, 0, 1, 1);
    check_fib_fact(MAX_N - 1, MAX_N, f, g, h);
    check_limbs(inputs, n_inputs, 0, 0);
    assert output_ptr[0] = n_inputs;
    memcpy(output_ptr + 1, inputs, n_inputs);
    let output_ptr = output_ptr + 1 + n_inputs;
    return ();
}

// (fib(stop), fib(stop + 1), stop!) by the recurrence, from (fib(n), fib(n + 1), n!).
func walk(n: felt, stop: felt, f: felt, g: felt, h: felt) -> (f: felt, g: felt, h: felt) {
    if (n == stop) {
        return (f=f, g=g, h=h);
    }
    return walk(n + 1, stop, g, f + g, h * (n + 1));
}
