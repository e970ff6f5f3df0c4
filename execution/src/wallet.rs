//! Accounts and signed transactions, as a client builds them: keys derived from a seed,
//! multicall calldata for Kraken's account contract, v3 resource bounds, the Starknet
//! transaction hash signed with Stark-curve ECDSA (RFC 6979 nonces, so deterministic).

use starknet_api::abi::abi_utils::selector_from_name;
use starknet_api::core::{ChainId, ClassHash, ContractAddress, Nonce};
use starknet_api::data_availability::DataAvailabilityMode;
use starknet_api::execution_resources::GasAmount;
use starknet_api::block::GasPrice;
use starknet_api::rpc_transaction::{
    RpcDeclareTransaction, RpcDeclareTransactionV3, RpcDeployAccountTransaction,
    RpcDeployAccountTransactionV3, RpcInvokeTransaction, RpcInvokeTransactionV3, RpcTransaction,
};
use starknet_api::state::SierraContractClass;
use starknet_api::transaction::fields::{
    AccountDeploymentData, AllResourceBounds, Calldata, ContractAddressSalt, PaymasterData,
    ResourceBounds, Tip, TransactionSignature,
};
use starknet_api::transaction::{DeclareTransactionV3, TransactionHasher, TransactionVersion};
use starknet_api::core::CompiledClassHash;
use starknet_types_core::felt::Felt;
use kraken_starknet::felt::{from_pathfinder, to_pathfinder};
use pathfinder_crypto::signature::ecdsa_sign_k;
use starknet_types_core::hash::{Poseidon, StarkHash};

use crate::context::{L1_DATA_GAS_PRICE, L1_GAS_PRICE, L2_GAS_PRICE};
use crate::genesis::address_of;

/// Order of the Stark curve's generator: private keys live in [1, order).
pub const CURVE_ORDER: Felt = Felt::from_hex_unchecked("0x0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f");

/// One account contract and its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub address: Felt,
    pub private_key: Felt,
    pub public_key: Felt,
}

impl Account {
    /// The `index`-th account of a genesis seeded with `seed`: its key is a Poseidon hash
    /// of both, reduced into the curve's scalar range; its address is where a
    /// DeployAccount of `class` with salt = calldata = the public key lands.
    pub fn derive(seed: u64, index: u32, class: ClassHash) -> Account {
        let h = Poseidon::hash(&Felt::from(seed), &Felt::from(index));
        let private_key = Felt::ONE + Felt::from(h.to_biguint() % (CURVE_ORDER - Felt::ONE).to_biguint());
        Account::from_key(private_key, class)
    }

    pub fn from_key(private_key: Felt, class: ClassHash) -> Account {
        let public_key = starknet_crypto::get_public_key(&private_key);
        let address = address_of(public_key, class, &[public_key]);
        Account { address, private_key, public_key }
    }

    /// `[r, s]` over `hash`: starknet-crypto's signature for RFC 6979's nonce, computed
    /// with pathfinder-crypto's precomputed multiples of the generator. A load client
    /// signs every transaction it sends, on the cores of the cluster it measures, and
    /// starknet-crypto's generic multiplication was most of the client's CPU.
    pub fn sign(&self, hash: Felt) -> Vec<Felt> {
        let k = starknet_crypto::rfc6979_generate_k(&hash, &self.private_key, None);
        let (r, s) = ecdsa_sign_k(to_pathfinder(&self.private_key), to_pathfinder(&hash), to_pathfinder(&k))
            .expect("RFC 6979 gives a valid nonce, and a hash at or past the curve order has odds of about 2^-128");
        let (r, s) = (from_pathfinder(r), from_pathfinder(s));
        // As starknet-crypto: both below 2^251 (s at or past it has odds of about 2^-59).
        assert!(s.bits() <= 251, "RFC 6979 gives a valid nonce");
        vec![r, s]
    }
}

/// One call of a multicall.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub to: Felt,
    pub selector: Felt,
    pub calldata: Vec<Felt>,
}

impl Call {
    pub fn new(to: Felt, entry_point: &str, calldata: Vec<Felt>) -> Call {
        Call { to, selector: selector_from_name(entry_point).0, calldata }
    }
}

/// `__execute__`'s calldata: the calls as a Cairo `Array<Call>`.
pub fn multicall_calldata(calls: &[Call]) -> Vec<Felt> {
    let mut out = vec![Felt::from(calls.len())];
    for call in calls {
        out.extend([call.to, call.selector, Felt::from(call.calldata.len())]);
        out.extend(call.calldata.iter().copied());
    }
    out
}

/// How much gas a transaction may use; priced at twice the chain's fixed prices.
#[derive(Clone, Copy, Debug)]
pub struct GasLimits {
    pub l1_gas: u64,
    pub l1_data_gas: u64,
    pub l2_gas: u64,
}

impl Default for GasLimits {
    fn default() -> Self {
        GasLimits { l1_gas: 0, l1_data_gas: 2_000, l2_gas: 50_000_000 }
    }
}

impl GasLimits {
    pub fn bounds(&self) -> AllResourceBounds {
        let bound = |amount, price: u128| ResourceBounds { max_amount: GasAmount(amount), max_price_per_unit: GasPrice(price * 2) };
        AllResourceBounds {
            l1_gas: bound(self.l1_gas, L1_GAS_PRICE),
            l2_gas: bound(self.l2_gas, L2_GAS_PRICE),
            l1_data_gas: bound(self.l1_data_gas, L1_DATA_GAS_PRICE),
        }
    }

    /// The most a transaction with these bounds can be charged, in fri.
    pub fn max_fee(&self) -> u128 {
        let b = self.bounds();
        [b.l1_gas, b.l2_gas, b.l1_data_gas].iter().map(|r| u128::from(r.max_amount.0) * r.max_price_per_unit.0).sum()
    }
}

/// A signed transaction and its hash.
#[derive(Clone, Debug)]
pub struct SignedTx {
    pub tx: RpcTransaction,
    pub hash: Felt,
}

impl SignedTx {
    /// The bytes it travels as through the mempool and consensus: its JSON-RPC form,
    /// so what a client submits is exactly what nodes execute.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(&self.tx).expect("a transaction serializes")
    }
}

/// A signed v3 invoke of `calls` from `account`.
pub fn invoke(account: &Account, nonce: Felt, calls: &[Call], limits: GasLimits, chain_id: &ChainId) -> SignedTx {
    let mut tx = RpcInvokeTransactionV3 {
        sender_address: contract_address(account.address),
        calldata: Calldata(multicall_calldata(calls).into()),
        signature: TransactionSignature::default(),
        nonce: Nonce(nonce),
        resource_bounds: limits.bounds(),
        tip: Tip(0),
        paymaster_data: PaymasterData(vec![]),
        account_deployment_data: AccountDeploymentData(vec![]),
        nonce_data_availability_mode: DataAvailabilityMode::L1,
        fee_data_availability_mode: DataAvailabilityMode::L1,
    };
    let hash = tx.calculate_transaction_hash(chain_id, &TransactionVersion::THREE).expect("hashable").0;
    tx.signature = TransactionSignature(account.sign(hash).into());
    SignedTx { tx: RpcTransaction::Invoke(RpcInvokeTransaction::V3(tx)), hash }
}

/// A signed v3 deploy-account of `account` (salt and constructor calldata: its public
/// key), which must have been funded at its future address.
pub fn deploy_account(account: &Account, class: ClassHash, limits: GasLimits, chain_id: &ChainId) -> SignedTx {
    let mut tx = RpcDeployAccountTransactionV3 {
        signature: TransactionSignature::default(),
        nonce: Nonce(Felt::ZERO),
        class_hash: class,
        contract_address_salt: ContractAddressSalt(account.public_key),
        constructor_calldata: Calldata(vec![account.public_key].into()),
        resource_bounds: limits.bounds(),
        tip: Tip(0),
        paymaster_data: PaymasterData(vec![]),
        nonce_data_availability_mode: DataAvailabilityMode::L1,
        fee_data_availability_mode: DataAvailabilityMode::L1,
    };
    let hash = tx.calculate_transaction_hash(chain_id, &TransactionVersion::THREE).expect("hashable").0;
    tx.signature = TransactionSignature(account.sign(hash).into());
    SignedTx { tx: RpcTransaction::DeployAccount(RpcDeployAccountTransaction::V3(tx)), hash }
}

/// A signed v3 declare of `class` (Sierra) whose CASM hashes to `compiled_class_hash`.
pub fn declare(
    account: &Account,
    nonce: Felt,
    class: SierraContractClass,
    compiled_class_hash: CompiledClassHash,
    limits: GasLimits,
    chain_id: &ChainId,
) -> SignedTx {
    let mut tx = RpcDeclareTransactionV3 {
        sender_address: contract_address(account.address),
        compiled_class_hash,
        signature: TransactionSignature::default(),
        nonce: Nonce(nonce),
        contract_class: class,
        resource_bounds: limits.bounds(),
        tip: Tip(0),
        paymaster_data: PaymasterData(vec![]),
        account_deployment_data: AccountDeploymentData(vec![]),
        nonce_data_availability_mode: DataAvailabilityMode::L1,
        fee_data_availability_mode: DataAvailabilityMode::L1,
    };
    let hash = DeclareTransactionV3::from(tx.clone())
        .calculate_transaction_hash(chain_id, &TransactionVersion::THREE)
        .expect("hashable")
        .0;
    tx.signature = TransactionSignature(account.sign(hash).into());
    SignedTx { tx: RpcTransaction::Declare(RpcDeclareTransaction::V3(tx)), hash }
}

pub(crate) fn contract_address(address: Felt) -> ContractAddress {
    ContractAddress::try_from(address).expect("account addresses are valid addresses")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_starknet_crypto_s_for_the_same_nonce() {
        let class = ClassHash(Felt::from(0xc1a55u64));
        for index in 0..40u32 {
            let account = Account::derive(7, index, class);
            // Hashes over the whole field, the top included.
            let hash = Poseidon::hash(&Felt::from(index), &Felt::MAX) * Felt::from(index + 1);
            let k = starknet_crypto::rfc6979_generate_k(&hash, &account.private_key, None);
            let reference = starknet_crypto::sign(&account.private_key, &hash, &k).unwrap();
            assert_eq!(account.sign(hash), vec![reference.r, reference.s], "account {index}, hash {hash:#x}");
            assert!(starknet_crypto::verify(&account.public_key, &hash, &reference.r, &reference.s).unwrap());
        }
    }
}
