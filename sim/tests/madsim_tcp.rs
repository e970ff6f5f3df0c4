//! What madsim's TCP does under the world's faults (documents behaviour the systems
//! under test must expect): an established stream is reliable, so a partition or packet
//! loss delays its bytes (madsim retries with backoff up to 10 s) rather than dropping
//! them, while a new connection across a clogged link is refused at once.
#![cfg(madsim)]

use futures::future::LocalBoxFuture;
use kraken_sim::events::{Event, EventKind};
use kraken_sim::scenario::Scenario;
use kraken_sim::world::{run, ClientEnv, NodeEnv, SimSystem};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// n1 streams a numbered line to n0 every 100 ms over one connection, and every 100 ms
/// also tries a fresh connection; n0 records what arrives.
struct Streamer;

impl SimSystem for Streamer {
    fn node_main(&self, env: NodeEnv) -> LocalBoxFuture<'static, ()> {
        Box::pin(async move {
            let listener = TcpListener::bind(SocketAddr::new(env.ip, 9000))
                .await
                .unwrap();
            if env.identity == 0 {
                loop {
                    let (stream, _) = listener.accept().await.unwrap();
                    let events = env.events.clone();
                    tokio::spawn(async move {
                        let mut lines = BufReader::new(stream).lines();
                        while let Ok(Some(line)) = lines.next_line().await {
                            events.record(
                                "n0",
                                EventKind::Note {
                                    what: "got".into(),
                                    detail: serde_json::json!(line),
                                },
                            );
                        }
                    });
                }
            } else if env.identity == 1 {
                let n0 = SocketAddr::new(env.peers[0][0], 9000);
                tokio::time::sleep(Duration::from_millis(10)).await;
                let mut stream = TcpStream::connect(n0).await.unwrap();
                for k in 0u64.. {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    stream
                        .write_all(format!("stream {k}\n").as_bytes())
                        .await
                        .unwrap();
                    // madsim sends buffered bytes only on flush.
                    stream.flush().await.unwrap();
                    let fresh = TcpStream::connect(n0).await.is_ok();
                    env.events.record(
                        "n1",
                        EventKind::Note {
                            what: "connect".into(),
                            detail: serde_json::json!(fresh),
                        },
                    );
                }
            } else {
                std::future::pending::<()>().await
            }
        })
    }

    fn client_main(&self, _env: ClientEnv) -> LocalBoxFuture<'static, ()> {
        Box::pin(std::future::pending())
    }
}

fn notes<'a>(
    events: &'a [Event],
    what: &'a str,
) -> impl Iterator<Item = (u64, &'a serde_json::Value)> + 'a {
    events.iter().filter_map(move |e| match &e.kind {
        EventKind::Note { what: w, detail } if w == what => Some((e.t_us, detail)),
        _ => None,
    })
}

#[test]
fn partition_delays_stream_bytes_and_refuses_new_connections() {
    let scenario = Scenario::from_str(
        "[scenario]\nduration = \"30s\"\n[[faults]]\nat = \"2s\"\npartition = [[\"n0\"], [\"n1\", \"n2\", \"n3\"]]\n[[faults]]\nat = \"8s\"\nheal = true\n",
        "tcp.toml",
    )
    .unwrap();
    let out = run(&scenario, 1, Arc::new(Streamer));
    assert_eq!(out.verdicts[0].checker, "safety", "{:?}", out.verdicts[0]);
    let got: Vec<(u64, &serde_json::Value)> = notes(&out.events, "got").collect();
    // Nothing arrives during the partition (allowing for in-flight bytes).
    assert!(got.iter().all(|(t, _)| *t < 2_020_000 || *t >= 8_000_000));
    // Nothing is lost: every line sent in the first 20 s arrives, in order.
    let lines: Vec<String> = got
        .iter()
        .map(|(_, l)| l.as_str().unwrap().to_string())
        .collect();
    assert!(lines.len() >= 200, "{} lines", lines.len());
    for (k, line) in lines.iter().enumerate() {
        assert_eq!(*line, format!("stream {k}"));
    }
    // Backlogged bytes arrive some time after the heal (madsim's backoff).
    let first_after = got.iter().find(|(t, _)| *t >= 8_000_000).unwrap().0;
    assert!(
        first_after < 8_000_000 + 10_100_000,
        "first delivery after heal at {first_after}us"
    );
    // Fresh connections across the partition are refused at once.
    let refused: Vec<u64> = notes(&out.events, "connect")
        .filter(|(_, ok)| **ok == false)
        .map(|(t, _)| t)
        .collect();
    assert!(
        !refused.is_empty() && refused.iter().all(|t| (2_000_000..8_100_000).contains(t)),
        "{refused:?}"
    );
    eprintln!(
        "first stream delivery after heal: +{} ms",
        (first_after - 8_000_000) / 1000
    );
}
