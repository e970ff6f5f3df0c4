//! A toy system for testing the world: n0 is a fixed sequencer that packs received
//! transactions into a block every 100 ms and sends it over madsim TCP to every other
//! node copy; followers commit any block higher than their last. Every node persists
//! its last height and block id on its SimDisk and recovers them on restart.
//!
//! `[node]` switches: `fork_twin = true` makes n0's Twins copy a second sequencer with
//! its own blocks (a safety violation); `panic_at_height = H` panics the sequencer;
//! `exit_at_height = H` makes the sequencer's main return once it reached H (its block
//! task still running: the world must stop it); `skip_sync = true` never syncs the disk
//! (a crash then loses what was stored).

use futures::future::LocalBoxFuture;
use kraken_sim::disk::DiskHandle;
use kraken_sim::events::EventKind;
use kraken_sim::world::{ClientEnv, NodeEnv, SimSystem};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const PORT: u16 = 7000;

/// The toy; remembers every disk handle it was given, per node copy and incarnation.
#[derive(Default)]
pub struct Toy {
    pub handles: Arc<Mutex<BTreeMap<String, Vec<DiskHandle>>>>,
    /// Held by every node's main future while it exists: its count tells how many are
    /// left once a run is over.
    pub in_nodes: Arc<()>,
}

impl SimSystem for Toy {
    fn node_main(&self, env: NodeEnv) -> LocalBoxFuture<'static, ()> {
        self.handles
            .lock()
            .unwrap()
            .entry(env.name.clone())
            .or_default()
            .push(env.disk.clone());
        let in_nodes = self.in_nodes.clone();
        Box::pin(async move {
            let _held = in_nodes;
            node(env).await
        })
    }

    fn client_main(&self, env: ClientEnv) -> LocalBoxFuture<'static, ()> {
        Box::pin(client(env))
    }
}

struct Chain {
    height: u64,
    block: String,
}

fn load(disk: &DiskHandle) -> Chain {
    if disk.len().unwrap() < 8 {
        return Chain {
            height: 0,
            block: "genesis".to_string(),
        };
    }
    let mut height = [0u8; 8];
    disk.read(0, &mut height).unwrap();
    let mut block = vec![0u8; disk.len().unwrap() as usize - 8];
    disk.read(8, &mut block).unwrap();
    Chain {
        height: u64::from_le_bytes(height),
        block: String::from_utf8(block).unwrap(),
    }
}

fn store(env: &NodeEnv, chain: &Chain) {
    let sync = env.node_config.get("skip_sync").and_then(|v| v.as_bool()) != Some(true);
    let disk = &env.disk;
    // A fenced handle (left over from before a crash) fails here; the toy ignores it.
    let _ = disk
        .set_len(0)
        .and_then(|_| disk.write(0, &chain.height.to_le_bytes()))
        .and_then(|_| disk.write(8, chain.block.as_bytes()))
        .and_then(|_| if sync { disk.sync() } else { Ok(()) });
}

async fn send(to: SocketAddr, line: String) {
    let attempt = async {
        let mut stream = TcpStream::connect(to).await?;
        stream.write_all(line.as_bytes()).await?;
        stream.flush().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), attempt).await;
}

async fn node(env: NodeEnv) {
    let chain = Arc::new(Mutex::new(load(&env.disk)));
    if env.incarnation > 0 {
        let height = chain.lock().unwrap().height;
        env.events.record(
            &env.name,
            EventKind::Note {
                what: "recovered".into(),
                detail: serde_json::json!(height),
            },
        );
    }
    let sequencer = env.identity == 0
        && (!env.is_twin_copy
            || env.node_config.get("fork_twin").and_then(|v| v.as_bool()) == Some(true));
    let mempool: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = TcpListener::bind(SocketAddr::new(env.ip, PORT))
        .await
        .unwrap();

    if sequencer {
        let (env, chain, mempool) = (env.clone(), chain.clone(), mempool.clone());
        let panic_at = env
            .node_config
            .get("panic_at_height")
            .and_then(|v| v.as_integer())
            .map(|h| h as u64);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let txs: Vec<String> = std::mem::take(&mut *mempool.lock().unwrap());
                let line = {
                    let mut c = chain.lock().unwrap();
                    let height = c.height + 1;
                    assert_ne!(Some(height), panic_at, "toy sequencer told to panic");
                    let block = hex::encode(
                        &Sha256::digest(format!(
                            "{}/{height}/{}/{}",
                            env.name,
                            c.block,
                            txs.join(",")
                        ))[..8],
                    );
                    env.events.record(
                        &env.name,
                        EventKind::BlockCommitted {
                            height,
                            round: height,
                            block: block.clone(),
                            parent: c.block.clone(),
                            txs: txs.clone(),
                        },
                    );
                    let line = format!("BLOCK {height} {block} {} {}\n", c.block, txs.join(","));
                    *c = Chain { height, block };
                    store(&env, &c);
                    line
                };
                for ip in env.peers.iter().flatten().filter(|ip| **ip != env.ip) {
                    tokio::spawn(send(SocketAddr::new(*ip, PORT), line.clone()));
                }
            }
        });
    }

    let exit_at = env.node_config.get("exit_at_height").and_then(|v| v.as_integer()).map(|h| h as u64);
    match exit_at.filter(|_| sequencer) {
        Some(h) => {
            let reached = async {
                while chain.lock().unwrap().height < h {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                env.events.record(&env.name, EventKind::Note { what: "exiting".into(), detail: serde_json::json!(h) });
            };
            futures::future::select(Box::pin(serve(&env, listener, sequencer, chain.clone(), mempool)), Box::pin(reached)).await;
        }
        None => serve(&env, listener, sequencer, chain, mempool).await,
    }
}

async fn serve(env: &NodeEnv, listener: TcpListener, sequencer: bool, chain: Arc<Mutex<Chain>>, mempool: Arc<Mutex<Vec<String>>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let mut line = String::new();
        if BufReader::new(stream).read_line(&mut line).await.is_err() {
            continue;
        }
        let parts: Vec<&str> = line.trim_end_matches('\n').split(' ').collect();
        match parts.as_slice() {
            ["TX", tx] if sequencer => {
                env.events
                    .record(&env.name, EventKind::TxAdmitted { tx: tx.to_string() });
                mempool.lock().unwrap().push(tx.to_string());
            }
            ["BLOCK", height, block, parent, txs] if !sequencer => {
                let height: u64 = height.parse().unwrap();
                let mut c = chain.lock().unwrap();
                if height > c.height {
                    let txs = txs
                        .split(',')
                        .filter(|t| !t.is_empty())
                        .map(String::from)
                        .collect();
                    env.events.record(
                        &env.name,
                        EventKind::BlockCommitted {
                            height,
                            round: height,
                            block: block.to_string(),
                            parent: parent.to_string(),
                            txs,
                        },
                    );
                    *c = Chain {
                        height,
                        block: block.to_string(),
                    };
                    store(env, &c);
                }
            }
            _ => {}
        }
    }
}

async fn client(env: ClientEnv) {
    let start = tokio::time::Instant::now();
    let to: IpAddr = env.nodes[0][0];
    for (k, t) in env.load.send_times(env.duration).into_iter().enumerate() {
        tokio::time::sleep_until(start + t).await;
        let tx = format!("{:08x}", k);
        env.events.record(
            "client",
            EventKind::TxSubmitted {
                tx: tx.clone(),
                to: env.names[0][0].clone(),
            },
        );
        tokio::spawn(send(SocketAddr::new(to, PORT), format!("TX {tx}\n")));
    }
}
