//! Each transaction type end to end on an in-memory chain: invokes of the genesis
//! contracts, reverts, rejections (nothing changes), deploy-account and declare.

mod common;

use common::{balance, chain, storage_var};
use kraken_execution::calls::{fact, fib, signed_invoke, transfer};
use kraken_execution::wallet::{self, Account, GasLimits};
use kraken_execution::{CompiledClass, Engine, Felt, StateView, TxKind, TxStatus};

/// The account's stored y-coordinate for `public_key`: the even one of its curve point.
fn even_y(public_key: Felt) -> Felt {
    starknet_types_core::curve::AffinePoint::new_from_x(&public_key, false).unwrap().y()
}

fn fib_value(n: u64) -> Felt {
    let (mut a, mut b) = (Felt::ZERO, Felt::ONE);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    a
}

#[test]
fn genesis_is_deterministic_and_funds_every_account() {
    let a = chain(Engine::Vm);
    let b = chain(Engine::Vm);
    assert_eq!(a.tip().state_root, b.tip().state_root);
    assert_ne!(a.tip().state_root, Felt::ZERO);
    for account in &a.genesis.accounts {
        assert_eq!(balance(&a, a.genesis.chain.fee_token, account.address), common::config().balance);
        assert_eq!(balance(&a, a.genesis.token, account.address), common::config().balance);
        assert_eq!(a.state.class_hash_at(account.address).unwrap(), a.genesis.account_class.0);
        assert_eq!(storage_var(&a, account.address, "public_key_y"), even_y(account.public_key), "as the constructor writes it");
    }
    let other = kraken_execution::LocalChain::new(Engine::Vm, &kraken_execution::GenesisConfig { seed: 1, ..common::config() });
    assert_ne!(other.tip().state_root, a.tip().state_root, "the seed changes the keys, hence the state");
}

#[test]
fn invokes_of_fib_fact_and_an_erc20_transfer_succeed() {
    let mut c = chain(Engine::Vm);
    let g = c.genesis.clone();
    let (alice, bob) = (&g.accounts[0], &g.accounts[1]);
    let fee_before = balance(&c, g.chain.fee_token, alice.address);
    let payloads = [
        signed_invoke(&g, alice, 0, &[fib(&g, 20)]),
        signed_invoke(&g, alice, 1, &[fact(&g, 10)]),
        signed_invoke(&g, alice, 2, &[transfer(g.token, bob.address, 1_000)]),
        // A multicall: both in one transaction.
        signed_invoke(&g, bob, 0, &[fib(&g, 30), transfer(g.token, alice.address, 1)]),
    ];
    let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let (block, sealed) = c.execute(&refs).unwrap();
    for r in &block.receipts {
        assert_eq!(r.status, TxStatus::Succeeded, "{r:?}");
        assert_eq!(r.kind, TxKind::Invoke);
        assert!(r.actual_fee > 0);
    }
    assert_eq!(sealed.transaction_count, 4);
    assert_eq!(storage_var(&c, g.fact, "last_result"), Felt::from(3_628_800u64));
    assert_eq!(storage_var(&c, g.fib, "last_result"), fib_value(30));
    let start = common::config().balance;
    assert_eq!(balance(&c, g.token, bob.address), start + 1_000 - 1);
    assert_eq!(balance(&c, g.token, alice.address), start - 1_000 + 1);
    // Transfer events: one in the third receipt (plus the fee transfer's).
    let transfer_key = starknet_api::abi::abi_utils::selector_from_name("Transfer").0;
    let token_events: Vec<_> = block.receipts[2].events.iter().filter(|e| e.from_address == g.token).collect();
    assert_eq!(token_events.len(), 1);
    assert_eq!(token_events[0].keys[0], transfer_key);
    // Fees: paid by the sender to the sequencer.
    let fees: u128 = block.receipts[..3].iter().map(|r| r.actual_fee).sum();
    assert_eq!(balance(&c, g.chain.fee_token, alice.address), fee_before - fees);
    assert_eq!(c.state.nonce(alice.address).unwrap(), Felt::from(3u8));
    assert_eq!(c.state.nonce(bob.address).unwrap(), Felt::ONE);
}

#[test]
fn a_failing_call_reverts_but_pays_and_bumps_the_nonce() {
    let mut c = chain(Engine::Vm);
    let g = c.genesis.clone();
    let alice = &g.accounts[0];
    let too_much = common::config().balance + 1;
    let payload = signed_invoke(&g, alice, 0, &[transfer(g.token, g.accounts[1].address, too_much)]);
    let (block, _) = c.execute(&[&payload]).unwrap();
    let r = &block.receipts[0];
    let TxStatus::Reverted { reason } = &r.status else { panic!("expected a revert: {r:?}") };
    assert!(!reason.is_empty());
    assert!(r.actual_fee > 0);
    assert_eq!(balance(&c, g.token, alice.address), common::config().balance, "the transfer was undone");
    assert_eq!(c.state.nonce(alice.address).unwrap(), Felt::ONE);
}

#[test]
fn rejected_transactions_change_nothing() {
    let mut c = chain(Engine::Vm);
    let g = c.genesis.clone();
    let alice = &g.accounts[0];
    let root = c.tip().state_root;
    let impostor = Account { private_key: Felt::from(12345u64), ..alice.clone() };
    let mut rich = wallet::invoke(alice, Felt::ZERO, &[fib(&g, 1)], GasLimits { l2_gas: u64::MAX / 4, ..Default::default() }, &g.chain.chain_id());
    if let starknet_api::rpc_transaction::RpcTransaction::Invoke(starknet_api::rpc_transaction::RpcInvokeTransaction::V3(tx)) = &mut rich.tx {
        // Re-sign is not needed: the balance check runs before validation.
        tx.resource_bounds.l2_gas.max_price_per_unit = starknet_api::block::GasPrice(u128::MAX / 1_000_000);
    }
    let payloads = [
        signed_invoke(&g, &impostor, 0, &[fib(&g, 1)]), // bad signature
        signed_invoke(&g, alice, 5, &[fib(&g, 1)]),     // nonce from the future
        rich.encode(),                          // max fee above the balance
        b"not a transaction".to_vec(),
    ];
    let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let (block, sealed) = c.execute(&refs).unwrap();
    for r in &block.receipts {
        assert!(matches!(r.status, TxStatus::Rejected { .. }), "{r:?}");
        assert_eq!(r.actual_fee, 0);
    }
    assert_eq!(block.receipts[3].kind, TxKind::Unknown);
    assert_eq!(sealed.transaction_count, 0, "rejected transactions are not in the Starknet block");
    assert_eq!(sealed.state_root, root);
    assert_eq!(c.state.nonce(alice.address).unwrap(), Felt::ZERO);
}

#[test]
fn deploy_account_after_funding_its_address() {
    let mut c = chain(Engine::Vm);
    let g = c.genesis.clone();
    let newcomer = Account::from_key(Felt::from(0xC0FFEEu64), g.account_class);
    let fund = signed_invoke(&g, &g.accounts[0], 0, &[transfer(g.chain.fee_token, newcomer.address, 10u128.pow(18))]);
    let deploy = wallet::deploy_account(&newcomer, g.account_class, GasLimits::default(), &g.chain.chain_id()).encode();
    let (block, _) = c.execute(&[&fund, &deploy]).unwrap();
    assert_eq!(block.receipts[0].status, TxStatus::Succeeded);
    let r = &block.receipts[1];
    assert_eq!(r.status, TxStatus::Succeeded, "{r:?}");
    assert_eq!(r.kind, TxKind::DeployAccount);
    assert_eq!(r.contract_address, Some(newcomer.address));
    assert_eq!(storage_var(&c, newcomer.address, "public_key_y"), even_y(newcomer.public_key), "as genesis writes it");
    assert_eq!(c.state.class_hash_at(newcomer.address).unwrap(), g.account_class.0);
    assert_eq!(c.state.nonce(newcomer.address).unwrap(), Felt::ONE);
    // The new account can invoke.
    let (block, _) = c.execute(&[&signed_invoke(&g, &newcomer, 1, &[fact(&g, 5)])]).unwrap();
    assert_eq!(block.receipts[0].status, TxStatus::Succeeded, "{:?}", block.receipts[0]);
}

#[test]
fn declare_compiles_the_class_and_checks_its_compiled_hash() {
    let mut c = chain(Engine::Vm);
    let g = c.genesis.clone();
    let alice = &g.accounts[0];
    // A class nobody declared yet: the fib program with a different ABI string.
    let fib_class = c.state.class(g.fib_class.0).unwrap().unwrap();
    let mut sierra = (*fib_class.sierra).clone();
    sierra.abi.push(' ');
    let fresh = CompiledClass::compile(sierra.clone()).unwrap();
    assert_ne!(fresh.class_hash, g.fib_class);
    let chain_id = g.chain.chain_id();
    let good = wallet::declare(alice, Felt::ZERO, sierra.clone(), fresh.compiled_class_hash, GasLimits::default(), &chain_id);
    let wrong_hash = wallet::declare(
        alice,
        Felt::ONE,
        sierra.clone(),
        starknet_api::core::CompiledClassHash(Felt::from(7u8)),
        GasLimits::default(),
        &chain_id,
    );
    let again = wallet::declare(alice, Felt::ONE, sierra, fresh.compiled_class_hash, GasLimits::default(), &chain_id);
    let payloads = [good.encode(), wrong_hash.encode(), again.encode()];
    let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let (block, sealed) = c.execute(&refs).unwrap();
    assert_eq!(block.receipts[0].status, TxStatus::Succeeded, "{:?}", block.receipts[0]);
    assert_eq!(block.receipts[0].kind, TxKind::Declare);
    assert!(matches!(&block.receipts[1].status, TxStatus::Rejected { reason } if reason.contains("compiled class hash")));
    assert!(matches!(&block.receipts[2].status, TxStatus::Rejected { reason } if reason.contains("already declared")));
    assert_eq!(c.state.compiled_class_hash(fresh.class_hash.0).unwrap(), fresh.compiled_class_hash.0);
    assert!(c.state.class(fresh.class_hash.0).unwrap().is_some());
    assert_ne!(sealed.classes_root, c.blocks[0].classes_root);
}

#[test]
fn block_hashes_chain_and_old_hashes_reach_the_block_hash_contract() {
    let mut c = chain(Engine::Vm);
    for _ in 0..12 {
        c.execute(&[]).unwrap();
    }
    for pair in c.blocks.windows(2) {
        assert_eq!(pair[1].parent_hash, pair[0].block_hash);
    }
    // From block 10 on, block n - 10's hash is stored at key n - 10 of contract 0x1.
    let stored = c.state.storage(Felt::ONE, Felt::from(2u8)).unwrap();
    assert_eq!(stored, c.blocks[2].block_hash);
}
