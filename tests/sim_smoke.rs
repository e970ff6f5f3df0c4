//! Four nodes in madsim, no faults: transactions get committed, identically everywhere.
#![cfg(madsim)]

use kraken::consensus::CommittedBlock;
use kraken::node::{self, NodeConfig, NodeSetup, Observer};
use kraken::storage::Store;
use kraken::types::{Committee, Tx};
use madsim::runtime::Handle;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Log(Mutex<Vec<(u64, String, usize)>>);
impl Observer for Log {
    fn block_committed(&self, b: &CommittedBlock) {
        self.0.lock().unwrap().push((b.record.height, b.record.digest.to_hex(), b.txs.len()));
    }
}

#[madsim::test]
async fn four_nodes_commit_the_same_chain() {
    let addr = |i: usize, port: u16| -> SocketAddr { format!("10.0.0.{}:{port}", i + 1).parse().unwrap() };
    let (committee, keys) = Committee::generate(4, 1, |i| (vec![addr(i, 7000)], vec![addr(i, 7100)]));
    let committee = Arc::new(committee);
    let logs: Vec<Arc<Log>> = (0..4).map(|_| Arc::new(Log::default())).collect();
    let handle = Handle::current();
    for i in 0..4 {
        let (committee, key, log) = (committee.clone(), keys[i].clone(), logs[i].clone());
        handle
            .create_node()
            .name(format!("n{i}"))
            .ip(addr(i, 0).ip())
            .init(move || {
                let (committee, key, log) = (committee.clone(), key.clone(), log.clone());
                async move {
                    let store = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
                    let setup = NodeSetup {
                        committee,
                        me: i as u32,
                        key,
                        store,
                        config: NodeConfig::default(),
                        observer: log,
                        peer_listener: tokio::net::TcpListener::bind(addr(i, 7000)).await.unwrap(),
                        client_listener: tokio::net::TcpListener::bind(addr(i, 7100)).await.unwrap(),
                    };
                    node::run(setup).await.unwrap();
                }
            })
            .build();
    }
    let client = handle.create_node().name("client").ip("10.0.100.1".parse().unwrap()).build();
    client
        .spawn(async move {
            use kraken::net::{codec, frame};
            use kraken::node::{ClientAnswer, ClientCall, ClientReply, ClientRequest};
            tokio::time::sleep(Duration::from_millis(100)).await;
            let mut s = tokio::net::TcpStream::connect(addr(2, 7100)).await.unwrap();
            for id in 0..50u64 {
                let req = ClientRequest { id, call: ClientCall::Submit(Tx(id.to_be_bytes().to_vec())) };
                frame::write_frame(&mut s, &codec::encode(&req)).await.unwrap();
            }
            for _ in 0..50 {
                let r: ClientReply = codec::decode(&frame::read_frame(&mut s).await.unwrap().unwrap()).unwrap();
                assert!(matches!(r.answer, ClientAnswer::Admitted(_)), "{r:?}");
            }
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let chains: Vec<Vec<(u64, String, usize)>> = logs.iter().map(|l| l.0.lock().unwrap().clone()).collect();
    let shortest = chains.iter().map(Vec::len).min().unwrap();
    assert!(shortest > 5, "too few commits: {:?}", chains.iter().map(Vec::len).collect::<Vec<_>>());
    for c in &chains {
        assert_eq!(c[..shortest], chains[0][..shortest], "chains diverge");
    }
    let committed_txs: usize = chains[0].iter().map(|c| c.2).sum();
    assert_eq!(committed_txs, 50);
}
