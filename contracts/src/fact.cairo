//! Computes factorials in the field and keeps the last result, so each invoke changes
//! state (and the state root moves).

#[starknet::interface]
pub trait IFact<TContractState> {
    /// fact(0) = 1, fact(n) = n * fact(n-1), mod the Stark prime.
    fn fact(ref self: TContractState, n: u64) -> felt252;
    fn last_result(self: @TContractState) -> felt252;
}

#[starknet::contract]
pub mod Fact {
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};

    #[storage]
    struct Storage {
        last_result: felt252,
    }

    #[abi(embed_v0)]
    impl FactImpl of super::IFact<ContractState> {
        fn fact(ref self: ContractState, n: u64) -> felt252 {
            let mut acc: felt252 = 1;
            let mut i: u64 = 1;
            while i <= n {
                acc = acc * i.into();
                i += 1;
            }
            self.last_result.write(acc);
            acc
        }

        fn last_result(self: @ContractState) -> felt252 {
            self.last_result.read()
        }
    }
}
