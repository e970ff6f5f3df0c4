//! A counter: the constructor sets its initial value, `increase` adds to it (in the field)
//! and emits `Increased`, `get` reads it. Not part of genesis: tests declare it as a new
//! class and deploy it through the UDC.

#[starknet::interface]
pub trait ICounter<TContractState> {
    fn increase(ref self: TContractState, amount: felt252);
    fn get(self: @TContractState) -> felt252;
}

#[starknet::contract]
pub mod Counter {
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};

    #[storage]
    struct Storage {
        value: felt252,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Increased: Increased,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Increased {
        pub amount: felt252,
        pub new_value: felt252,
    }

    #[constructor]
    fn constructor(ref self: ContractState, initial: felt252) {
        self.value.write(initial);
    }

    #[abi(embed_v0)]
    impl CounterImpl of super::ICounter<ContractState> {
        fn increase(ref self: ContractState, amount: felt252) {
            let new_value = self.value.read() + amount;
            self.value.write(new_value);
            self.emit(Increased { amount, new_value });
        }

        fn get(self: @ContractState) -> felt252 {
            self.value.read()
        }
    }
}
