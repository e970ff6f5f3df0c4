//! Executing one committed block: every transaction in consensus order through
//! blockifier, on the state left by the previous block.

use blockifier::blockifier::config::TransactionExecutorConfig;
use blockifier::blockifier::transaction_executor::{TransactionExecutor, TransactionExecutorError};
use blockifier::transaction::transaction_execution::Transaction;
use starknet_api::block::{BlockHash, BlockHashAndNumber, BlockNumber};
use starknet_types_core::felt::Felt;

use crate::context::ChainConfig;
use crate::diff::{fold_state_maps, BlockDiff};
use crate::engine::{Engine, RunnableCache};
use crate::reader::Reader;
use crate::receipt::Receipt;
use crate::tx;
use crate::view::StateView;

/// The node could not execute the block (its store or engine failed). Never a
/// transaction's fault: those end as rejected or reverted receipts.
#[derive(Debug, thiserror::Error)]
#[error("block {number} could not be executed: {reason}")]
pub struct ExecutionError {
    pub number: u64,
    pub reason: String,
}

/// What executing a block produced.
#[derive(Clone, Debug, Default)]
pub struct ExecutedBlock {
    /// One per payload, in order.
    pub receipts: Vec<Receipt>,
    /// Each receipt's transaction signature (the transaction commitment hashes it).
    pub signatures: Vec<Vec<Felt>>,
    pub diff: BlockDiff,
    /// Top-level calls (validate, execute, fee transfer) Cairo Native ran, and the VM ran.
    pub native_calls: usize,
    pub vm_calls: usize,
}

/// Executes blocks for one chain with one engine.
pub struct Executor {
    pub engine: Engine,
    pub chain: ChainConfig,
    /// Test-only sabotage: execute without transferring fees (receipts still state
    /// them). Every node then agrees on a wrong state, which only a reference model
    /// notices; the simulator's auditor tests set it, real nodes refuse it.
    pub unsafe_skip_fee_transfer: bool,
    cache: RunnableCache,
}

/// What a block needs besides its transactions.
#[derive(Clone, Copy, Debug)]
pub struct BlockEnv {
    pub number: u64,
    /// Unix seconds.
    pub timestamp: u64,
    /// The hash of block `number - 10`, which the block hash contract must hold from
    /// block 10 on (Starknet's `get_block_hash` syscall reads it).
    pub old_block_hash: Option<(u64, Felt)>,
}

impl Executor {
    pub fn new(engine: Engine, chain: ChainConfig) -> Self {
        Executor { engine, chain, unsafe_skip_fee_transfer: false, cache: RunnableCache::default() }
    }

    pub(crate) fn cache(&self) -> &RunnableCache {
        &self.cache
    }

    pub fn execute_block<V: StateView + ?Sized>(
        &self,
        view: &V,
        env: BlockEnv,
        payloads: &[&[u8]],
    ) -> Result<ExecutedBlock, ExecutionError> {
        let fail = |reason: String| ExecutionError { number: env.number, reason };
        let chain_id = self.chain.chain_id();
        let reader = Reader::new(view, self.engine, &self.cache);
        let old = env.old_block_hash.map(|(n, h)| BlockHashAndNumber { number: BlockNumber(n), hash: BlockHash(h) });
        let context = self.chain.block_context(env.number, env.timestamp);
        let mut executor =
            TransactionExecutor::pre_process_and_create(reader, context, old, TransactionExecutorConfig::default())
                .map_err(|e| fail(e.to_string()))?;

        let mut out = ExecutedBlock::default();
        for payload in payloads {
            let mut parsed = match tx::parse(payload, &chain_id) {
                Ok(p) => p,
                Err(e) => {
                    out.receipts.push(Receipt::rejected(Felt::ZERO, e.kind(), e.to_string()));
                    out.signatures.push(vec![]);
                    continue;
                }
            };
            let (hash, kind, deployed, declared) = (parsed.hash, parsed.kind, parsed.deployed_address, parsed.declared);
            out.signatures.push(parsed.signature);
            if self.unsafe_skip_fee_transfer {
                parsed.tx.execution_flags.charge_fee = false;
            }
            let result = executor.execute(&Transaction::Account(parsed.tx));
            if let Some(reason) = state_reader(&executor).failure() {
                return Err(fail(reason));
            }
            match result {
                Ok((info, _)) => {
                    for call in info.non_optional_call_infos() {
                        if call.execution.cairo_native {
                            out.native_calls += 1;
                        } else {
                            out.vm_calls += 1;
                        }
                    }
                    if let Some(class) = declared {
                        out.diff.new_classes.push(class);
                    }
                    out.receipts.push(Receipt::from_execution(hash, kind, deployed, &info));
                }
                Err(TransactionExecutorError::BlockFull) => return Err(fail("block full under a max bouncer".into())),
                Err(e) => out.receipts.push(Receipt::rejected(hash, kind, e.to_string())),
            }
        }
        let state = executor.block_state.as_mut().expect("the executor owns its state");
        let changes = state.to_state_diff().map_err(|e| fail(e.to_string()))?;
        if let Some(reason) = state.state.failure() {
            return Err(fail(reason));
        }
        fold_state_maps(&mut out.diff.state, &changes.state_maps);
        Ok(out)
    }
}

fn state_reader<'a, 'b, V: StateView + ?Sized>(
    executor: &'b TransactionExecutor<Reader<'a, V>>,
) -> &'b Reader<'a, V> {
    &executor.block_state.as_ref().expect("the executor owns its state").state
}
