//! The state before block 1, built identically by every node from the genesis config:
//! the five genesis contract classes declared (account, ERC-20, fib, fact, UDC), a fee
//! token (STRK-like) and a user token (KRK) deployed, `accounts` accounts with keys derived
//! from the seed and funded in both tokens, one fib and one fact contract, and the
//! Universal Deployer Contract at both of Starknet's UDC addresses. Contracts are
//! predeployed by writing their constructor's storage directly, as devnets do; the
//! addresses of all but the UDCs are the ones a deployment with the same salt would give,
//! the UDCs sit at the fixed addresses clients (starknet-rs's `ContractFactory`) send
//! deployments to.

use kraken_starknet::felt::short_string;
use serde::{Deserialize, Serialize};
use starknet_api::abi::abi_utils::get_storage_var_address;
use starknet_api::core::{calculate_contract_address, ClassHash, ContractAddress};
use starknet_api::transaction::fields::{Calldata, ContractAddressSalt};
use starknet_types_core::curve::AffinePoint;
use starknet_types_core::felt::Felt;

use crate::class::CompiledClass;
use crate::context::ChainConfig;
use crate::diff::BlockDiff;
use crate::wallet::Account;

/// The compiled genesis contracts (see contracts/README.md), embedded in the binary.
pub mod artifacts {
    macro_rules! artifact {
        ($name:literal) => {
            (
                include_str!(concat!("../../contracts/build/", $name, ".contract_class.json")),
                include_str!(concat!("../../contracts/build/", $name, ".compiled_contract_class.json")),
            )
        };
    }
    pub const ACCOUNT: (&str, &str) = artifact!("account");
    pub const ERC20: (&str, &str) = artifact!("erc20");
    pub const FIB: (&str, &str) = artifact!("fib");
    pub const FACT: (&str, &str) = artifact!("fact");
    pub const UDC: (&str, &str) = artifact!("udc");
    /// Not in genesis: a class for tests to declare and deploy.
    pub const COUNTER: (&str, &str) = artifact!("counter");
}

/// Where the current (Cairo 1) Universal Deployer Contract lives on Starknet, and where
/// starknet-rs's `ContractFactory` sends deployments with `UdcSelector::New` (the default
/// selector).
pub const UDC_ADDRESS: &str = "0x02ceed65a4bd731034c01113685c831b01c15d7d432f71afb1cf1634b53a2125";
/// Where the original (Cairo 0) Universal Deployer Contract lives on Starknet, and where
/// starknet-rs's deprecated `ContractFactory::new` (`UdcSelector::Legacy`) sends
/// deployments. Kraken runs its Cairo 1 UDC here too: both entry points take the same calldata.
pub const LEGACY_UDC_ADDRESS: &str = "0x041a78e741e5af2fec34b695679bc6891742439f7afb8484ecd7766661ad02bf";

/// How to build genesis. Every node of a chain must use the same values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GenesisConfig {
    pub chain_id: String,
    /// Number of funded accounts.
    pub accounts: u32,
    /// Seed the account keys derive from.
    pub seed: u64,
    /// Initial balance of every account in each token, in the token's smallest unit.
    /// TOML integers stop at 2^63, so larger values are written as a decimal string.
    #[serde(with = "u128_text")]
    pub balance: u128,
}

/// A `u128` written as a decimal string, and read from an integer or a string.
mod u128_text {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Text {
            Int(u64),
            Str(String),
        }
        match Text::deserialize(d)? {
            Text::Int(v) => Ok(v.into()),
            Text::Str(s) => s.parse().map_err(|_| D::Error::custom(format!("`{s}` is not a non-negative integer below 2^128"))),
        }
    }
}

impl Default for GenesisConfig {
    fn default() -> Self {
        GenesisConfig { chain_id: "KRAKEN".into(), accounts: 64, seed: 0, balance: 1_000_000_000_000_000_000_000_000 }
    }
}

/// Where genesis put everything.
#[derive(Clone, Debug)]
pub struct Genesis {
    pub chain: ChainConfig,
    pub diff: BlockDiff,
    pub accounts: Vec<Account>,
    pub account_class: ClassHash,
    pub erc20_class: ClassHash,
    pub fib_class: ClassHash,
    pub fact_class: ClassHash,
    pub udc_class: ClassHash,
    /// The user token (KRK); the fee token is `chain.fee_token`.
    pub token: Felt,
    pub fib: Felt,
    pub fact: Felt,
    /// The Universal Deployer Contract at [`UDC_ADDRESS`].
    pub udc: Felt,
    /// The same contract at [`LEGACY_UDC_ADDRESS`].
    pub legacy_udc: Felt,
}

/// The address fees are paid to: a fixed non-zero address (tokens refuse transfers to 0).
pub fn sequencer_address() -> Felt {
    short_string("KRAKEN_SEQUENCER")
}

impl Genesis {
    pub fn build(config: &GenesisConfig) -> Genesis {
        let class = |(sierra, casm): (&str, &str)| {
            CompiledClass::from_artifacts(sierra, casm).expect("the embedded contract artifacts are valid")
        };
        let classes = [artifacts::ACCOUNT, artifacts::ERC20, artifacts::FIB, artifacts::FACT, artifacts::UDC].map(class);
        let [account_class, erc20_class, fib_class, fact_class, udc_class] = classes.clone().map(|c| c.class_hash);

        let mut diff = BlockDiff::default();
        for c in &classes {
            diff.state.declared_classes.insert(c.class_hash.0, c.compiled_class_hash.0);
        }
        diff.new_classes = classes.to_vec();

        let accounts: Vec<Account> =
            (0..config.accounts).map(|i| Account::derive(config.seed, i, account_class)).collect();
        for account in &accounts {
            deploy(&mut diff, account.address, account_class);
            write(&mut diff, account.address, "public_key", &[], account.public_key);
            write(&mut diff, account.address, "public_key_y", &[], key_point_y(account));
        }

        let fee_token = predeployed_address("STRK", erc20_class);
        let token = predeployed_address("KRK", erc20_class);
        for (address, name, symbol) in [(fee_token, "Starknet Token", "STRK"), (token, "Kraken Token", "KRK")] {
            deploy(&mut diff, address, erc20_class);
            write(&mut diff, address, "ERC20_name", &[], short_string(name));
            write(&mut diff, address, "ERC20_symbol", &[], short_string(symbol));
            write(&mut diff, address, "ERC20_decimals", &[], Felt::from(18u8));
            let supply = config.balance.checked_mul(accounts.len() as u128).expect("total supply fits in u128");
            write_u256(&mut diff, address, "ERC20_total_supply", &[], supply);
            for account in &accounts {
                write_u256(&mut diff, address, "ERC20_balances", &[account.address], config.balance);
            }
        }
        let fib = predeployed_address("FIB", fib_class);
        let fact = predeployed_address("FACT", fact_class);
        deploy(&mut diff, fib, fib_class);
        deploy(&mut diff, fact, fact_class);
        // The UDC has no storage: deploying it is setting its class.
        let udc = Felt::from_hex(UDC_ADDRESS).expect("constant");
        let legacy_udc = Felt::from_hex(LEGACY_UDC_ADDRESS).expect("constant");
        deploy(&mut diff, udc, udc_class);
        deploy(&mut diff, legacy_udc, udc_class);

        Genesis {
            chain: ChainConfig { chain_id: config.chain_id.clone(), fee_token, sequencer_address: sequencer_address() },
            diff,
            accounts,
            account_class,
            erc20_class,
            fib_class,
            fact_class,
            udc_class,
            token,
            fib,
            fact,
            udc,
            legacy_udc,
        }
    }
}

/// What the account's constructor stores beside its key: the even y-coordinate of the
/// curve point whose x-coordinate is the key. That point is the private key times the
/// generator, so it takes a scalar multiplication here, not the square root the
/// constructor takes (several times faster, for every genesis account).
fn key_point_y(account: &Account) -> Felt {
    let point = &AffinePoint::generator() * account.private_key;
    debug_assert_eq!(point.x(), account.public_key);
    let y = point.y();
    if y.to_bytes_le()[0] & 1 == 1 {
        -y
    } else {
        y
    }
}

/// The address a deployment of `class` with salt `name` and no constructor calldata by
/// the zero deployer gets.
fn predeployed_address(name: &str, class: ClassHash) -> Felt {
    address_of(short_string(name), class, &[])
}

pub(crate) fn address_of(salt: Felt, class: ClassHash, calldata: &[Felt]) -> Felt {
    deployed_address(salt, class, calldata, Felt::ZERO)
}

/// The address the `deploy` syscall gives a deployment of `class` with `salt` and
/// constructor `calldata` by `deployer` (zero: "from zero", and deploy-account).
pub fn deployed_address(salt: Felt, class: ClassHash, calldata: &[Felt], deployer: Felt) -> Felt {
    let deployer = ContractAddress::try_from(deployer).expect("the deployer is a valid address");
    let address =
        calculate_contract_address(ContractAddressSalt(salt), class, &Calldata(calldata.to_vec().into()), deployer)
            .expect("a Pedersen hash is a valid address");
    *address.0.key()
}

fn deploy(diff: &mut BlockDiff, address: Felt, class: ClassHash) {
    diff.state.class_hashes.insert(address, class.0);
}

fn write(diff: &mut BlockDiff, address: Felt, var: &str, keys: &[Felt], value: Felt) {
    let key = *get_storage_var_address(var, keys).0.key();
    diff.state.storage_updates.entry(address).or_default().insert(key, value);
}

/// A `u256` storage variable below 2^128: the low word at the variable's address (the
/// high word, at the next address, stays zero and so unwritten).
fn write_u256(diff: &mut BlockDiff, address: Felt, var: &str, keys: &[Felt], value: u128) {
    write(diff, address, var, keys, Felt::from(value));
}
