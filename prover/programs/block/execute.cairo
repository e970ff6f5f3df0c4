// Runs what an invoke's multicall asks of the genesis contracts: Fib.fib(n), Fact.fact(n)
// and the KRK token's transfer(recipient, amount), as contracts/src/{fib,fact,erc20}.cairo
// do. Balances live in a dict from address to a pointer to a Uint256 record.
from starkware.cairo.common.alloc import alloc
from starkware.cairo.common.dict import dict_read, dict_write
from starkware.cairo.common.dict_access import DictAccess
from starkware.cairo.common.math import unsigned_div_rem
from starkware.cairo.common.math_cmp import is_le_felt
from starkware.cairo.common.registers import get_ap
from starkware.cairo.common.uint256 import Uint256, uint256_add, uint256_le, uint256_sub

from block.compare import is_le_small, is_nn_le_small, is_small
from block.receipt import Move

// sn_keccak of the entry point names.
const FIB_SELECTOR = 0x112e35f48499939272000bd72eb840e502ca4c3aefa8800992e8defb746e0c9;
const FACT_SELECTOR = 0x213cda0181d4bd6d07f2e467ddf45a1d971e14ca1bcd4c83949a6d830a15b7f;
const TRANSFER_SELECTOR = 0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e;
// fib(n) and fact(n) with a larger n are not executed (the transaction is reported as
// such): the loops would cost n steps each.
const MAX_N = 1000;
const MAX_ADDRESS = 2 ** 251 - 1;

// The contracts whose calls the program executes.
struct Genesis {
    chain_id: felt,
    fib: felt,
    fact: felt,
    token: felt,
}

// A balance write to take back if the transaction reverts.
struct Undo {
    address: felt,
    previous: felt,
}

// 1 if the calldata at p (remaining felts left) holds exactly n_calls calls, each a call
// the program executes with arguments it can run; 0 otherwise.
func executable{range_check_ptr}(g: Genesis*, p: felt*, remaining: felt, n_calls: felt) -> felt {
    alloc_locals;
    if (n_calls == 0) {
        if (remaining == 0) {
            return 1;
        }
        return 0;
    }
    let has_header = is_le_small(3, remaining);
    if (has_header == 0) {
        return 0;
    }
    local len = p[2];
    let known = known_call(g, p[0], p[1], len, p + 3);
    if (known == 0) {
        return 0;
    }
    let fits = is_le_small(3 + len, remaining);
    if (fits == 0) {
        return 0;
    }
    return executable(g, p + 3 + len, remaining - 3 - len, n_calls - 1);
}

func known_call{range_check_ptr}(g: Genesis*, to: felt, selector: felt, len: felt, args: felt*) -> felt {
    if (to == g.token) {
        if (selector == TRANSFER_SELECTOR) {
            if (len == 3) {
                return 1;
            }
        }
        return 0;
    }
    if (to == g.fib) {
        if (selector == FIB_SELECTOR) {
            if (len == 1) {
                return is_nn_le_small(args[0], MAX_N);
            }
        }
        return 0;
    }
    if (to == g.fact) {
        if (selector == FACT_SELECTOR) {
            if (len == 1) {
                return is_nn_le_small(args[0], MAX_N);
            }
        }
    }
    return 0;
}

// Runs n_calls calls (already known executable) from `sender`, appending each call's
// result, each balance move and each balance write's undo. ok = 0 when a call reverts.
func run_calls{range_check_ptr, dict_ptr: DictAccess*}(
    g: Genesis*, sender: felt, p: felt*, n_calls: felt, results: felt*, moves: Move*, undo: Undo*
) -> (ok: felt, results_end: felt*, moves_end: Move*, undo_end: Undo*) {
    alloc_locals;
    if (n_calls == 0) {
        return (ok=1, results_end=results, moves_end=moves, undo_end=undo);
    }
    local to = p[0];
    local next: felt* = p + 3 + p[2];
    if (to == g.fib) {
        let value = fib(p[3]);
        assert results[0] = value;
        return run_calls(g, sender, next, n_calls - 1, results + 1, moves, undo);
    }
    if (to == g.fact) {
        let value = fact(p[3]);
        assert results[0] = value;
        return run_calls(g, sender, next, n_calls - 1, results + 1, moves, undo);
    }
    let (ok, undo_end) = transfer(sender, p[3], Uint256(low=p[4], high=p[5]), undo);
    if (ok == 0) {
        return (ok=0, results_end=results, moves_end=moves, undo_end=undo_end);
    }
    assert results[0] = 1;  // transfer returns true
    assert moves[0] = Move(sender=sender, recipient=p[3], low=p[4], high=p[5]);
    return run_calls(g, sender, next, n_calls - 1, results + 1, moves + Move.SIZE, undo_end);
}

// fib(n) in the field (fib(0) = 0, fib(1) = 1): a term a step. F(0..7) are written out,
// then each loop iteration writes eight terms and the loop counter, so with n = 8q + r
// the loop runs q times and F(n) is r cells past the ninth-last cell.
func fib{range_check_ptr}(n: felt) -> felt {
    alloc_locals;
    let (q, local r) = unsigned_div_rem(n, 8);
    [ap] = 0, ap++;
    [ap] = 1, ap++;
    [ap] = 1, ap++;
    [ap] = 2, ap++;
    [ap] = 3, ap++;
    [ap] = 5, ap++;
    [ap] = 8, ap++;
    [ap] = 13, ap++;
    [ap] = q, ap++;
    jmp terms if [ap - 1] != 0;
    jmp done;
    // Here [ap - 3] and [ap - 2] are the last two terms and [ap - 1] the counter.
    terms:
    [ap] = [ap - 3] + [ap - 2], ap++;
    [ap] = [ap - 3] + [ap - 1], ap++;
    [ap] = [ap - 2] + [ap - 1], ap++;
    [ap] = [ap - 2] + [ap - 1], ap++;
    [ap] = [ap - 2] + [ap - 1], ap++;
    [ap] = [ap - 2] + [ap - 1], ap++;
    [ap] = [ap - 2] + [ap - 1], ap++;
    [ap] = [ap - 2] + [ap - 1], ap++;
    [ap] = [ap - 9] - 1, ap++;
    jmp terms if [ap - 1] != 0;
    done:
    let (end) = get_ap();
    let at = end + r;
    return at[-9];
}

// n! in the field: a factor a loop iteration, the product at [ap - 2] and the next
// factor at [ap - 1].
func fact(n: felt) -> felt {
    [ap] = 1, ap++;
    [ap] = n, ap++;
    jmp factors if [ap - 1] != 0;
    jmp done;
    factors:
    [ap] = [ap - 2] * [ap - 1], ap++;
    [ap] = [ap - 2] - 1, ap++;
    jmp factors if [ap - 1] != 0;
    done:
    [ap] = [ap - 2], ap++;
    ret;
}

// ERC20.transfer: the arguments must deserialize (a ContractAddress below 2^251, u128
// limbs), the recipient must not be 0, the sender must hold the amount, and the
// recipient's balance must not overflow. ok = 0 means the call reverts; the writes made
// so far are in the undo log.
func transfer{range_check_ptr, dict_ptr: DictAccess*}(
    sender: felt, recipient: felt, amount: Uint256, undo: Undo*
) -> (ok: felt, undo_end: Undo*) {
    alloc_locals;
    let valid_recipient = is_le_felt(recipient, MAX_ADDRESS);
    let valid_low = is_small(amount.low);
    let valid_high = is_small(amount.high);
    if (valid_recipient * valid_low * valid_high == 0) {
        return (ok=0, undo_end=undo);
    }
    if (recipient == 0) {
        return (ok=0, undo_end=undo);
    }
    let (local sender_record) = dict_read(sender);
    assert_present(sender_record);
    let (enough, new_sender_balance) = debit([cast(sender_record, Uint256*)], amount);
    if (enough == 0) {
        return (ok=0, undo_end=undo);
    }
    let new_sender_record = balance_record(new_sender_balance);
    dict_write(sender, new_sender_record);
    assert undo[0] = Undo(address=sender, previous=sender_record);
    // Read after the write: a transfer to oneself sees its own debit, as the contract.
    let (local recipient_record) = dict_read(recipient);
    assert_present(recipient_record);
    let (new_recipient_balance, carry) = credit([cast(recipient_record, Uint256*)], amount);
    if (carry != 0) {
        return (ok=0, undo_end=undo + Undo.SIZE);
    }
    let new_recipient_record = balance_record(new_recipient_balance);
    dict_write(recipient, new_recipient_record);
    assert undo[1] = Undo(address=recipient, previous=recipient_record);
    return (ok=1, undo_end=undo + 2 * Undo.SIZE);
}

// balance - amount and enough = 1 if amount <= balance; enough = 0 (and no difference)
// otherwise. Limbs are below 2^128. Balances and amounts below 2^128, the common case,
// take two steps of arithmetic and one range check instead of uint256's dozens.
func debit{range_check_ptr}(balance: Uint256, amount: Uint256) -> (enough: felt, rest: Uint256) {
    // Limbs are below 2^128, so the sum is 0 only when both are.
    if (balance.high + amount.high == 0) {
        let enough = is_small(balance.low - amount.low);
        return (enough=enough, rest=Uint256(low=balance.low - amount.low, high=0));
    }
    let (enough) = uint256_le(amount, balance);
    if (enough == 0) {
        return (enough=0, rest=balance);
    }
    let (rest) = uint256_sub(balance, amount);
    return (enough=1, rest=rest);
}

// balance + amount and its carry out of 256 bits (limbs below 2^128), as uint256_add.
func credit{range_check_ptr}(balance: Uint256, amount: Uint256) -> (sum: Uint256, carry: felt) {
    alloc_locals;
    if (balance.high + amount.high == 0) {
        // Below 2^129: it fits the low limb or carries 1 into the high one.
        local low = balance.low + amount.low;
        let fits = is_small(low);
        if (fits != 0) {
            return (sum=Uint256(low=low, high=0), carry=0);
        }
        return (sum=Uint256(low=low - 2 ** 128, high=1), carry=0);
    }
    let (sum, carry) = uint256_add(balance, amount);
    return (sum=sum, carry=carry);
}

// Fails on an address the balance table lacks (the input builder includes every address
// a transfer touches). Records are pointers, so this is a jump, not assert_not_zero.
func assert_present(record: felt) {
    if (record != 0) {
        return ();
    }
    assert record = 1;
    return ();
}

func balance_record(balance: Uint256) -> felt {
    let (record: Uint256*) = alloc();
    assert [record] = balance;
    return cast(record, felt);
}

// Takes back the writes in [start, end), last first.
func roll_back{dict_ptr: DictAccess*}(start: Undo*, end: Undo*) {
    if (end == start) {
        return ();
    }
    let last = end - Undo.SIZE;
    dict_write(last.address, last.previous);
    return roll_back(start, last);
}

// Applies moves the program did not compute (Transfer events of transactions it does not
// execute): each must be covered by the sender's balance.
func apply_moves{range_check_ptr, dict_ptr: DictAccess*}(moves: Move*, n: felt) {
    alloc_locals;
    if (n == 0) {
        return ();
    }
    let (scratch: Undo*) = alloc();
    let (ok, _) = transfer(moves.sender, moves.recipient, Uint256(moves.low, moves.high), scratch);
    assert ok = 1;
    return apply_moves(moves + Move.SIZE, n - 1);
}
