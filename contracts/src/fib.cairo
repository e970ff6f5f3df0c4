//! Computes Fibonacci numbers in the field and keeps the last result, so each invoke
//! changes state (and the state root moves).

#[starknet::interface]
pub trait IFib<TContractState> {
    /// fib(0) = 0, fib(1) = 1, fib(n) = fib(n-1) + fib(n-2), all mod the Stark prime.
    fn fib(ref self: TContractState, n: u64) -> felt252;
    fn last_result(self: @TContractState) -> felt252;
}

#[starknet::contract]
pub mod Fib {
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};

    #[storage]
    struct Storage {
        last_result: felt252,
    }

    #[abi(embed_v0)]
    impl FibImpl of super::IFib<ContractState> {
        fn fib(ref self: ContractState, n: u64) -> felt252 {
            let mut a: felt252 = 0;
            let mut b: felt252 = 1;
            let mut i: u64 = 0;
            while i != n {
                let next = a + b;
                a = b;
                b = next;
                i += 1;
            }
            self.last_result.write(a);
            a
        }

        fn last_result(self: @ContractState) -> felt252 {
            self.last_result.read()
        }
    }
}
