//! A Universal Deployer Contract (UDC): deploys an instance of any declared class for its
//! caller through the `deploy` syscall, as Starknet's deployers do, and reports each
//! deployment in a `ContractDeployed` event.
//!
//! Two entry points take the same arguments and do the same thing:
//! - `deployContract(classHash, salt, unique, calldata)`: what starknet-rs's
//!   `ContractFactory` calls (starknet-contract 0.16, in starknet 0.17), whichever UDC it
//!   targets, and the entry point of the original (Cairo 0) UDC. A Cairo 0 `felt*`
//!   argument with its length before it is laid out as a `Span<felt252>`, so the calldata
//!   is `[class_hash, salt, unique, len, ...constructor calldata]` either way;
//! - `deploy_contract(class_hash, salt, not_from_zero, calldata)`: the snake-case name of
//!   the current (Cairo 1) UDC.
//!
//! The flag (`unique`, renamed `not_from_zero`) chooses the address:
//! - false: the deployment is made "from zero", its address is
//!   `calculate_contract_address(salt, class_hash, calldata, deployer = 0)`, as if it had
//!   no deployer: anyone deploying the same class with the same salt and calldata gets it;
//! - true: the salt is first bound to the caller, `pedersen(caller, salt)`, and the deployer
//!   in the address is this contract: `calculate_contract_address(pedersen(caller, salt),
//!   class_hash, calldata, deployer = this contract's address)`. That is the address
//!   starknet-rs's `get_udc_deployed_address` predicts.
//!
//! The event's data is `[address, deployer (the caller), flag, class_hash, calldata_len,
//! ...calldata, salt (as given, before hashing)]`, the layout of both the Cairo 0 and the
//! Cairo 1 UDC's `ContractDeployed`.

use starknet::{ClassHash, ContractAddress};

#[starknet::interface]
pub trait IUniversalDeployer<TContractState> {
    fn deploy_contract(
        ref self: TContractState,
        class_hash: ClassHash,
        salt: felt252,
        not_from_zero: bool,
        calldata: Span<felt252>,
    ) -> ContractAddress;
    fn deployContract(
        ref self: TContractState,
        classHash: ClassHash,
        salt: felt252,
        unique: bool,
        calldata: Span<felt252>,
    ) -> ContractAddress;
}

#[starknet::contract]
pub mod UniversalDeployer {
    use core::pedersen::pedersen;
    use starknet::syscalls::deploy_syscall;
    use starknet::{ClassHash, ContractAddress, SyscallResultTrait, get_caller_address};

    #[storage]
    struct Storage {}

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        ContractDeployed: ContractDeployed,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ContractDeployed {
        pub address: ContractAddress,
        pub deployer: ContractAddress,
        pub not_from_zero: bool,
        pub class_hash: ClassHash,
        pub calldata: Span<felt252>,
        pub salt: felt252,
    }

    #[abi(embed_v0)]
    impl UniversalDeployerImpl of super::IUniversalDeployer<ContractState> {
        fn deploy_contract(
            ref self: ContractState,
            class_hash: ClassHash,
            salt: felt252,
            not_from_zero: bool,
            calldata: Span<felt252>,
        ) -> ContractAddress {
            self.deploy(class_hash, salt, not_from_zero, calldata)
        }

        fn deployContract(
            ref self: ContractState,
            classHash: ClassHash,
            salt: felt252,
            unique: bool,
            calldata: Span<felt252>,
        ) -> ContractAddress {
            self.deploy(classHash, salt, unique, calldata)
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn deploy(
            ref self: ContractState,
            class_hash: ClassHash,
            salt: felt252,
            not_from_zero: bool,
            calldata: Span<felt252>,
        ) -> ContractAddress {
            let deployer = get_caller_address();
            // Bound to the caller, the salt yields an address no other caller can take.
            let address_salt = if not_from_zero {
                pedersen(deployer.into(), salt)
            } else {
                salt
            };
            // A failed deployment (class not declared, address taken, constructor failing)
            // fails the call.
            let (address, _) = deploy_syscall(class_hash, address_salt, calldata, !not_from_zero)
                .unwrap_syscall();
            self.emit(ContractDeployed { address, deployer, not_from_zero, class_hash, calldata, salt });
            address
        }
    }
}
