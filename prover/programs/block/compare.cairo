// Comparisons of values below 2^128, as the library's math_cmp decides them, without the
// library's padding: `is_nn` moves ap by 20 on its fast path so that every path changes ap
// alike, which leaves 20 unwritten cells, and every such hole costs the proof a memory
// slot. These functions take the fast path on a range check and leave the rest to the
// library (which proves either answer), so the hint only picks a path, never the answer.
from starkware.cairo.common.math_cmp import is_nn

// 1 if 0 <= a < 2^128 (a as an integer in [0, p)), else 0.
func is_small{range_check_ptr}(a) -> felt {
    %{ memory[ap] = 0 if 0 <= (ids.a % PRIME) < range_check_builtin.bound else 1 %}
    jmp other if [ap] != 0, ap++;
    assert [range_check_ptr] = a;
    let range_check_ptr = range_check_ptr + 1;
    return 1;

    other:
    return is_nn(a);
}

// 1 if 0 <= b - a < 2^128, else 0 (math_cmp's is_le).
func is_le_small{range_check_ptr}(a, b) -> felt {
    return is_small(b - a);
}

// 1 if 0 <= a <= b, b < 2^128, else 0 (math_cmp's is_nn_le).
func is_nn_le_small{range_check_ptr}(a, b) -> felt {
    let nn = is_small(a);
    if (nn == 0) {
        return 0;
    }
    return is_small(b - a);
}
