//! The block program's input (its layout is documented at the top of
//! `prover/programs/block.cairo`) from standard Starknet JSON-RPC answers only:
//! `starknet_getBlockWithReceipts` and `starknet_getStateUpdate` per block, and the KRK
//! balances (`starknet_getStorageAt` before the first block). Anyone's prover can
//! build it from any node.

use kraken_execution::Felt;
use kraken_starknet::block::state_diff_commitment;
use kraken_starknet::felt::{short_string, starknet_keccak};
use kraken_starknet::state::StateDiff;
use serde_json::Value;

/// Chain facts the program takes first: the chain id and the contracts it executes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainFacts {
    pub chain_id: Felt,
    pub fib: Felt,
    pub fact: Felt,
    pub token: Felt,
}

/// One block's answers.
#[derive(Clone, Debug)]
pub struct BlockAnswers {
    /// `starknet_getBlockWithReceipts`.
    pub block: Value,
    /// `starknet_getStateUpdate`.
    pub state_update: Value,
}

/// A KRK balance (a u256) before the first block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Balance {
    pub address: Felt,
    pub low: Felt,
    pub high: Felt,
}

/// What in the answers cannot become program input, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {what}")]
pub struct InputError {
    pub place: String,
    pub what: String,
}

fn err(place: &str, what: impl Into<String>) -> InputError {
    InputError { place: place.to_string(), what: what.into() }
}

// The transaction kinds as the program numbers them.
const INVOKE: u64 = 0;
const DEPLOY_ACCOUNT: u64 = 1;
const DECLARE: u64 = 2;

/// The program input for `blocks` (consecutive, in order) of the chain `chain`, starting
/// from `balances`.
pub fn program_input(chain: &ChainFacts, balances: &[Balance], blocks: &[BlockAnswers]) -> Result<Vec<Felt>, InputError> {
    let mut out = vec![chain.chain_id, chain.fib, chain.fact, chain.token, Felt::from(balances.len())];
    for b in balances {
        out.extend([b.address, b.low, b.high]);
    }
    out.push(Felt::from(blocks.len()));
    for answers in blocks {
        push_block(&mut out, answers)?;
    }
    Ok(out)
}

/// Every address whose KRK balance the program reads: senders of invokes and
/// recipients of their `transfer` calls on the token, and both sides of the token's
/// Transfer events. Sorted, without repeats.
pub fn balance_addresses(chain: &ChainFacts, blocks: &[BlockAnswers]) -> Result<Vec<Felt>, InputError> {
    let transfer = starknet_keccak(b"transfer");
    let transfer_event = starknet_keccak(b"Transfer");
    let mut addresses = std::collections::BTreeSet::new();
    for answers in blocks {
        let number = block_number(&answers.block)?;
        for (i, item) in items(&answers.block, number)?.iter().enumerate() {
            let place = format!("block {number}, transaction {i}");
            let tx = obj(item, "transaction", &place)?;
            if text(tx, "type", &place)? == "INVOKE" {
                addresses.insert(felt(tx, "sender_address", &place)?);
                let calldata = felts(tx, "calldata", &place)?;
                // [n_calls, (to, selector, len, args...)...]; a malformed multicall is
                // not executed, so its recipients do not matter.
                let mut at = 1;
                while at + 3 <= calldata.len() {
                    let len = usize::try_from(calldata[at + 2].to_biguint()).unwrap_or(usize::MAX);
                    if calldata[at] == chain.token && calldata[at + 1] == transfer && len == 3 && at + 6 <= calldata.len() {
                        addresses.insert(calldata[at + 3]);
                    }
                    at = at.saturating_add(3).saturating_add(len);
                }
            }
            for event in array(obj(item, "receipt", &place)?, "events", &place)? {
                let keys = felts(event, "keys", &place)?;
                if felt(event, "from_address", &place)? == chain.token && keys.len() == 3 && keys[0] == transfer_event {
                    addresses.extend([keys[1], keys[2]]);
                }
            }
        }
    }
    Ok(addresses.into_iter().collect())
}

fn push_block(out: &mut Vec<Felt>, answers: &BlockAnswers) -> Result<(), InputError> {
    let b = &answers.block;
    let number = block_number(b)?;
    let place = format!("block {number}");
    let prices = |key: &str| -> Result<[Felt; 2], InputError> {
        let p = obj(b, key, &place)?;
        Ok([felt(p, "price_in_wei", &place)?, felt(p, "price_in_fri", &place)?])
    };
    let da_mode = match text(b, "l1_da_mode", &place)? {
        "CALLDATA" => Felt::ZERO,
        "BLOB" => Felt::ONE,
        other => return Err(err(&place, format!("l1_da_mode `{other}` is neither CALLDATA nor BLOB"))),
    };
    let version = text(b, "starknet_version", &place)?;
    if version.len() > 31 || !version.is_ascii() {
        return Err(err(&place, format!("starknet_version `{version}` is not a short string")));
    }
    let diff = state_diff(&answers.state_update, &place)?;
    out.extend([
        Felt::from(number),
        felt(b, "parent_hash", &place)?,
        felt(b, "new_root", &place)?,
        felt(b, "sequencer_address", &place)?,
        Felt::from(integer(b, "timestamp", &place)?),
    ]);
    out.extend(prices("l1_gas_price")?);
    out.extend(prices("l1_data_gas_price")?);
    out.extend(prices("l2_gas_price")?);
    out.extend([da_mode, short_string(version), state_diff_commitment(&diff), Felt::from(diff.len())]);
    let items = items(b, number)?;
    out.push(Felt::from(items.len()));
    for (i, item) in items.iter().enumerate() {
        let place = format!("block {number}, transaction {i}");
        push_transaction(out, obj(item, "transaction", &place)?, obj(item, "receipt", &place)?, &place)?;
    }
    Ok(())
}

fn push_transaction(out: &mut Vec<Felt>, tx: &Value, receipt: &Value, place: &str) -> Result<(), InputError> {
    let version = felt(tx, "version", place)?;
    if version != Felt::THREE {
        return Err(err(place, format!("version {version:#x}: the block program hashes v3 transactions only")));
    }
    let (kind, address) = match text(tx, "type", place)? {
        "INVOKE" => (INVOKE, felt(tx, "sender_address", place)?),
        "DECLARE" => (DECLARE, felt(tx, "sender_address", place)?),
        // The deployed address is hashed in place of a sender; the receipt names it.
        "DEPLOY_ACCOUNT" => (DEPLOY_ACCOUNT, felt(receipt, "contract_address", place)?),
        other => return Err(err(place, format!("type `{other}`: the block program knows INVOKE, DEPLOY_ACCOUNT and DECLARE"))),
    };
    out.extend([Felt::from(kind), address, felt(tx, "tip", place)?]);
    let bounds = obj(tx, "resource_bounds", place)?;
    for resource in ["l1_gas", "l2_gas", "l1_data_gas"] {
        let r = obj(bounds, resource, place)?;
        out.extend([felt(r, "max_amount", place)?, felt(r, "max_price_per_unit", place)?]);
    }
    out.push(felt(tx, "nonce", place)?);
    for key in ["nonce_data_availability_mode", "fee_data_availability_mode"] {
        out.push(match text(tx, key, place)? {
            "L1" => Felt::ZERO,
            "L2" => Felt::ONE,
            other => return Err(err(place, format!("{key} `{other}` is neither L1 nor L2"))),
        });
    }
    push_span(out, &felts(tx, "paymaster_data", place)?);
    match kind {
        INVOKE => {
            push_span(out, &felts(tx, "account_deployment_data", place)?);
            push_span(out, &felts(tx, "calldata", place)?);
        }
        DEPLOY_ACCOUNT => {
            push_span(out, &felts(tx, "constructor_calldata", place)?);
            out.extend([felt(tx, "class_hash", place)?, felt(tx, "contract_address_salt", place)?]);
        }
        _ => {
            push_span(out, &felts(tx, "account_deployment_data", place)?);
            out.extend([felt(tx, "class_hash", place)?, felt(tx, "compiled_class_hash", place)?]);
        }
    }
    // The hash goes in front of the signature: the program checks it is the one it
    // computes, and hashes (hash, signature...) in place.
    let hash = felt(receipt, "transaction_hash", place)?;
    let signature = felts(tx, "signature", place)?;
    out.extend([Felt::from(signature.len()), hash]);
    out.extend(signature);
    push_receipt(out, receipt, hash, place)
}

fn push_receipt(out: &mut Vec<Felt>, r: &Value, hash: Felt, place: &str) -> Result<(), InputError> {
    out.push(felt(obj(r, "actual_fee", place)?, "amount", place)?);
    let messages = array(r, "messages_sent", place)?;
    out.push(Felt::from(messages.len()));
    for m in messages {
        out.extend([felt(m, "from_address", place)?, felt(m, "to_address", place)?]);
        push_span(out, &felts(m, "payload", place)?);
    }
    let revert_reason_hash = match text(r, "execution_status", place)? {
        "SUCCEEDED" => Felt::ZERO,
        "REVERTED" => starknet_keccak(text(r, "revert_reason", place)?.as_bytes()),
        other => return Err(err(place, format!("execution_status `{other}`"))),
    };
    let resources = obj(r, "execution_resources", place)?;
    out.extend([
        revert_reason_hash,
        Felt::from(integer(resources, "l1_gas", place)?),
        Felt::from(integer(resources, "l1_data_gas", place)?),
    ]);
    let events = array(r, "events", place)?;
    out.push(Felt::from(events.len()));
    for e in events {
        out.extend([felt(e, "from_address", place)?, hash]);
        push_span(out, &felts(e, "keys", place)?);
        push_span(out, &felts(e, "data", place)?);
    }
    Ok(())
}

/// The diff as `starknet/` commits to it, from a STATE_UPDATE.
fn state_diff(update: &Value, place: &str) -> Result<StateDiff, InputError> {
    let d = obj(update, "state_diff", place)?;
    let mut diff = StateDiff::default();
    for s in array(d, "storage_diffs", place)? {
        let writes = diff.storage_updates.entry(felt(s, "address", place)?).or_default();
        for e in array(s, "storage_entries", place)? {
            writes.insert(felt(e, "key", place)?, felt(e, "value", place)?);
        }
    }
    for c in array(d, "deployed_contracts", place)? {
        diff.class_hashes.insert(felt(c, "address", place)?, felt(c, "class_hash", place)?);
    }
    for c in array(d, "replaced_classes", place)? {
        diff.class_hashes.insert(felt(c, "contract_address", place)?, felt(c, "class_hash", place)?);
    }
    for c in array(d, "declared_classes", place)? {
        diff.declared_classes.insert(felt(c, "class_hash", place)?, felt(c, "compiled_class_hash", place)?);
    }
    for c in array(d, "deprecated_declared_classes", place)? {
        diff.deprecated_declared_classes.insert(parse_felt(c).ok_or_else(|| err(place, "a deprecated declared class is not a felt"))?);
    }
    for n in array(d, "nonces", place)? {
        diff.nonces.insert(felt(n, "contract_address", place)?, felt(n, "nonce", place)?);
    }
    Ok(diff)
}

fn push_span(out: &mut Vec<Felt>, xs: &[Felt]) {
    out.push(Felt::from(xs.len()));
    out.extend_from_slice(xs);
}

/// The block's number.
pub fn block_number(block: &Value) -> Result<u64, InputError> {
    integer(block, "block_number", "block").map_err(|e| err("a block", e.what))
}

fn items(block: &Value, number: u64) -> Result<&Vec<Value>, InputError> {
    array(block, "transactions", &format!("block {number}"))
}

fn get<'a>(v: &'a Value, key: &str, place: &str) -> Result<&'a Value, InputError> {
    v.get(key).ok_or_else(|| err(place, format!("no `{key}`")))
}

fn obj<'a>(v: &'a Value, key: &str, place: &str) -> Result<&'a Value, InputError> {
    let x = get(v, key, place)?;
    x.is_object().then_some(x).ok_or_else(|| err(place, format!("`{key}` is not an object")))
}

fn array<'a>(v: &'a Value, key: &str, place: &str) -> Result<&'a Vec<Value>, InputError> {
    get(v, key, place)?.as_array().ok_or_else(|| err(place, format!("`{key}` is not an array")))
}

fn text<'a>(v: &'a Value, key: &str, place: &str) -> Result<&'a str, InputError> {
    get(v, key, place)?.as_str().ok_or_else(|| err(place, format!("`{key}` is not a string")))
}

fn parse_felt(v: &Value) -> Option<Felt> {
    let s = v.as_str()?;
    let digits = s.strip_prefix("0x")?;
    (!digits.is_empty() && digits.len() <= 64).then_some(())?;
    Felt::from_hex(s).ok()
}

fn felt(v: &Value, key: &str, place: &str) -> Result<Felt, InputError> {
    parse_felt(get(v, key, place)?).ok_or_else(|| err(place, format!("`{key}` is not a 0x-hex felt")))
}

fn felts(v: &Value, key: &str, place: &str) -> Result<Vec<Felt>, InputError> {
    array(v, key, place)?
        .iter()
        .map(|x| parse_felt(x).ok_or_else(|| err(place, format!("`{key}` holds something other than a 0x-hex felt"))))
        .collect()
}

/// A JSON number, or a 0x-hex string (the spec writes gas amounts as numbers, some
/// nodes as hex).
fn integer(v: &Value, key: &str, place: &str) -> Result<u64, InputError> {
    let x = get(v, key, place)?;
    x.as_u64()
        .or_else(|| x.as_str().and_then(|s| s.strip_prefix("0x")).and_then(|h| u64::from_str_radix(h, 16).ok()))
        .ok_or_else(|| err(place, format!("`{key}` is not an integer below 2^64")))
}
