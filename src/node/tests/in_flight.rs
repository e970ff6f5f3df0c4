//! A client that pipelines requests and never gets answers cannot make the node read
//! (and hold) more than a bounded number of them.

use crate::mempool::MempoolHandle;
use crate::net::{codec, frame, NetStats};
use crate::node::client_api::{serve, MAX_IN_FLIGHT};
use crate::node::{ClientCall, ClientRequest};
use crate::storage::Store;
use crate::types::Tx;
use madsim::runtime::{Handle, Runtime};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

#[test]
fn unanswered_requests_stop_the_node_reading_a_connection() {
    Runtime::with_seed_and_config(1, madsim::Config::default()).block_on(async {
        let node_ip = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        // A mempool that never answers: every submission keeps its slot.
        let (mempool, mut submissions) = MempoolHandle::channel(100_000);
        let store = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
        Handle::current().create_node().ip(node_ip).build().spawn(async move {
            let listener = tokio::net::TcpListener::bind(SocketAddr::new(node_ip, 7100)).await.unwrap();
            serve(listener, mempool, store, None, Arc::new(NetStats::default())).await;
        });
        let client = Handle::current().create_node().ip(IpAddr::V4(Ipv4Addr::new(10, 0, 100, 1))).build();
        client
            .spawn(async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                let mut s = tokio::net::TcpStream::connect(SocketAddr::new(node_ip, 7100)).await.unwrap();
                for id in 0..(2 * MAX_IN_FLIGHT as u64) {
                    let req = ClientRequest { id, call: ClientCall::Submit(Tx(id.to_be_bytes().to_vec())) };
                    frame::write_frame(&mut s, &codec::encode(&req)).await.unwrap();
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            })
            .await
            .unwrap();
        let mut read = Vec::new();
        while let Ok(submission) = submissions.try_recv() {
            read.push(submission);
        }
        assert_eq!(read.len(), MAX_IN_FLIGHT, "the node read more requests than it may hold unanswered");
    });
}
