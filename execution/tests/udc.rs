//! The Universal Deployer Contract of genesis, as starknet-rs's `ContractFactory` uses it: a
//! new class (the counter) declared, deployed through the UDC at the address the client
//! predicts, then invoked; and the UDC's failures (undeclared class, address taken).

mod common;

use common::{chain, storage_var};
use kraken_execution::calls::{signed_invoke, udc_deploy, udc_deployed_address};
use kraken_execution::genesis::{artifacts, LEGACY_UDC_ADDRESS, UDC_ADDRESS};
use kraken_execution::receipt::Event;
use kraken_execution::wallet::{self, Call, GasLimits};
use kraken_execution::{CompiledClass, Engine, Felt, LocalChain, StateView, TxKind, TxStatus};
use starknet_api::abi::abi_utils::selector_from_name;

fn counter_class() -> CompiledClass {
    CompiledClass::from_artifacts(artifacts::COUNTER.0, artifacts::COUNTER.1).unwrap()
}

/// A chain whose block 1 declared the counter class (by account 0, nonce 0).
fn chain_with_counter() -> (LocalChain, CompiledClass) {
    let mut c = chain(Engine::Vm);
    let g = c.genesis.clone();
    let class = counter_class();
    let declare = wallet::declare(
        &g.accounts[0],
        Felt::ZERO,
        (*class.sierra).clone(),
        class.compiled_class_hash,
        GasLimits::default(),
        &g.chain.chain_id(),
    );
    let (block, _) = c.execute(&[&declare.encode()]).unwrap();
    assert_eq!(block.receipts[0].status, TxStatus::Succeeded, "{:?}", block.receipts[0]);
    assert_eq!(block.receipts[0].kind, TxKind::Declare);
    (c, class)
}

/// starknet-rs's address prediction, written out as starknet-core 0.16 computes it
/// (`get_udc_deployed_address`, `get_contract_address`): Pedersen chains with
/// starknet-crypto, independent of the starknet_api code Kraken uses.
fn starknet_rs_prediction(udc: Felt, caller: Felt, class_hash: Felt, salt: Felt, unique: bool, calldata: &[Felt]) -> Felt {
    let hash_on_elements = |items: &[Felt]| {
        let h = items.iter().fold(Felt::ZERO, |acc, x| starknet_crypto::pedersen_hash(&acc, x));
        starknet_crypto::pedersen_hash(&h, &Felt::from(items.len()))
    };
    let (salt, deployer) = if unique { (starknet_crypto::pedersen_hash(&caller, &salt), udc) } else { (salt, Felt::ZERO) };
    let prefix = Felt::from_bytes_be_slice(b"STARKNET_CONTRACT_ADDRESS");
    let raw = hash_on_elements(&[prefix, deployer, salt, class_hash, hash_on_elements(calldata)]);
    // normalize_address: mod 2^251 - 256.
    let bound = (num_bigint::BigUint::from(1u8) << 251u32) - 256u32;
    Felt::from(raw.to_biguint() % bound)
}

fn udc_event(receipt_events: &[Event], udc: Felt) -> &Event {
    let from_udc: Vec<&Event> = receipt_events.iter().filter(|e| e.from_address == udc).collect();
    assert_eq!(from_udc.len(), 1, "{receipt_events:#?}");
    from_udc[0]
}

#[test]
fn udc_addresses_selector_and_prediction_match_starknet_rs() {
    // starknet-contract 0.16.0 (starknet 0.17.0), src/factory.rs: LEGACY_UDC_ADDRESS,
    // NEW_UDC_ADDRESS and SELECTOR_DEPLOYCONTRACT, as the Montgomery limbs it stores.
    let legacy = Felt::from_raw([121672436446604875, 9333317513348225193, 15685625669053253235, 15144800532519055890]);
    let new = Felt::from_raw([505287751652144584, 6849092491656713429, 14735209673864872887, 4208494925911946768]);
    let selector = Felt::from_raw([469988280392664069, 1439621915307882061, 1265649739554438882, 18249998464715511309]);
    assert_eq!(legacy, Felt::from_hex(LEGACY_UDC_ADDRESS).unwrap());
    assert_eq!(new, Felt::from_hex(UDC_ADDRESS).unwrap());
    assert_eq!(selector, selector_from_name("deployContract").0);
    let call = udc_deploy(new, Felt::from(7u8), Felt::from(8u8), true, &[Felt::from(9u8), Felt::from(10u8)]);
    assert_eq!(call.selector, selector);
    let expected_calldata: Vec<Felt> = [7u8, 8, 1, 2, 9, 10].map(Felt::from).to_vec();
    assert_eq!(call.calldata, expected_calldata);

    // The vectors of factory.rs's `test_deployed_address_unique` (legacy UDC).
    let class_hash = Felt::from_hex("0x2bfd9564754d9b4a326da62b2f22b8fea7bbeffd62da4fcaea986c323b7aeb").unwrap();
    let account = Felt::from_hex("0xb1461de04c6a1aa3375bdf9b7723a8779c082ffe21311d683a0b15c078b5dc").unwrap();
    let (calldata, salt) = ([Felt::from(0x1234u16)], Felt::from(0x3456u16));
    let unique = Felt::from_hex("0x36e05bcd41191387bc2f04ed9cad4776a75df3b748b0246a5d217a988474181").unwrap();
    let not_unique = Felt::from_hex("0x3a320b6aa0b451b22fba90b5d75b943932649137c09a86a5cf4853031be70c1").unwrap();
    for predict in [udc_deployed_address, starknet_rs_prediction] {
        assert_eq!(predict(legacy, account, class_hash, salt, true, &calldata), unique);
        assert_eq!(predict(legacy, account, class_hash, salt, false, &calldata), not_unique);
    }
    // And both agree elsewhere (the new UDC, other inputs).
    for (i, unique) in [(0u64, true), (1, false), (2, true), (3, true)] {
        let args = (new, account + Felt::from(i), class_hash + Felt::from(i), Felt::from(i * 1000), unique);
        let calldata: Vec<Felt> = (0..i).map(Felt::from).collect();
        assert_eq!(
            udc_deployed_address(args.0, args.1, args.2, args.3, args.4, &calldata),
            starknet_rs_prediction(args.0, args.1, args.2, args.3, args.4, &calldata),
        );
    }
}

#[test]
fn genesis_deploys_the_udc_at_both_addresses_and_leaves_the_counter_undeclared() {
    let c = chain(Engine::Vm);
    let g = &c.genesis;
    assert_eq!(g.udc, Felt::from_hex(UDC_ADDRESS).unwrap());
    assert_eq!(g.legacy_udc, Felt::from_hex(LEGACY_UDC_ADDRESS).unwrap());
    for address in [g.udc, g.legacy_udc] {
        assert_eq!(c.state.class_hash_at(address).unwrap(), g.udc_class.0);
    }
    assert_ne!(c.state.compiled_class_hash(g.udc_class.0).unwrap(), Felt::ZERO);
    let counter = counter_class();
    assert_eq!(c.state.compiled_class_hash(counter.class_hash.0).unwrap(), Felt::ZERO);
    assert!(c.state.class(counter.class_hash.0).unwrap().is_none());
}

#[test]
fn a_declared_class_deploys_through_the_udc_where_starknet_rs_predicts_and_runs() {
    let (mut c, counter) = chain_with_counter();
    let g = c.genesis.clone();
    let (alice, bob) = (&g.accounts[0], &g.accounts[1]);
    let class_hash = counter.class_hash.0;
    let salt = Felt::from(0x5A17u16);

    // What starknet-rs's ContractFactory sends: deployContract, unique, to the new UDC and,
    // not unique, to the legacy one; and the same salt, unique, from another caller.
    // Then the snake-case entry point with not_from_zero.
    let deployments = [
        (alice, 1, g.udc, "deployContract", true, Felt::from(5u8)),
        (bob, 0, g.legacy_udc, "deployContract", false, Felt::from(7u8)),
        (bob, 1, g.udc, "deployContract", true, Felt::from(5u8)),
        (alice, 2, g.udc, "deploy_contract", true, Felt::from(9u8)),
    ];
    let mut payloads = vec![];
    let mut expected = vec![];
    for (i, (account, nonce, udc, entry_point, flag, initial)) in deployments.into_iter().enumerate() {
        // The last one with another salt as well as other constructor calldata.
        let salt = if i == 3 { salt + Felt::ONE } else { salt };
        let calldata = vec![class_hash, salt, Felt::from(flag), Felt::ONE, initial];
        payloads.push(signed_invoke(&g, account, nonce, &[Call::new(udc, entry_point, calldata)]));
        let address = udc_deployed_address(udc, account.address, class_hash, salt, flag, &[initial]);
        assert_eq!(address, starknet_rs_prediction(udc, account.address, class_hash, salt, flag, &[initial]));
        expected.push((account.address, udc, flag, salt, initial, address));
    }
    assert_ne!(expected[0].5, expected[2].5, "unique: the caller is part of the address");
    let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let (block, _) = c.execute(&refs).unwrap();
    let contract_deployed = selector_from_name("ContractDeployed").0;
    for (r, (caller, udc, flag, salt, initial, address)) in block.receipts.iter().zip(&expected) {
        assert_eq!(r.status, TxStatus::Succeeded, "{r:?}");
        assert_eq!(c.state.class_hash_at(*address).unwrap(), class_hash);
        assert_eq!(storage_var(&c, *address, "value"), *initial, "the constructor ran");
        // ContractDeployed { address, deployer, not_from_zero, class_hash, calldata, salt }.
        let event = udc_event(&r.events, *udc);
        assert_eq!(event.keys, vec![contract_deployed]);
        assert_eq!(event.data, vec![*address, *caller, Felt::from(*flag), class_hash, Felt::ONE, *initial, *salt]);
    }

    // Not unique: the caller does not matter, so the address is taken for everyone.
    let not_unique = udc_deploy(g.udc, class_hash, salt, false, &[Felt::from(7u8)]);
    assert_eq!(expected[1].5, udc_deployed_address(g.udc, alice.address, class_hash, salt, false, &[Felt::from(7u8)]));
    // Use it: increase the first counter by 10 (5 -> 15), twice in one multicall.
    let counter = expected[0].5;
    let increase = |amount: u64| Call::new(counter, "increase", vec![Felt::from(amount)]);
    let payloads = [
        signed_invoke(&g, alice, 3, &[increase(10), increase(100)]),
        signed_invoke(&g, alice, 4, &[not_unique]),
    ];
    let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let (block, _) = c.execute(&refs).unwrap();
    let r = &block.receipts[0];
    assert_eq!(r.status, TxStatus::Succeeded, "{r:?}");
    let increased: Vec<&Event> = r.events.iter().filter(|e| e.from_address == counter).collect();
    let key = selector_from_name("Increased").0;
    assert_eq!(increased.len(), 2);
    assert_eq!((&increased[0].keys, &increased[0].data), (&vec![key], &vec![Felt::from(10u8), Felt::from(15u8)]));
    assert_eq!((&increased[1].keys, &increased[1].data), (&vec![key], &vec![Felt::from(100u8), Felt::from(115u8)]));
    assert_eq!(storage_var(&c, counter, "value"), Felt::from(115u8));
    let get = |address| c.executor.call(&c.state, c.next_env(), address, selector_from_name("get").0, vec![]).unwrap();
    assert_eq!(get(counter), vec![Felt::from(115u8)]);
    assert_eq!(get(expected[3].5), vec![Felt::from(9u8)], "the other counters are untouched");
    // Bob's not-unique deployment again, by alice through the other UDC: the same
    // address (deployer zero), already taken.
    let r = &block.receipts[1];
    let TxStatus::Reverted { reason } = &r.status else { panic!("expected a revert: {r:?}") };
    assert!(reason.contains(&format!("contract already deployed at address {:#066x}", expected[1].5)), "{reason}");
    assert!(r.events.iter().all(|e| e.from_address != g.udc), "{r:?}");
}

#[test]
fn deploying_an_undeclared_class_through_the_udc_reverts() {
    let mut c = chain(Engine::Vm);
    let g = c.genesis.clone();
    let alice = &g.accounts[0];
    let class_hash = counter_class().class_hash.0; // not declared on this chain
    let root = c.tip().state_root;
    let payloads = [
        signed_invoke(&g, alice, 0, &[udc_deploy(g.udc, class_hash, Felt::ONE, true, &[Felt::ONE])]),
        signed_invoke(&g, alice, 1, &[udc_deploy(g.legacy_udc, class_hash, Felt::ONE, false, &[Felt::ONE])]),
    ];
    let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let (block, sealed) = c.execute(&refs).unwrap();
    for (r, (udc, unique)) in block.receipts.iter().zip([(g.udc, true), (g.legacy_udc, false)]) {
        let TxStatus::Reverted { reason } = &r.status else { panic!("expected a revert: {r:?}") };
        assert!(reason.contains(&format!("Class with hash {class_hash:#066x} is not declared")), "{reason}");
        assert!(r.actual_fee > 0, "a revert pays");
        assert!(r.events.iter().all(|e| e.from_address != udc), "no ContractDeployed: {r:?}");
        let address = udc_deployed_address(udc, alice.address, class_hash, Felt::ONE, unique, &[Felt::ONE]);
        assert_eq!(c.state.class_hash_at(address).unwrap(), Felt::ZERO);
    }
    assert_eq!(c.state.nonce(alice.address).unwrap(), Felt::TWO);
    assert_ne!(sealed.state_root, root, "fees and nonces moved");
}

#[test]
fn native_and_vm_agree_on_declaring_deploying_and_using_a_class() {
    let class = counter_class();
    let run = |engine| {
        let mut c = chain(engine);
        let g = c.genesis.clone();
        let (alice, bob) = (&g.accounts[0], &g.accounts[1]);
        let chain_id = g.chain.chain_id();
        let declare = wallet::declare(alice, Felt::ZERO, (*class.sierra).clone(), class.compiled_class_hash, GasLimits::default(), &chain_id);
        let h = class.class_hash.0;
        let salt = Felt::from(3u8);
        let counter = udc_deployed_address(g.udc, alice.address, h, salt, true, &[Felt::ONE]);
        let blocks = [
            vec![declare.encode()],
            vec![
                signed_invoke(&g, alice, 1, &[udc_deploy(g.udc, h, salt, true, &[Felt::ONE])]),
                signed_invoke(&g, bob, 0, &[udc_deploy(g.legacy_udc, h, salt, false, &[Felt::TWO])]),
                signed_invoke(&g, alice, 2, &[Call::new(counter, "increase", vec![Felt::from(41u8)])]),
                // Undeclared class: reverts.
                signed_invoke(&g, bob, 1, &[udc_deploy(g.udc, h + Felt::ONE, salt, true, &[])]),
            ],
        ];
        let mut out = vec![];
        for payloads in &blocks {
            let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
            let (block, sealed) = c.execute(&refs).unwrap();
            if engine == Engine::Native {
                assert_eq!(block.vm_calls, 0, "the UDC and the new class run natively too");
            }
            out.push((block.receipts, sealed.state_root));
        }
        assert_eq!(storage_var(&c, counter, "value"), Felt::from(42u8));
        out
    };
    // Revert reasons differ in form: the VM's frames carry `Error at pc=...` and a Cairo
    // traceback, Native's do not (so do the receipt commitments and block hashes of
    // blocks with such a revert). Compared here: that both name the cause.
    let without_reasons = |blocks: Vec<(Vec<kraken_execution::Receipt>, Felt)>| {
        let mut blocks = blocks;
        for (receipts, _) in &mut blocks {
            for r in receipts {
                if let TxStatus::Reverted { reason } = &mut r.status {
                    assert!(reason.contains("is not declared"), "{reason}");
                    reason.clear();
                }
            }
        }
        blocks
    };
    let vm = without_reasons(run(Engine::Vm));
    let statuses: Vec<bool> = vm[1].0.iter().map(|r| r.status == TxStatus::Succeeded).collect();
    assert_eq!(statuses, [true, true, true, false]);
    assert_eq!(without_reasons(run(Engine::Native)), vm);
}
