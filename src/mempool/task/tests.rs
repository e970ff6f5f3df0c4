//! The mempool task alone (one node of four, peers unreachable): batches are sealed at
//! `max_batch_txs`, the most a peer accepts, and that bound fits the wire's.

use super::*;
use crate::net::{LinkKeys, NetStats, Network};
use crate::cpu::Unmetered;
use crate::observer::LogObserver;
use crate::types::Committee;
use madsim::runtime::Runtime;

fn spawn(params: MempoolParams, pool: Arc<BatchPool>) -> anyhow::Result<MempoolHandle> {
    let (committee, keys) = Committee::generate(4, 0, |i| {
        (vec![format!("10.9.9.{}:1", i + 1).parse().unwrap()], vec![format!("10.9.9.{}:2", i + 1).parse().unwrap()])
    });
    let store = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
    let net = crate::node::mempool_outbox(&Network::start(&committee, Arc::new(LinkKeys::derive(&committee, 0, &keys[0]).unwrap()), Arc::new(NetStats::default()), Default::default()));
    let (_, inbox) = mpsc::channel(1);
    let (arrivals, _) = mpsc::unbounded_channel();
    let (halt, _) = Halt::new();
    Mempool::spawn(params, store, net, pool, Arc::new(LogObserver), halt, None, Arc::new(Unmetered), inbox, arrivals)
}

#[test]
fn batches_are_sealed_at_max_batch_txs_without_waiting() {
    Runtime::new().block_on(async {
        let pool = Arc::new(BatchPool::default());
        let params = MempoolParams { max_batch_txs: 2, batch_delay_ms: 60_000, ..MempoolParams::default() };
        let mempool = spawn(params, pool.clone()).unwrap();
        let start = Instant::now();
        let acks = futures::future::join_all((1..=4u8).map(|i| mempool.submit(Tx(vec![i])))).await;
        assert!(acks.iter().all(|a| matches!(a, Admission::Admitted(_))), "{acks:?}");
        assert!(start.elapsed() < Duration::from_secs(1), "sealed by the delay, not the count");
        assert_eq!((pool.len(), pool.tx_count()), (2, 4));
    });
}

#[test]
fn max_batch_txs_must_fit_the_wire_bound() {
    Runtime::new().block_on(async {
        for bad in [0, Batch::MAX_TXS + 1] {
            let params = MempoolParams { max_batch_txs: bad, ..MempoolParams::default() };
            let err = spawn(params, Default::default()).err().expect("refused");
            assert!(err.to_string().contains("max_batch_txs"), "{err}");
        }
        spawn(MempoolParams { max_batch_txs: Batch::MAX_TXS, ..MempoolParams::default() }, Default::default()).unwrap();
    });
}
