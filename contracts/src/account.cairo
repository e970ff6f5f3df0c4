//! A minimal account: one Stark-curve public key; a transaction is valid when its
//! signature `[r, s]` is an ECDSA signature of the transaction hash under that key.
//! `__execute__` runs a multicall and returns each call's return data.

use starknet::account::Call;

#[starknet::interface]
pub trait IAccount<TContractState> {
    fn __validate__(self: @TContractState, calls: Array<Call>) -> felt252;
    fn __execute__(ref self: TContractState, calls: Array<Call>) -> Array<Span<felt252>>;
    fn __validate_declare__(self: @TContractState, class_hash: felt252) -> felt252;
    fn __validate_deploy__(
        self: @TContractState,
        class_hash: felt252,
        contract_address_salt: felt252,
        public_key: felt252,
    ) -> felt252;
    fn is_valid_signature(
        self: @TContractState, hash: felt252, signature: Array<felt252>,
    ) -> felt252;
    fn supports_interface(self: @TContractState, interface_id: felt252) -> bool;
    fn get_public_key(self: @TContractState) -> felt252;
}

// `account` lets the contract define the account entry points (`__validate__`, `__execute__`, ...).
#[starknet::contract(account)]
pub mod Account {
    use core::ecdsa::check_ecdsa_signature;
    use core::num::traits::Zero;
    use starknet::account::Call;
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};
    use starknet::syscalls::call_contract_syscall;
    use starknet::{SyscallResultTrait, VALIDATED, get_caller_address, get_tx_info};

    // SRC-6 (account) and SRC-5 (introspection) interface ids, as published in SNIP-6/SNIP-5.
    const ISRC6_ID: felt252 = 0x2ceccef7f994940b3962a6c67e0ba4fcd37df7d131417c604f91e03caecc1cd;
    const ISRC5_ID: felt252 = 0x3f918d17e5ee77373b56385708f855659a07f75997f365cf87748628532a055;

    #[storage]
    struct Storage {
        public_key: felt252,
    }

    #[constructor]
    fn constructor(ref self: ContractState, public_key: felt252) {
        self.public_key.write(public_key);
    }

    #[abi(embed_v0)]
    impl AccountImpl of super::IAccount<ContractState> {
        fn __validate__(self: @ContractState, calls: Array<Call>) -> felt252 {
            self.validate_tx_signature()
        }

        fn __execute__(ref self: ContractState, calls: Array<Call>) -> Array<Span<felt252>> {
            // Only the protocol (caller 0) may execute, so other contracts cannot spend
            // on the account's behalf without a validated signature.
            assert(get_caller_address().is_zero(), 'Account: invalid caller');
            let mut results = array![];
            for call in calls {
                let Call { to, selector, calldata } = call;
                results.append(call_contract_syscall(to, selector, calldata).unwrap_syscall());
            }
            results
        }

        fn __validate_declare__(self: @ContractState, class_hash: felt252) -> felt252 {
            self.validate_tx_signature()
        }

        fn __validate_deploy__(
            self: @ContractState,
            class_hash: felt252,
            contract_address_salt: felt252,
            public_key: felt252,
        ) -> felt252 {
            self.validate_tx_signature()
        }

        fn is_valid_signature(
            self: @ContractState, hash: felt252, signature: Array<felt252>,
        ) -> felt252 {
            if self.is_valid(hash, signature.span()) {
                VALIDATED
            } else {
                0
            }
        }

        fn supports_interface(self: @ContractState, interface_id: felt252) -> bool {
            interface_id == ISRC6_ID || interface_id == ISRC5_ID
        }

        fn get_public_key(self: @ContractState) -> felt252 {
            self.public_key.read()
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn validate_tx_signature(self: @ContractState) -> felt252 {
            let tx_info = get_tx_info().unbox();
            assert(
                self.is_valid(tx_info.transaction_hash, tx_info.signature),
                'Account: invalid signature',
            );
            VALIDATED
        }

        fn is_valid(self: @ContractState, hash: felt252, signature: Span<felt252>) -> bool {
            if signature.len() != 2 {
                return false;
            }
            check_ecdsa_signature(hash, self.public_key.read(), *signature[0], *signature[1])
        }
    }
}
