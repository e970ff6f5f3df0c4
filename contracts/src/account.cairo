//! A minimal account: one Stark-curve public key; a transaction is valid when its
//! signature `[r, s]` is an ECDSA signature of the transaction hash under that key.
//! `__execute__` runs a multicall and returns each call's return data.
//!
//! The signature check accepts exactly what the core library's `check_ecdsa_signature`
//! accepts, computed in the textbook form: with w = s^-1 (mod the curve order),
//! (z·w)·G ± (r·w)·Q must have x-coordinate r. The key's y-coordinate is found once, at
//! deployment, so a check takes no square root of its own (the core library takes two,
//! for Q and for the point R with x = r, and they were most of a transfer's execution
//! time) and two scalar multiplications instead of three.

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
    use core::ec::{EcPointTrait, EcStateTrait, stark_curve};
    use core::math::{u256_inv_mod, u256_mul_mod_n};
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
        /// The even y-coordinate of the curve point whose x-coordinate is the key (either
        /// would do, the check tries both signs; the even one is what genesis writes too).
        public_key_y: felt252,
    }

    #[constructor]
    fn constructor(ref self: ContractState, public_key: felt252) {
        // A key that is no point's x-coordinate could never sign: refuse the deployment.
        let point = EcPointTrait::new_nz_from_x(public_key).expect('Account: invalid public key');
        let y = point.y();
        let y_bits: u256 = y.into();
        // The prime is odd, so of y and -y exactly one is even.
        let even_y = if y_bits.low & 1 == 1 { -y } else { y };
        self.public_key.write(public_key);
        self.public_key_y.write(even_y);
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
            let (r, s) = (*signature[0], *signature[1]);
            // As the core library: s must be invertible (s is below 2 x ORDER, so s = 0
            // and s = ORDER are its only multiples of the order), and r is neither 0 nor
            // ORDER (r = 0 is no point's x-coordinate there, so no signature has it).
            if s == 0 || s == stark_curve::ORDER || r == 0 || r == stark_curve::ORDER {
                return false;
            }
            let key = match EcPointTrait::new_nz(self.public_key.read(), self.public_key_y.read()) {
                Some(point) => point,
                None => { return false; },
            };
            let order: u256 = stark_curve::ORDER.into();
            let order: NonZero<u256> = order.try_into().unwrap();
            let s: u256 = s.into();
            let w: u256 = match u256_inv_mod(s % order.into(), order) {
                Some(w) => w.into(),
                None => { return false; },
            };
            // Both below the order, so below the field's prime.
            let u1: felt252 = u256_mul_mod_n(hash.into(), w, order).try_into().unwrap();
            let u2: felt252 = u256_mul_mod_n(r.into(), w, order).try_into().unwrap();
            let generator = EcPointTrait::new_nz(stark_curve::GEN_X, stark_curve::GEN_Y).unwrap();
            // One state, copied: each `init` draws a random curve point, a square root
            // under Cairo Native.
            let init = EcStateTrait::init();
            let mut u1_g = init.clone();
            u1_g.add_mul(u1, generator);
            let mut u2_q = init;
            u2_q.add_mul(u2, key);
            // u2 is not 0 (r is not a multiple of the order), nor is the key.
            let u2_q = match u2_q.finalize_nz() {
                Some(point) => point,
                None => { return false; },
            };
            // z·G + r·Q = ±s·R, i.e. w·(z·G + r·Q) = ±R: its x-coordinate is r. Q's sign
            // is unknown, so minus too.
            let mut plus = u1_g.clone();
            plus.add(u2_q);
            if let Some(point) = plus.finalize_nz() {
                if point.x() == r {
                    return true;
                }
            }
            let mut minus = u1_g;
            minus.sub(u2_q);
            if let Some(point) = minus.finalize_nz() {
                if point.x() == r {
                    return true;
                }
            }
            false
        }
    }
}
