//! The block program's input layout, read back: which blocks an input (hence a proof's
//! public input) covers and which kinds of transactions they hold. The layout is
//! documented once, at the top of `programs/block.cairo`; this walker follows it.

use crate::field::{felt_to_hex, FE};

/// Felts before the balances: chain_id, fib, fact, token.
pub const GENESIS_LEN: usize = 4;
/// Felts of a block header: number .. n_txs (the program's `Header` struct).
pub const HEADER_LEN: usize = 16;
/// Where the timestamp is in the header.
const TIMESTAMP: usize = 4;
/// Felts of the fee fields after kind and address (the program's `Fees` struct, without
/// the paymaster data's length).
const FEES_LEN: usize = 10;

/// A transaction's kind as the input encodes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxKind {
    Invoke = 0,
    DeployAccount = 1,
    Declare = 2,
}

/// Why felts are not a block program input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("block program input, felt {at}: {what}")]
pub struct InputShapeError {
    pub at: usize,
    pub what: String,
}

/// One block of an input: its number, timestamp, and its transactions' kinds in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputBlock {
    pub number: u64,
    /// Seconds since the Unix epoch, as the header says.
    pub timestamp: u64,
    pub kinds: Vec<TxKind>,
}

struct Cursor<'a> {
    felts: &'a [FE],
    at: usize,
}

impl Cursor<'_> {
    fn fail(&self, what: impl Into<String>) -> InputShapeError {
        InputShapeError { at: self.at, what: what.into() }
    }
    fn next(&mut self) -> Result<FE, InputShapeError> {
        let x = self.felts.get(self.at).cloned().ok_or_else(|| self.fail("the input ends here"))?;
        self.at += 1;
        Ok(x)
    }
    fn count(&mut self) -> Result<usize, InputShapeError> {
        let x = self.next()?;
        let n = small(&x).filter(|&n| n <= (self.felts.len() - self.at) as u64);
        n.map(|n| n as usize).ok_or_else(|| self.fail(format!("a length, {}, longer than what remains", felt_to_hex(&x))))
    }
    fn skip(&mut self, n: usize) -> Result<(), InputShapeError> {
        if n > self.felts.len() - self.at {
            return Err(self.fail("the input ends inside a field"));
        }
        self.at += n;
        Ok(())
    }
    fn span(&mut self) -> Result<(), InputShapeError> {
        let n = self.count()?;
        self.skip(n)
    }
}

/// `x` as a u64, if it is one.
pub fn small(x: &FE) -> Option<u64> {
    let bytes = crate::field::fe_to_bytes(x);
    if bytes[..24].iter().any(|&b| b != 0) {
        return None;
    }
    Some(u64::from_be_bytes(bytes[24..].try_into().expect("8 bytes")))
}

/// The blocks `input` covers, walking the whole layout; the input must end exactly after
/// the last block.
pub fn walk_blocks(input: &[FE]) -> Result<Vec<InputBlock>, InputShapeError> {
    let mut c = Cursor { felts: input, at: 0 };
    c.skip(GENESIS_LEN)?;
    let n_balances = c.count()?;
    c.skip(n_balances.checked_mul(3).ok_or_else(|| c.fail("too many balances"))?)?;
    let n_blocks = c.count()?;
    if n_blocks == 0 {
        return Err(c.fail("no blocks"));
    }
    let mut blocks = Vec::with_capacity(n_blocks);
    for _ in 0..n_blocks {
        let header = c.at;
        c.skip(HEADER_LEN - 1)?;
        let number = small(&input[header]).ok_or_else(|| c.fail("a block number beyond u64"))?;
        let timestamp = small(&input[header + TIMESTAMP]).ok_or_else(|| c.fail("a timestamp beyond u64"))?;
        let n_txs = c.count()?;
        let mut kinds = Vec::with_capacity(n_txs);
        for _ in 0..n_txs {
            kinds.push(walk_transaction(&mut c)?);
        }
        blocks.push(InputBlock { number, timestamp, kinds });
    }
    if c.at != input.len() {
        return Err(c.fail("felts left after the last block"));
    }
    Ok(blocks)
}

fn walk_transaction(c: &mut Cursor) -> Result<TxKind, InputShapeError> {
    let kind = match small(&c.next()?) {
        Some(0) => TxKind::Invoke,
        Some(1) => TxKind::DeployAccount,
        Some(2) => TxKind::Declare,
        _ => return Err(c.fail("a transaction kind other than 0, 1, 2")),
    };
    c.skip(1 + FEES_LEN)?; // address, fees
    c.span()?; // paymaster data
    c.span()?; // account deployment data, or constructor calldata
    match kind {
        TxKind::Invoke => c.span()?,    // calldata
        _ => c.skip(2)?,                // class hash and salt, or class hash and compiled class hash
    }
    let signature = c.count()?;
    c.skip(1 + signature)?; // hash, signature
    c.skip(1)?; // actual fee
    let n_messages = c.count()?;
    for _ in 0..n_messages {
        c.skip(2)?;
        c.span()?;
    }
    c.skip(3)?; // revert reason hash, l1 gas, l1 data gas
    let n_events = c.count()?;
    for _ in 0..n_events {
        c.skip(2)?; // from, hash
        c.span()?;
        c.span()?;
    }
    Ok(kind)
}
