//! A hostile peer sends garbage, forged and oversized frames to a node; the node drops
//! and counts each of them, stays up, and the run still passes every checker.
#![cfg(madsim)]

use futures_util::future::LocalBoxFuture;
use futures_util::FutureExt;
use kraken::net::envelope::Envelope;
use kraken::net::{codec, frame};
use kraken::node::{ClientAnswer, ClientCall, ClientReply, ClientRequest};
use kraken::testbed::{sim_committee, Kraken, CLIENT_PORT, PEER_PORT};
use kraken::types::KeyPair;
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{self, ClientEnv, NodeEnv, SimSystem};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn signed(from: u32, key: &KeyPair, body: Vec<u8>) -> Vec<u8> {
    codec::encode(&Envelope::seal(from, 1, key, body))
}

struct Attacked {
    inner: Kraken,
    dropped_at_n0: Arc<Mutex<Option<u64>>>,
}

impl SimSystem for Attacked {
    fn node_main(&self, env: NodeEnv) -> LocalBoxFuture<'static, ()> {
        self.inner.node_main(env)
    }

    fn client_main(&self, env: ClientEnv) -> LocalBoxFuture<'static, ()> {
        let report = self.dropped_at_n0.clone();
        let normal = self.inner.client_main(env.clone());
        async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let n0 = env.nodes[0][0];
            let (_, keys) = sim_committee(&env.nodes, env.seed);
            let outsider = KeyPair::from_seed([9; 32]);
            let frames: Vec<Vec<u8>> = vec![
                vec![0xff; 40],                                    // not an envelope at all
                signed(7, &keys[1], b"hello".to_vec()),            // sender is not a member
                signed(1, &outsider, b"hello".to_vec()),           // member 1 impersonated
                signed(1, &keys[1], vec![0xde, 0xad, 0xbe, 0xef]), // member 1, undecodable body
            ];
            let mut s = TcpStream::connect(SocketAddr::new(n0, PEER_PORT)).await.unwrap();
            for f in &frames {
                frame::write_frame(&mut s, f).await.unwrap();
            }
            // A length prefix beyond the frame limit: the node must close this connection.
            let mut s2 = TcpStream::connect(SocketAddr::new(n0, PEER_PORT)).await.unwrap();
            s2.write_all(&u32::MAX.to_be_bytes()).await.unwrap();
            s2.flush().await.unwrap();
            let status = async {
                tokio::time::sleep(Duration::from_secs(6)).await;
                let mut c = TcpStream::connect(SocketAddr::new(n0, CLIENT_PORT)).await.unwrap();
                let req = ClientRequest { id: 1, call: ClientCall::Status };
                frame::write_frame(&mut c, &codec::encode(&req)).await.unwrap();
                let reply: ClientReply = codec::decode(&frame::read_frame(&mut c).await.unwrap().unwrap()).unwrap();
                if let ClientAnswer::Status(st) = reply.answer {
                    *report.lock().unwrap() = Some(st.dropped_messages);
                }
            };
            futures_util::future::join(normal, status).await;
        }
        .boxed_local()
    }
}

#[test]
fn hostile_frames_are_dropped_and_counted() {
    let s = Scenario::from_str(
        "[scenario]\nduration = \"10s\"\n[load]\nrate = 100\n[checks]\nliveness_within = \"3s\"\n",
        "malformed",
    )
    .unwrap();
    let dropped = Arc::new(Mutex::new(None));
    let system = Attacked { inner: Kraken::new(&s).unwrap(), dropped_at_n0: dropped.clone() };
    let o = world::run(&s, 1, Arc::new(system));
    assert!(o.passed(), "{:?}", o.failures());
    let dropped = dropped.lock().unwrap().expect("status from n0");
    assert!(dropped >= 5, "n0 counted {dropped} dropped frames, expected all 5 hostile ones");
}
