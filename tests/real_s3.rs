//! The S3 proof store against a real S3 API server on loopback: s3s-fs, which checks
//! SigV4 signatures as AWS does (`make test` installs it; `KRAKEN_S3S_FS` names the
//! binary). The watcher-prover's proofs read back byte-identical from the bucket; a wrong
//! secret, a missing bucket and an unreachable endpoint are errors naming the setting; the
//! server killed mid-run and started again loses no proof.
#![cfg(not(madsim))]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kraken::block_proof::sample::sample_chain;
use kraken::certify::{keep, Attestation};
use kraken::rpc::RpcContext;
use kraken::types::Committee;
use kraken::watcher::failover::Failover;
use kraken::watcher::metrics::ProverMetrics;
use kraken::watcher::plan::Ranges;
use kraken::watcher::prove::OnThreads;
use kraken::watcher::storage::{open, S3Settings};
use kraken::watcher::{run, Settings};
use kraken_prover::block::BlockClaim;
use kraken_prover::cairo::verify_cairo_proof_with_policy;
use kraken_prover::{ProofOptions, VerifierPolicy};

const KEY: &str = "AKKRAKENTEST";
const SECRET: &str = "SKKRAKENTESTSECRET";
const BUCKET: &str = "proofs";

fn s3s_fs() -> PathBuf {
    let path = std::env::var_os("KRAKEN_S3S_FS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/bin/s3s-fs"));
    assert!(path.is_file(), "no s3s-fs at {}: `make test` installs it (scripts/setup.sh), or set KRAKEN_S3S_FS", path.display());
    path
}

/// An s3s-fs server on a loopback port, serving the bucket `proofs` from a directory.
struct Server {
    data: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl Server {
    fn start() -> Server {
        let data = tempfile::tempdir().unwrap();
        std::fs::create_dir(data.path().join(BUCKET)).unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = Server { data, port, child: None };
        server.restart();
        server
    }

    fn restart(&mut self) {
        let child = Command::new(s3s_fs())
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string(), "--access-key", KEY, "--secret-key", SECRET])
            .arg(self.data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3s-fs");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], self.port))).is_err() {
            assert!(Instant::now() < deadline, "s3s-fs did not listen on port {}", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    fn settings(&self) -> S3Settings {
        S3Settings {
            bucket: BUCKET.into(),
            region: "us-east-1".into(),
            access_key_id: KEY.into(),
            secret_access_key: SECRET.into(),
            endpoint: Some(format!("http://127.0.0.1:{}", self.port)),
        }
    }

    /// The bytes the server holds for `key`, read from its disk.
    fn on_disk(&self, key: &str) -> Vec<u8> {
        std::fs::read(self.data.path().join(BUCKET).join(key)).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

/// A sample chain the whole committee certified.
fn chain(sizes: &[usize], seed: u64) -> (RpcContext, Arc<Committee>) {
    let (committee, keys) = Committee::generate(4, seed, |_| (vec![], vec![]));
    let ctx = sample_chain(sizes, seed).unwrap();
    for height in 1..=sizes.len() as u64 {
        let hash = ctx.chain.record(height).unwrap().unwrap().sealed.block_hash;
        for (member, key) in keys.iter().enumerate() {
            keep(&ctx.store, member as u32, &Attestation::sign(height, hash, key)).unwrap();
        }
    }
    (ctx, Arc::new(committee))
}

fn settings(committee: Arc<Committee>, until: u64) -> Settings {
    Settings { ranges: Ranges { first: 1, k: 1 }, workers: 1, until: Some(until), poll: Duration::from_millis(50), committee: Some(committee) }
}

fn prover() -> Arc<OnThreads> {
    Arc::new(OnThreads { options: ProofOptions::test_only() })
}

fn check_proof(proof: &[u8], block: u64) {
    let claim = verify_cairo_proof_with_policy(proof, &VerifierPolicy { min_security_bits: 0 }).unwrap();
    assert_eq!(BlockClaim::from_verified(&claim).unwrap().last_block, block);
}

#[test]
fn proofs_stored_in_s3_read_back_byte_identical() {
    let server = Server::start();
    let (ctx, committee) = chain(&[1, 2], 21);
    runtime().block_on(async {
        let store = open(&server.settings()).await.unwrap();
        run(&Failover::new(vec![ctx]), &store, prover(), ProverMetrics::new().as_ref(), &settings(committee, 2)).await.unwrap();
        assert_eq!(store.stored().await.unwrap().into_iter().collect::<Vec<_>>(), [(1, 1), (2, 2)]);
        for n in 1..=2 {
            let proof = store.proof(n).await.unwrap().expect("stored");
            assert_eq!(proof, server.on_disk(&format!("blocks/{n}/proof.bin")), "the bucket holds exactly the proof");
            check_proof(&proof, n);
            let record: serde_json::Value = serde_json::from_slice(&server.on_disk(&format!("blocks/{n}/proof.json"))).unwrap();
            assert_eq!(record["first_block"], n);
            assert_eq!(record["proof_bytes"], proof.len());
        }
    });
}

#[test]
fn a_bad_setting_is_named() {
    let server = Server::start();
    let rt = runtime();
    let error = |s: S3Settings| rt.block_on(open(&s)).err().expect("refused").to_string();
    let wrong_secret = error(S3Settings { secret_access_key: "not-the-secret".into(), ..server.settings() });
    assert!(wrong_secret.contains("AWS_SECRET_ACCESS_KEY"), "{wrong_secret}");
    let no_bucket = error(S3Settings { bucket: "no-such-bucket".into(), ..server.settings() });
    assert!(no_bucket.contains("S3_BUCKET_NAME=no-such-bucket"), "{no_bucket}");
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let unreachable = error(S3Settings { endpoint: Some(format!("http://127.0.0.1:{closed}")), ..server.settings() });
    assert!(unreachable.contains("AWS_ENDPOINT_URL=http://127.0.0.1"), "{unreachable}");
}

#[test]
fn the_server_killed_mid_run_and_restarted_loses_no_proof() {
    let mut server = Server::start();
    let (ctx, committee) = chain(&[1, 1, 1, 1], 22);
    let rt = runtime();
    let store = rt.block_on(open(&server.settings())).unwrap();
    let prove = {
        let store = store.clone();
        rt.spawn(async move { run(&Failover::new(vec![ctx]), &store, prover(), ProverMetrics::new().as_ref(), &settings(committee, 4)).await })
    };
    // Down once the first proof is in, for longer than the client retries a request.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !server.data.path().join(BUCKET).join("blocks/1/proof.json").exists() {
        assert!(Instant::now() < deadline, "no first proof");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.kill();
    std::thread::sleep(Duration::from_secs(3));
    server.restart();
    rt.block_on(prove).unwrap().unwrap();
    rt.block_on(async {
        assert_eq!(store.stored().await.unwrap().keys().copied().collect::<Vec<_>>(), [1, 2, 3, 4]);
        for n in 1..=4 {
            let proof = store.proof(n).await.unwrap().expect("stored");
            assert_eq!(proof, server.on_disk(&format!("blocks/{n}/proof.bin")));
            check_proof(&proof, n);
        }
    });
}
