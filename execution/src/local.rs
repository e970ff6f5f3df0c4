//! A whole chain in memory: genesis, then blocks executed and sealed one after another.
//! What tests, the differential test and the benchmark drive; the node does the same
//! over its durable store.

use kraken_starknet::state::{MemoryStateStore, StateRoots};
use starknet_types_core::felt::Felt;

use crate::block::{BlockEnv, ExecutedBlock, ExecutionError, Executor};
use crate::engine::Engine;
use crate::genesis::{Genesis, GenesisConfig};
use crate::seal::{seal, SealedBlock};
use crate::view::MemoryState;

/// Unix time of block 0. Block `n` is stamped `GENESIS_TIMESTAMP + n` (see
/// [`block_timestamp`]).
pub const GENESIS_TIMESTAMP: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z

/// The timestamp of block `number`: consensus blocks carry no clock reading, so time is
/// derived from the height, identically on every node.
pub fn block_timestamp(number: u64) -> u64 {
    GENESIS_TIMESTAMP + number
}

pub struct LocalChain {
    pub genesis: Genesis,
    pub executor: Executor,
    pub state: MemoryState,
    /// The state tries' nodes and contract records.
    pub tries: MemoryStateStore,
    /// Every sealed block, from block 0 (genesis) on.
    pub blocks: Vec<SealedBlock>,
}

impl LocalChain {
    pub fn new(engine: Engine, config: &GenesisConfig) -> LocalChain {
        let genesis = Genesis::build(config);
        let executor = Executor::new(engine, genesis.chain.clone());
        let mut chain = LocalChain { executor, state: MemoryState::default(), tries: MemoryStateStore::default(), blocks: vec![], genesis };
        let block0 = ExecutedBlock { diff: chain.genesis.diff.clone(), ..Default::default() };
        chain.apply(0, &block0);
        chain
    }

    pub fn tip(&self) -> &SealedBlock {
        self.blocks.last().expect("genesis is sealed at construction")
    }

    /// The environment of the next block.
    pub fn next_env(&self) -> BlockEnv {
        let number = self.tip().number + 1;
        let old_block_hash = number.checked_sub(10).map(|n| (n, self.blocks[n as usize].block_hash));
        BlockEnv { number, timestamp: block_timestamp(number), old_block_hash }
    }

    /// Executes and seals the next block.
    pub fn execute(&mut self, payloads: &[&[u8]]) -> Result<(ExecutedBlock, SealedBlock), ExecutionError> {
        let env = self.next_env();
        let block = self.executor.execute_block(&self.state, env, payloads)?;
        let sealed = self.apply(env.number, &block);
        Ok((block, sealed))
    }

    fn apply(&mut self, number: u64, block: &ExecutedBlock) -> SealedBlock {
        let (prev, parent) = match self.blocks.last() {
            Some(b) => (b.roots(), b.block_hash),
            None => (StateRoots::default(), Felt::ZERO),
        };
        let sealed = seal(&mut self.tries, &self.executor.chain, prev, parent, number, block_timestamp(number), block)
            .expect("the in-memory trie store cannot fail");
        self.record(block, sealed);
        sealed
    }

    /// Makes `block`, sealed as `sealed` (its tries already moved in [`Self::tries`]),
    /// the new tip: for callers that seal step by step, as the execution benchmark does.
    pub fn record(&mut self, block: &ExecutedBlock, sealed: SealedBlock) {
        self.state.apply(&block.diff);
        self.blocks.push(sealed);
    }
}
