//! End to end: a running Kraken cluster, driven through its Starknet JSON-RPC (spec
//! v0.9.0) by starknet-rs, the Rust client wallets and tools use.
//!
//! The cluster must already be running. Two variables say where it is:
//! - `KRAKEN_RPC`: a node's JSON-RPC URL (e.g. `http://127.0.0.1:9545`);
//! - `KRAKEN_GENESIS`: the JSON file `kraken genesis` wrote for that cluster (chain id,
//!   token and contract addresses, funded accounts and their keys).
//!
//! `make test-e2e` starts a local cluster, sets both and runs this test. Without them the
//! test fails (it never passes without having talked to a cluster).
//!
//! The steps run in order, each on what the previous one left: fund a fresh account,
//! deploy it, declare the `counter` class from it, deploy a counter through the UDC,
//! increase it, read it back (storage and call), page through its events, move KRK and
//! check the balance; and a badly signed transaction is refused with the Starknet error
//! code for a failed validation. Only the last genesis account is used, to stay clear of
//! load clients, which use the first ones. Every run uses a fresh key and fresh salts,
//! so the test can run again against the same cluster.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use starknet::accounts::{
    Account, AccountError, AccountFactory, ConnectedAccount, ExecutionEncoding,
    OpenZeppelinAccountFactory, SingleOwnerAccount,
};
use starknet::contract::{ContractFactory, UdcSelector};
use starknet::core::types::contract::{CompiledClass, SierraClass};
use starknet::core::types::{
    BlockId, BlockTag, Call, ContractClass, EventFilter, ExecutionResult, FeePayment, Felt,
    FunctionCall, MaybePreConfirmedBlockWithReceipts, MaybePreConfirmedBlockWithTxHashes,
    MaybePreConfirmedBlockWithTxs, PriceUnit, StarknetError, SyncStatusType, Transaction,
    TransactionExecutionStatus, TransactionFinalityStatus, TransactionReceipt,
    TransactionReceiptWithBlockInfo, TransactionStatus,
};
use starknet::core::utils::{
    cairo_short_string_to_felt, get_selector_from_name, get_storage_var_address,
};
use starknet::providers::jsonrpc::{HttpTransport, JsonRpcClient};
use starknet::providers::{Provider, ProviderError, Url};
use starknet::signers::{LocalWallet, SigningKey};

type Client = Arc<JsonRpcClient<HttpTransport>>;
type Wallet = SingleOwnerAccount<Client, LocalWallet>;

const SPEC_VERSION: &str = "0.9.0";
/// How long a submitted transaction may take to get a receipt.
const RECEIPT_TIMEOUT: Duration = Duration::from_secs(60);
/// STRK (fee token, in fri) the fresh account is funded with: far more than its deploy,
/// declare and invokes cost at Kraken's gas prices.
const FUNDING: u128 = 1_000_000_000_000_000_000;
/// KRK moved to the fresh account.
const KRK_AMOUNT: u128 = 123_456_789;
const COUNTER_INITIAL: u64 = 10;
const INCREASES: [u64; 2] = [5, 7];

const HOW_TO_RUN: &str = "this test drives an already running Kraken cluster. Run it with `make test-e2e` \
(it starts a fresh 4-node cluster, sets KRAKEN_RPC and KRAKEN_GENESIS, runs these tests and stops the cluster), or \
start one with `make run-local` and run, in e2e/: KRAKEN_RPC=http://127.0.0.1:9545 \
KRAKEN_GENESIS=../run/local/genesis.json CARGO_ENCODED_RUSTFLAGS= cargo test --target-dir ../target/e2e -- --nocapture";

#[derive(Debug, Deserialize)]
struct Genesis {
    chain_id: String,
    fee_token: Felt,
    token: Felt,
    /// Without it, Starknet's standard UDC address (where Kraken's genesis deploys one).
    udc: Option<Felt>,
    account_class: Felt,
    accounts: Vec<GenesisAccount>,
}

#[derive(Debug, Deserialize)]
struct GenesisAccount {
    address: Felt,
    private_key: Felt,
    public_key: Felt,
}

fn env(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v,
        _ => panic!("{name} is not set: {HOW_TO_RUN}"),
    }
}

fn load_genesis(path: &Path) -> Genesis {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("KRAKEN_GENESIS={}: cannot read it: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "KRAKEN_GENESIS={}: not a `kraken genesis` file: {e}",
            path.display()
        )
    })
}

fn artifact(name: &str) -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR for tests"))
        .join("../contracts/build")
        .join(name)
}

fn read_artifact(name: &str) -> String {
    let path = artifact(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("contract artifact {}: {e}", path.display()))
}

fn selector(name: &str) -> Felt {
    get_selector_from_name(name).expect("an ASCII entry point name")
}

fn latest() -> BlockId {
    BlockId::Tag(BlockTag::Latest)
}

/// The code of a Starknet error, when the call failed with one.
fn starknet_code<S: std::fmt::Debug>(e: &AccountError<S>) -> Option<u32> {
    match e {
        AccountError::Provider(ProviderError::StarknetError(se)) => Some(se.code()),
        _ => None,
    }
}

/// Polls for the receipt of `hash` until it exists (or `RECEIPT_TIMEOUT`), then checks it
/// is accepted on L2, attached to a block, and succeeded.
async fn wait_for_receipt(rpc: &Client, hash: Felt, what: &str) -> TransactionReceiptWithBlockInfo {
    let started = Instant::now();
    let receipt = loop {
        match rpc.get_transaction_receipt(hash).await {
            Ok(r) => break r,
            Err(ProviderError::StarknetError(StarknetError::TransactionHashNotFound)) => {}
            Err(e) => panic!("{what}: starknet_getTransactionReceipt({hash:#x}) failed: {e}"),
        }
        if started.elapsed() > RECEIPT_TIMEOUT {
            let status = rpc.get_transaction_status(hash).await;
            panic!("{what}: no receipt for {hash:#x} after {RECEIPT_TIMEOUT:?} (getTransactionStatus says {status:?})");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    eprintln!(
        "  {what}: {hash:#x} in block {} after {:?}",
        receipt.block.block_number(),
        started.elapsed()
    );
    assert_eq!(
        receipt.receipt.transaction_hash(),
        &hash,
        "{what}: the receipt names another transaction"
    );
    assert!(
        receipt.block.is_block(),
        "{what}: the receipt is not attached to a confirmed block: {:?}",
        receipt.block
    );
    assert_eq!(
        receipt.receipt.finality_status(),
        &TransactionFinalityStatus::AcceptedOnL2,
        "{what}: finality status of {hash:#x}"
    );
    if let ExecutionResult::Reverted { reason } = receipt.receipt.execution_result() {
        panic!("{what}: {hash:#x} reverted: {reason}");
    }
    let fee = actual_fee(&receipt.receipt);
    assert!(
        fee.amount > Felt::ZERO,
        "{what}: {hash:#x} paid no fee: {fee:?}"
    );
    assert_eq!(
        fee.unit,
        PriceUnit::Fri,
        "{what}: v3 transactions pay in FRI"
    );
    receipt
}

fn actual_fee(r: &TransactionReceipt) -> &FeePayment {
    match r {
        TransactionReceipt::Invoke(r) => &r.actual_fee,
        TransactionReceipt::L1Handler(r) => &r.actual_fee,
        TransactionReceipt::Declare(r) => &r.actual_fee,
        TransactionReceipt::Deploy(r) => &r.actual_fee,
        TransactionReceipt::DeployAccount(r) => &r.actual_fee,
    }
}

async fn erc20_balance(rpc: &Client, token: Felt, owner: Felt) -> u128 {
    let out = rpc
        .call(
            FunctionCall {
                contract_address: token,
                entry_point_selector: selector("balance_of"),
                calldata: vec![owner],
            },
            latest(),
        )
        .await
        .unwrap_or_else(|e| {
            panic!("starknet_call balance_of({owner:#x}) on {token:#x} failed: {e}")
        });
    assert_eq!(
        out.len(),
        2,
        "balance_of returns a u256 as [low, high], got {out:?}"
    );
    assert_eq!(
        out[1],
        Felt::ZERO,
        "balance_of({owner:#x}): high word not zero"
    );
    u128::try_from(out[0]).expect("the low word of a u256 fits in u128")
}

fn transfer_call(token: Felt, to: Felt, amount: u128) -> Call {
    Call {
        to: token,
        selector: selector("transfer"),
        calldata: vec![to, Felt::from(amount), Felt::ZERO],
    }
}

/// A transaction's status must be ACCEPTED_ON_L2 and SUCCEEDED.
async fn check_status(rpc: &Client, hash: Felt, what: &str) {
    let status = rpc
        .get_transaction_status(hash)
        .await
        .unwrap_or_else(|e| panic!("{what}: starknet_getTransactionStatus({hash:#x}) failed: {e}"));
    match status {
        TransactionStatus::AcceptedOnL2(exe) => {
            assert_eq!(
                exe.status(),
                TransactionExecutionStatus::Succeeded,
                "{what}: execution status of {hash:#x}"
            )
        }
        other => panic!("{what}: status of {hash:#x} is {other:?}, expected ACCEPTED_ON_L2"),
    }
}

#[tokio::test]
async fn cluster_end_to_end() {
    let url = env("KRAKEN_RPC");
    let genesis_path = PathBuf::from(env("KRAKEN_GENESIS"));
    let genesis = load_genesis(&genesis_path);
    let url = Url::parse(&url).unwrap_or_else(|e| panic!("KRAKEN_RPC={url}: not a URL: {e}"));
    let rpc: Client = Arc::new(JsonRpcClient::new(HttpTransport::new(url.clone())));
    eprintln!("cluster at {url}, genesis {}", genesis_path.display());

    // ---- chain id and spec version ----------------------------------------------------
    let spec = rpc
        .spec_version()
        .await
        .unwrap_or_else(|e| panic!("starknet_specVersion at {url} failed: {e}"));
    assert_eq!(
        spec, SPEC_VERSION,
        "starknet_specVersion: starknet-rs 0.17 speaks JSON-RPC {SPEC_VERSION}"
    );
    let chain_id = rpc
        .chain_id()
        .await
        .unwrap_or_else(|e| panic!("starknet_chainId failed: {e}"));
    let expected_chain_id = cairo_short_string_to_felt(&genesis.chain_id)
        .expect("the genesis chain id is a short string");
    assert_eq!(
        chain_id, expected_chain_id,
        "starknet_chainId is not the genesis file's {:?}",
        genesis.chain_id
    );
    let head = rpc
        .block_hash_and_number()
        .await
        .unwrap_or_else(|e| panic!("starknet_blockHashAndNumber failed: {e}"));
    let tip = rpc
        .block_number()
        .await
        .unwrap_or_else(|e| panic!("starknet_blockNumber failed: {e}"));
    assert!(
        tip >= head.block_number,
        "starknet_blockNumber went back: {tip} < {}",
        head.block_number
    );
    eprintln!("spec {spec}, chain id {chain_id:#x}, tip {tip}");

    // ---- the genesis account (the last one) --------------------------------------------
    let funder_keys = genesis
        .accounts
        .last()
        .expect("the genesis file lists accounts");
    let funder_key = SigningKey::from_secret_scalar(funder_keys.private_key);
    assert_eq!(
        funder_key.verifying_key().scalar(),
        funder_keys.public_key,
        "genesis account {:#x}: public_key does not match private_key",
        funder_keys.address
    );
    let funder_class = rpc
        .get_class_hash_at(latest(), funder_keys.address)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "starknet_getClassHashAt(genesis account {:#x}) failed: {e}",
                funder_keys.address
            )
        });
    assert_eq!(
        funder_class, genesis.account_class,
        "the genesis account's class is not the genesis account_class"
    );
    let mut funder = SingleOwnerAccount::new(
        rpc.clone(),
        LocalWallet::from(funder_key),
        funder_keys.address,
        chain_id,
        ExecutionEncoding::New,
    );
    funder.set_block_id(latest());

    // ---- (a) fund a fresh address with STRK ---------------------------------------------
    eprintln!("(a) funding a fresh account with the fee token");
    let new_key = SigningKey::from_random();
    let new_public = new_key.verifying_key().scalar();
    let mut factory = OpenZeppelinAccountFactory::new(
        genesis.account_class,
        chain_id,
        LocalWallet::from(new_key.clone()),
        rpc.clone(),
    )
    .await
    .expect("a local key has a public key");
    factory.set_block_id(latest());
    let salt = SigningKey::from_random().secret_scalar();
    let deployment = factory.deploy_v3(salt);
    let new_address = deployment.address();
    assert!(
        matches!(
            rpc.get_class_hash_at(latest(), new_address).await,
            Err(ProviderError::StarknetError(
                StarknetError::ContractNotFound
            ))
        ),
        "a fresh address {new_address:#x} must be CONTRACT_NOT_FOUND before its deployment"
    );
    let funded = funder
        .execute_v3(vec![transfer_call(genesis.fee_token, new_address, FUNDING)])
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!("(a) fee-token transfer to {new_address:#x}: addInvokeTransaction failed: {e}")
        });
    let r = wait_for_receipt(&rpc, funded.transaction_hash, "(a) fee-token transfer").await;
    let transfer_key = selector("Transfer");
    assert!(
        r.receipt
            .events()
            .iter()
            .any(|e| e.from_address == genesis.fee_token
                && e.keys.first() == Some(&transfer_key)
                && (e.keys.contains(&new_address) || e.data.contains(&new_address))),
        "(a) the receipt has no Transfer event of the fee token to {new_address:#x}: {:?}",
        r.receipt.events()
    );
    check_status(&rpc, funded.transaction_hash, "(a)").await;
    match rpc.get_transaction_by_hash(funded.transaction_hash).await {
        Ok(Transaction::Invoke(starknet::core::types::InvokeTransaction::V3(tx))) => {
            assert_eq!(
                tx.sender_address, funder_keys.address,
                "(a) getTransactionByHash: sender"
            );
            assert_eq!(
                tx.transaction_hash, funded.transaction_hash,
                "(a) getTransactionByHash: hash"
            );
        }
        other => panic!("(a) starknet_getTransactionByHash: expected an INVOKE v3, got {other:?}"),
    }
    let block = rpc
        .get_block_with_tx_hashes(BlockId::Number(r.block.block_number()))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "(a) starknet_getBlockWithTxHashes({}) failed: {e}",
                r.block.block_number()
            )
        });
    match &block {
        MaybePreConfirmedBlockWithTxHashes::Block(b) => {
            assert_eq!(
                Some(b.block_hash),
                r.block.block_hash(),
                "(a) block hash of the receipt's block"
            );
            assert!(
                b.transactions.contains(&funded.transaction_hash),
                "(a) the receipt's block does not list the transaction"
            );
        }
        other => panic!("(a) a block by number must be a confirmed block, got {other:?}"),
    }
    let balance = erc20_balance(&rpc, genesis.fee_token, new_address).await;
    assert_eq!(
        balance, FUNDING,
        "(a) fee-token balance of the fresh address"
    );

    // ---- (b) deploy the fresh account ---------------------------------------------------
    eprintln!("(b) deploying the account at {new_address:#x}");
    let deployed = deployment.send().await.unwrap_or_else(|e| {
        panic!("(b) addDeployAccountTransaction for {new_address:#x} failed: {e}")
    });
    assert_eq!(
        deployed.contract_address, new_address,
        "(b) the node's contract_address differs from the factory's"
    );
    let r = wait_for_receipt(&rpc, deployed.transaction_hash, "(b) deploy account").await;
    match &r.receipt {
        TransactionReceipt::DeployAccount(d) => {
            assert_eq!(
                d.contract_address, new_address,
                "(b) receipt contract_address"
            )
        }
        other => panic!("(b) expected a DEPLOY_ACCOUNT receipt, got {other:?}"),
    }
    let nonce = rpc
        .get_nonce(latest(), new_address)
        .await
        .unwrap_or_else(|e| panic!("(b) starknet_getNonce failed: {e}"));
    assert_eq!(
        nonce,
        Felt::ONE,
        "(b) nonce of the freshly deployed account"
    );
    let class = rpc
        .get_class_hash_at(latest(), new_address)
        .await
        .unwrap_or_else(|e| panic!("(b) starknet_getClassHashAt({new_address:#x}) failed: {e}"));
    assert_eq!(
        class, genesis.account_class,
        "(b) class hash of the deployed account"
    );
    let pk = rpc
        .call(
            FunctionCall {
                contract_address: new_address,
                entry_point_selector: selector("get_public_key"),
                calldata: vec![],
            },
            latest(),
        )
        .await
        .unwrap_or_else(|e| panic!("(b) starknet_call get_public_key failed: {e}"));
    assert_eq!(
        pk,
        vec![new_public],
        "(b) the deployed account's public key"
    );
    let mut account = SingleOwnerAccount::new(
        rpc.clone(),
        LocalWallet::from(new_key),
        new_address,
        chain_id,
        ExecutionEncoding::New,
    );
    account.set_block_id(latest());

    // ---- a badly signed transaction is refused ------------------------------------------
    eprintln!("(-) a badly signed invoke from {new_address:#x}");
    bad_signature_is_rejected(&rpc, &account, chain_id, genesis.fee_token).await;

    // ---- (c) declare the counter class --------------------------------------------------
    eprintln!("(c) declaring counter");
    let sierra: SierraClass = serde_json::from_str(&read_artifact("counter.contract_class.json"))
        .unwrap_or_else(|e| panic!("counter.contract_class.json is not a Sierra class: {e}"));
    let flat = Arc::new(sierra.flatten().expect("the ABI serializes"));
    let class_hash = flat.class_hash();
    let casm: CompiledClass =
        serde_json::from_str(&read_artifact("counter.compiled_contract_class.json"))
            .unwrap_or_else(|e| {
                panic!("counter.compiled_contract_class.json is not a CASM class: {e}")
            });
    let compiled_class_hash = casm.class_hash().expect("the CASM class hashes");
    let already = rpc.get_class(latest(), class_hash).await.is_ok();
    let declaration = account.declare_v3(flat.clone(), compiled_class_hash);
    if already {
        // An earlier run against this cluster declared it: declaring again must be refused.
        eprintln!("  counter {class_hash:#x} is already declared (an earlier run): expecting CLASS_ALREADY_DECLARED");
        // Its fee estimate fails (41, the estimate's execution error) ...
        let e = declaration
            .estimate_fee()
            .await
            .expect_err("(c) estimating the fee of re-declaring a class must fail");
        assert_eq!(
            starknet_code(&e),
            Some(41),
            "(c) estimateFee of re-declaring {class_hash:#x}: expected TRANSACTION_EXECUTION_ERROR (41), got {e}"
        );
        // ... and, sent with explicit gas, the node refuses it: CLASS_ALREADY_DECLARED (51).
        let block = rpc
            .get_block_with_tx_hashes(latest())
            .await
            .unwrap_or_else(|e| panic!("(c) starknet_getBlockWithTxHashes(latest) failed: {e}"));
        let e = declaration
            .l1_gas(0)
            .l1_gas_price(2 * u128::try_from(block.l1_gas_price().price_in_fri).unwrap())
            .l2_gas(200_000_000)
            .l2_gas_price(2 * u128::try_from(block.l2_gas_price().price_in_fri).unwrap())
            .l1_data_gas(10_000)
            .l1_data_gas_price(2 * u128::try_from(block.l1_data_gas_price().price_in_fri).unwrap())
            .tip(0)
            .send()
            .await
            .expect_err("(c) re-declaring a class must be refused");
        assert_eq!(
            starknet_code(&e),
            Some(51),
            "(c) re-declaring {class_hash:#x}: expected CLASS_ALREADY_DECLARED (51), got {e}"
        );
    } else {
        let declared = declaration
            .send()
            .await
            .unwrap_or_else(|e| panic!("(c) addDeclareTransaction failed: {e}"));
        assert_eq!(
            declared.class_hash, class_hash,
            "(c) the node's class_hash differs from starknet-rs's"
        );
        let r = wait_for_receipt(&rpc, declared.transaction_hash, "(c) declare").await;
        assert!(
            matches!(r.receipt, TransactionReceipt::Declare(_)),
            "(c) expected a DECLARE receipt, got {:?}",
            r.receipt
        );
        match rpc.get_transaction_by_hash(declared.transaction_hash).await {
            Ok(Transaction::Declare(starknet::core::types::DeclareTransaction::V3(tx))) => {
                assert_eq!(
                    tx.class_hash, class_hash,
                    "(c) getTransactionByHash: class_hash"
                );
                assert_eq!(
                    tx.compiled_class_hash, compiled_class_hash,
                    "(c) getTransactionByHash: compiled_class_hash"
                );
            }
            other => {
                panic!("(c) starknet_getTransactionByHash: expected a DECLARE v3, got {other:?}")
            }
        }
        let update = rpc
            .get_state_update(BlockId::Number(r.block.block_number()))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "(c) starknet_getStateUpdate({}) failed: {e}",
                    r.block.block_number()
                )
            });
        match update {
            starknet::core::types::MaybePreConfirmedStateUpdate::Update(u) => assert!(
                u.state_diff
                    .declared_classes
                    .iter()
                    .any(|d| d.class_hash == class_hash
                        && d.compiled_class_hash == compiled_class_hash),
                "(c) the declare's block state diff does not declare {class_hash:#x}: {:?}",
                u.state_diff.declared_classes
            ),
            other => panic!("(c) a state update by number must be confirmed, got {other:?}"),
        }
    }
    match rpc.get_class(latest(), class_hash).await {
        Ok(ContractClass::Sierra(c)) => {
            assert_eq!(
                c.class_hash(),
                class_hash,
                "(c) starknet_getClass returns a class with another hash"
            );
            assert_eq!(
                c.sierra_program, flat.sierra_program,
                "(c) starknet_getClass: sierra_program"
            );
        }
        other => {
            panic!("(c) starknet_getClass({class_hash:#x}): expected a Sierra class, got {other:?}")
        }
    }

    // ---- (d) deploy a counter through the UDC ------------------------------------------
    let udc_address = genesis.udc.unwrap_or_else(|| {
        // Kraken's genesis deploys its UDC at the address of Starknet's current UDC.
        let standard = UdcSelector::New.address();
        eprintln!(
            "  note: the genesis file {} names no `udc`: using Starknet's UDC address {standard:#x}",
            genesis_path.display()
        );
        standard
    });
    eprintln!("(d) deploying a counter through the UDC at {udc_address:#x}");
    let udc = ContractFactory::new_with_udc(class_hash, &account, UdcSelector::Custom(udc_address));
    let counter_salt = SigningKey::from_random().secret_scalar();
    let counter_deployment = udc.deploy_v3(vec![Felt::from(COUNTER_INITIAL)], counter_salt, true);
    let counter = counter_deployment.deployed_address();
    let sent = counter_deployment
        .send()
        .await
        .unwrap_or_else(|e| panic!("(d) UDC deployContract invoke failed: {e}"));
    let r = wait_for_receipt(&rpc, sent.transaction_hash, "(d) UDC deploy").await;
    let deployed_event = r
        .receipt
        .events()
        .iter()
        .find(|e| {
            e.from_address == udc_address && e.keys.first() == Some(&selector("ContractDeployed"))
        })
        .unwrap_or_else(|| {
            panic!(
                "(d) no ContractDeployed event from the UDC: {:?}",
                r.receipt.events()
            )
        });
    assert_eq!(
        deployed_event.data.first(),
        Some(&counter),
        "(d) the UDC deployed at another address than starknet-rs predicts (event data {:?})",
        deployed_event.data
    );
    let deploy_block = r.block.block_number();
    let class = rpc
        .get_class_hash_at(latest(), counter)
        .await
        .unwrap_or_else(|e| {
            panic!("(d) starknet_getClassHashAt(counter {counter:#x}) failed: {e}")
        });
    assert_eq!(class, class_hash, "(d) class of the deployed counter");

    // ---- (e) increase, read back ------------------------------------------------------
    let mut increases = Vec::new();
    let mut expected = COUNTER_INITIAL;
    for amount in INCREASES {
        eprintln!("(e) increase({amount})");
        let sent = account
            .execute_v3(vec![Call {
                to: counter,
                selector: selector("increase"),
                calldata: vec![Felt::from(amount)],
            }])
            .send()
            .await
            .unwrap_or_else(|e| panic!("(e) increase({amount}): addInvokeTransaction failed: {e}"));
        wait_for_receipt(&rpc, sent.transaction_hash, "(e) increase").await;
        expected += amount;
        increases.push((sent.transaction_hash, amount, expected));
    }
    let key = get_storage_var_address("value", &[]).expect("an ASCII storage variable name");
    let stored = rpc
        .get_storage_at(counter, key, latest())
        .await
        .unwrap_or_else(|e| panic!("(e) starknet_getStorageAt(counter, value) failed: {e}"));
    assert_eq!(
        stored,
        Felt::from(expected),
        "(e) the counter's `value` storage slot"
    );
    let got = rpc
        .call(
            FunctionCall {
                contract_address: counter,
                entry_point_selector: selector("get"),
                calldata: vec![],
            },
            latest(),
        )
        .await
        .unwrap_or_else(|e| panic!("(e) starknet_call get() failed: {e}"));
    assert_eq!(got, vec![Felt::from(expected)], "(e) get() of the counter");

    // ---- (f) events, one per page -------------------------------------------------------
    eprintln!("(f) paging through the counter's events");
    let filter = EventFilter {
        from_block: Some(BlockId::Number(deploy_block)),
        to_block: Some(latest()),
        address: Some(counter),
        keys: None,
    };
    let mut events = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = rpc
            .get_events(filter.clone(), token.clone(), 1)
            .await
            .unwrap_or_else(|e| {
                panic!("(f) starknet_getEvents (page {pages}, token {token:?}) failed: {e}")
            });
        pages += 1;
        assert!(
            page.events.len() <= 1,
            "(f) a page of chunk_size 1 has {} events",
            page.events.len()
        );
        events.extend(page.events);
        match page.continuation_token {
            Some(t) => token = Some(t),
            None => break,
        }
        assert!(
            pages < 100,
            "(f) getEvents keeps returning continuation tokens"
        );
    }
    assert!(
        pages >= INCREASES.len(),
        "(f) {} events in chunks of 1 took only {pages} pages",
        events.len()
    );
    let increased = selector("Increased");
    for (hash, amount, new_value) in &increases {
        let found = events.iter().find(|e| e.transaction_hash == *hash).unwrap_or_else(|| {
            panic!("(f) no event of the increase transaction {hash:#x} among the counter's events: {events:?}")
        });
        assert_eq!(found.from_address, counter, "(f) event emitter");
        assert_eq!(found.keys, vec![increased], "(f) Increased event keys");
        assert_eq!(
            found.data,
            vec![Felt::from(*amount), Felt::from(*new_value)],
            "(f) Increased{{amount, new_value}} data"
        );
        assert!(
            found.block_hash.is_some() && found.block_number.is_some(),
            "(f) an emitted event names its block"
        );
    }
    let by_key = rpc
        .get_events(
            EventFilter {
                keys: Some(vec![vec![increased]]),
                ..filter.clone()
            },
            None,
            100,
        )
        .await
        .unwrap_or_else(|e| panic!("(f) starknet_getEvents with a key filter failed: {e}"));
    assert_eq!(
        by_key.events.len(),
        INCREASES.len(),
        "(f) events filtered by the Increased key"
    );
    let none = rpc
        .get_events(
            EventFilter {
                keys: Some(vec![vec![selector("NoSuchEvent")]]),
                ..filter.clone()
            },
            None,
            100,
        )
        .await
        .unwrap_or_else(|e| panic!("(f) starknet_getEvents with a non-matching key failed: {e}"));
    assert!(
        none.events.is_empty(),
        "(f) a key no event has matches nothing"
    );

    // ---- (g) KRK transfer -------------------------------------------------------------
    eprintln!("(g) moving KRK to {new_address:#x}");
    let before = erc20_balance(&rpc, genesis.token, new_address).await;
    assert_eq!(before, 0, "(g) a fresh account holds no KRK");
    let sent = funder
        .execute_v3(vec![transfer_call(genesis.token, new_address, KRK_AMOUNT)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("(g) KRK transfer: addInvokeTransaction failed: {e}"));
    let r = wait_for_receipt(&rpc, sent.transaction_hash, "(g) KRK transfer").await;
    let after = erc20_balance(&rpc, genesis.token, new_address).await;
    assert_eq!(
        after, KRK_AMOUNT,
        "(g) KRK balance_of the recipient after the transfer"
    );

    // ---- (h) the other reads, on what the steps left -----------------------------------
    eprintln!("(h) other reads");
    let number = r.block.block_number();
    let block = rpc
        .get_block_with_receipts(BlockId::Number(number))
        .await
        .unwrap_or_else(|e| panic!("(h) starknet_getBlockWithReceipts({number}) failed: {e}"));
    let index = match &block {
        MaybePreConfirmedBlockWithReceipts::Block(b) => b
            .transactions
            .iter()
            .position(|t| t.receipt.transaction_hash() == &sent.transaction_hash)
            .unwrap_or_else(|| panic!("(h) getBlockWithReceipts({number}) lacks the KRK transfer")),
        other => panic!("(h) a block by number must be a confirmed block, got {other:?}"),
    };
    let by_index = rpc
        .get_transaction_by_block_id_and_index(BlockId::Number(number), index as u64)
        .await
        .unwrap_or_else(|e| {
            panic!("(h) starknet_getTransactionByBlockIdAndIndex({number}, {index}) failed: {e}")
        });
    assert_eq!(
        by_index.transaction_hash(),
        &sent.transaction_hash,
        "(h) transaction by block and index"
    );
    let count = rpc
        .get_block_transaction_count(BlockId::Number(number))
        .await
        .unwrap_or_else(|e| panic!("(h) starknet_getBlockTransactionCount failed: {e}"));
    assert!(
        count as usize > index,
        "(h) getBlockTransactionCount({number}) = {count}, but index {index} exists"
    );
    let txs = rpc
        .get_block_with_txs(latest())
        .await
        .unwrap_or_else(|e| panic!("(h) starknet_getBlockWithTxs(latest) failed: {e}"));
    match &txs {
        MaybePreConfirmedBlockWithTxs::Block(b) => {
            assert!(b.block_number >= number, "(h) the latest block {} is older than the transfer's {number}", b.block_number)
        }
        other => panic!("(h) Kraken has no pre-confirmed block: `latest` must be a confirmed block, got {other:?}"),
    }
    match rpc.get_class_at(latest(), counter).await {
        Ok(ContractClass::Sierra(c)) => {
            assert_eq!(c.class_hash(), class_hash, "(h) getClassAt(counter)")
        }
        other => panic!(
            "(h) starknet_getClassAt(counter): expected the Sierra counter class, got {other:?}"
        ),
    }
    match rpc.syncing().await {
        Ok(SyncStatusType::NotSyncing) => {}
        other => panic!("(h) starknet_syncing: expected false, got {other:?}"),
    }
    eprintln!("all steps passed");
}

/// An invoke signed with a key that is not the account's is refused at submission with
/// VALIDATION_FAILURE (55).
async fn bad_signature_is_rejected(
    rpc: &Client,
    account: &Wallet,
    chain_id: Felt,
    fee_token: Felt,
) {
    let call = transfer_call(fee_token, Felt::from(0x1234_u32), 1);
    // Gas from an estimate with the right key, so the refusal can only be the signature.
    let estimate = account
        .execute_v3(vec![call.clone()])
        .estimate_fee()
        .await
        .unwrap_or_else(|e| {
            panic!("(-) starknet_estimateFee of a well-signed transfer failed: {e}")
        });
    let nonce = account
        .get_nonce()
        .await
        .unwrap_or_else(|e| panic!("(-) starknet_getNonce failed: {e}"));
    let mut impostor = SingleOwnerAccount::new(
        rpc.clone(),
        LocalWallet::from(SigningKey::from_random()),
        account.address(),
        chain_id,
        ExecutionEncoding::New,
    );
    impostor.set_block_id(latest());
    let result = impostor
        .execute_v3(vec![call])
        .nonce(nonce)
        .l1_gas(estimate.l1_gas_consumed * 2)
        .l1_gas_price(estimate.l1_gas_price * 2)
        .l2_gas(estimate.l2_gas_consumed * 2)
        .l2_gas_price(estimate.l2_gas_price * 2)
        .l1_data_gas(estimate.l1_data_gas_consumed * 2)
        .l1_data_gas_price(estimate.l1_data_gas_price * 2)
        .tip(0)
        .send()
        .await;
    match result {
        Ok(r) => panic!(
            "(-) a badly signed invoke was accepted as {:#x}",
            r.transaction_hash
        ),
        Err(AccountError::Provider(ProviderError::StarknetError(
            StarknetError::ValidationFailure(reason),
        ))) => {
            eprintln!("  refused: VALIDATION_FAILURE (55): {reason}");
        }
        Err(e) => {
            panic!(
            "(-) a badly signed invoke must be refused with VALIDATION_FAILURE (55), got {} ({e})",
            starknet_code(&e).map_or("no Starknet error code".to_string(), |c| format!("code {c}"))
        )
        }
    }
    let after = account
        .get_nonce()
        .await
        .unwrap_or_else(|e| panic!("(-) starknet_getNonce failed: {e}"));
    assert_eq!(
        after, nonce,
        "(-) a refused transaction must not use the account's nonce"
    );
}
