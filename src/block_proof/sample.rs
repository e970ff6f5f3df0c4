//! A chain in memory whose blocks carry the default load mix (fib, fact, KRK transfers):
//! what the proving benchmark proves. The VM engine executes it (the engine does not
//! change what is proved).

use std::sync::Arc;

use kraken_execution::wallet::{self, GasLimits};
use kraken_execution::{Engine, Felt, GenesisConfig};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::chain::{Chain, ChainSettings};
use crate::load::Mix;
use crate::mempool::MempoolHandle;
use crate::rpc::RpcContext;
use crate::storage::{Store, Table};
use crate::types::Tx;

/// A chain whose block i + 1 holds `sizes[i]` invokes drawn from the default mix (each
/// from its own genesis account), served by its own JSON-RPC handlers.
pub fn sample_chain(sizes: &[usize], seed: u64) -> anyhow::Result<RpcContext> {
    let accounts = sizes.iter().copied().max().unwrap_or(1).max(4);
    let genesis = GenesisConfig { accounts: accounts as u32, ..GenesisConfig::default() };
    let store = Store::open_backend(redb::backends::InMemoryBackend::new())?;
    let chain: Arc<Chain> = Chain::open(store.clone(), &ChainSettings { engine: Engine::Vm, genesis, ..Default::default() })?;
    let g = chain.genesis.clone();
    let chain_id = g.chain.chain_id();
    let mix = Mix::default();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut nonces = vec![0u64; accounts];
    for (i, &size) in sizes.iter().enumerate() {
        let txs: Vec<Tx> = (0..size)
            .map(|k| {
                let call = mix.pick(&g, &mut rng);
                let tx = wallet::invoke(&g.accounts[k], Felt::from(nonces[k]), &[call], GasLimits::default(), &chain_id);
                nonces[k] += 1;
                Tx(tx.encode())
            })
            .collect();
        store.put(Table::BlockTxs, &(i as u64 + 1).to_be_bytes(), &txs)?;
        chain.execute_next()?.ok_or_else(|| anyhow::anyhow!("block {} did not execute", i + 1))?;
    }
    // The benchmark only reads: a mempool nobody drains refuses writes.
    Ok(RpcContext { chain, mempool: MempoolHandle::channel(1).0, store, received: Default::default() })
}
