//! A hostile peer sends garbage, forged and oversized frames, or lying block signatures,
//! to a node; the node drops and counts each of them, stays up, and the run still passes
//! every checker.
#![cfg(madsim)]

use futures_util::future::LocalBoxFuture;
use futures_util::FutureExt;
use kraken::block_proof::fetch::Rpc;
use kraken::certify::{Attestation, BlockCertificate};
use kraken::net::{codec, frame, LinkKeys};
use kraken::node::{ClientAnswer, ClientCall, ClientReply, ClientRequest, NodeMessage};
use kraken::rpc::framed::FramedRpc;
use kraken::testbed::{sim_committee, Kraken, CLIENT_PORT, PEER_PORT, RPC_PORT};
use kraken_execution::Felt;
use kraken::types::{Committee, KeyPair};
use kraken_sim::events::EventKind;
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{self, ClientEnv, NodeEnv, SimSystem};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// `body` sealed for n0 as member `from` would, but with `key` (maybe not `from`'s).
fn sealed(committee: &Committee, from: u32, key: &KeyPair, body: Vec<u8>) -> Vec<u8> {
    let links = LinkKeys::derive(committee, from, key).unwrap();
    codec::encode(&links.seal(0, 1, body).unwrap())
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
            let (committee, keys) = sim_committee(&env.nodes, env.seed);
            let outsider = KeyPair::from_seed([9; 32]);
            let frames: Vec<Vec<u8>> = vec![
                vec![0xff; 40],                                                // not an envelope at all
                sealed(&committee, 7, &keys[1], b"hello".to_vec()),            // sender is not a member
                sealed(&committee, 1, &outsider, b"hello".to_vec()),           // member 1 impersonated
                sealed(&committee, 1, &keys[1], vec![0xde, 0xad, 0xbe, 0xef]), // member 1, undecodable body
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

/// A member lying about blocks: n1's key seals attestations to n0 that are signed by
/// another member's key, or name no block that can exist. n0 drops and logs each, and
/// the certificate it serves for block 1 still holds.
struct LyingAttester {
    inner: Kraken,
    certificate_holds: Arc<Mutex<Option<bool>>>,
}

impl SimSystem for LyingAttester {
    fn node_main(&self, env: NodeEnv) -> LocalBoxFuture<'static, ()> {
        self.inner.node_main(env)
    }

    fn client_main(&self, env: ClientEnv) -> LocalBoxFuture<'static, ()> {
        let report = self.certificate_holds.clone();
        let normal = self.inner.client_main(env.clone());
        async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let n0 = env.nodes[0][0];
            let (committee, keys) = sim_committee(&env.nodes, env.seed);
            let lie = |a: Attestation| sealed(&committee, 1, &keys[1], codec::encode(&NodeMessage::Attestation(a)));
            let frames = [
                lie(Attestation::sign(1, Felt::from(7_u64), &keys[2])), // n2's signature, sent by n1
                lie(Attestation::sign(1_000_000_000, Felt::from(7_u64), &keys[1])), // no such block for ages
                lie(Attestation::sign(0, Felt::from(7_u64), &keys[1])), // genesis is never signed
            ];
            let mut s = TcpStream::connect(SocketAddr::new(n0, PEER_PORT)).await.unwrap();
            for f in &frames {
                frame::write_frame(&mut s, f).await.unwrap();
            }
            let check = async {
                tokio::time::sleep(Duration::from_secs(8)).await;
                let rpc = FramedRpc::new(SocketAddr::new(n0, RPC_PORT));
                let answer = rpc.call("kraken_getBlockCertificate", serde_json::json!([{ "block_number": 1 }])).await.unwrap();
                *report.lock().unwrap() = Some(BlockCertificate::from_json(&answer, 1).unwrap().verify(&committee).is_ok());
            };
            futures_util::future::join(normal, check).await;
        }
        .boxed_local()
    }
}

#[test]
fn lying_attestations_are_dropped_and_logged_and_certificates_still_hold() {
    let s = Scenario::from_str(
        "[scenario]\nduration = \"10s\"\n[load]\nrate = 1\n[node.execution]\nengine = \"vm\"\n[checks]\nliveness_within = \"5s\"\n",
        "lying-attester",
    )
    .unwrap();
    let holds = Arc::new(Mutex::new(None));
    let system = LyingAttester { inner: Kraken::new(&s).unwrap(), certificate_holds: holds.clone() };
    let o = world::run(&s, 2, Arc::new(system));
    assert!(o.passed(), "{:?}", o.failures());
    let drops: Vec<String> = o
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Note { what, detail } if what == "message_dropped" && e.node == "n0" => Some(detail["reason"].to_string()),
            _ => None,
        })
        .collect();
    for expected in ["bad signature over block 1", "signature for block 1000000000", "signature for block 0,"] {
        assert!(drops.iter().any(|d| d.contains(expected)), "n0 did not drop `{expected}`: {drops:?}");
    }
    assert_eq!(*holds.lock().unwrap(), Some(true), "n0's certificate of block 1 does not hold");
}
