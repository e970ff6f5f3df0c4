#![cfg(not(madsim))]
//! The explorer in a real browser: headless Chromium driven over WebDriver (Debian's
//! `chromium` and `chromium-driver`, installed by `make setup`) against a chain of
//! executed blocks served over HTTP by the nodes' own JSON-RPC handlers, and the real
//! watcher-prover storing 100-bit proofs into a directory while the page is open.
//!
//! A block's status goes Missing → Verified without a reload; a tampered proof, a proof
//! of another block and a proof of another chain's block read Failed; with ENABLE_BLOCK_VERIFICATION off the page offers
//! a button that verifies; a proof file dropped on /verify is verified and matched to the
//! chain; search finds a transaction by its hash without leading zeros, in capitals or
//! padded; no page logs a JavaScript error. It prints the in-browser verify time of a
//! 10-transaction block beside the native verifier's, and each page's load time; with
//! KRAKEN_EXPLORER_REPORT=DIR it saves screenshots and those figures there.
//!
//! Needs KRAKEN_VERIFIER_WEB (the browser's verifier; `make test-real` builds and passes it).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use kraken::block_proof::fetch::fetch_input;
use kraken::block_proof::sample::sample_chain;
use kraken::block_proof::to_fe;
use kraken::endpoint::Endpoint;
use kraken::explorer::{serve, Explorer, Settings as ExplorerSettings};
use kraken::rpc::RpcContext;
use kraken::watcher::failover::Failover;
use kraken::watcher::metrics::ProverMetrics;
use kraken::watcher::plan::Ranges;
use kraken::watcher::prove::OnThreads;
use kraken::watcher::store::ProofStore;
use kraken::watcher::{run, Settings};
use kraken_prover::block::prove_blocks;
use kraken_prover::ProofOptions;
use serde_json::{json, Value};

/// Transactions in blocks 1, 2 and 3.
const BLOCKS: [usize; 3] = [1, 10, 1];
/// How long a page may take to reach a state.
const WAIT: Duration = Duration::from_secs(180);

/// `chromedriver` on a free port, killed on drop.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_driver() -> Driver {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("chromedriver: {e} (Debian's chromium-driver; `make setup` installs it)"));
    Driver { child, port }
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = Capabilities::new();
    // As root in a container, without the network Chromium reaches for by default.
    let args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000"];
    caps.insert("goog:chromeOptions".into(), json!({ "binary": "/usr/bin/chromium", "args": args }));
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    let url = format!("http://127.0.0.1:{}", driver.port);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
            Ok(client) => return client,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("no WebDriver session from chromedriver at {url}: {e}"),
        }
    }
}

/// Chromium's console since the last call (chromedriver's log endpoint).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

async fn js_errors(client: &Client) -> Vec<String> {
    let log = client.issue_cmd(BrowserLog).await.expect("the browser's console log");
    log.as_array().into_iter().flatten().filter(|e| e["level"] == "SEVERE").map(|e| e["message"].as_str().unwrap_or_default().to_string()).collect()
}

/// The chain's JSON-RPC over HTTP, answered by the nodes' own handlers.
async fn serve_chain(ctx: RpcContext) -> SocketAddr {
    use axum::routing::post;
    let app = axum::Router::new().route(
        "/",
        post(|axum::extract::State(ctx): axum::extract::State<RpcContext>, body: axum::body::Bytes| async move {
            kraken::rpc::handle(&ctx, &body).await.unwrap_or_default()
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app.with_state(ctx)).await });
    addr
}

fn verifier_dir() -> PathBuf {
    let dir = std::env::var("KRAKEN_VERIFIER_WEB").expect("KRAKEN_VERIFIER_WEB: the browser's verifier (`make test-real` builds it and sets this)");
    PathBuf::from(dir)
}

/// An explorer over a dead node then the chain's (the first call fails over), proofs from `dir`.
async fn start_explorer(chain: SocketAddr, dir: &Path, verify_blocks: bool) -> String {
    let nodes = Failover::new(vec![Endpoint::new("http://127.0.0.1:1"), Endpoint::new(&format!("http://{chain}"))]);
    let store = ProofStore::local(dir).unwrap();
    let explorer = Explorer::new(nodes, store, ExplorerSettings { verify_blocks, verifier_dir: verifier_dir() }).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(listener, explorer));
    url
}

/// Waits until `#proof` (or `selector`) reaches `state`; returns its text.
async fn wait_state(client: &Client, selector: &str, state: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(el) = client.find(Locator::Css(selector)).await {
            let now = el.attr("data-state").await.unwrap_or_default();
            let text = el.text().await.unwrap_or_default();
            if now.as_deref() == Some(state) {
                return text;
            }
            assert!(Instant::now() < deadline, "{selector} never reached {state}: it reads {now:?}: {text}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The page's load time (navigation start to the load event), ms.
async fn load_ms(client: &Client) -> f64 {
    let v = client.execute("const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;", vec![]).await.unwrap();
    v.as_f64().unwrap_or(f64::NAN)
}

async fn screenshot(client: &Client, report: &Option<PathBuf>, name: &str) {
    if let Some(dir) = report {
        std::fs::write(dir.join(format!("{name}.png")), client.screenshot().await.unwrap()).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_verifies_proofs_in_the_browser_and_shows_what_fails() {
    let report = std::env::var_os("KRAKEN_EXPLORER_REPORT").map(PathBuf::from);
    if let Some(dir) = &report {
        std::fs::create_dir_all(dir).unwrap();
    }
    let ctx = sample_chain(&BLOCKS, 7).unwrap();
    let chain = serve_chain(ctx.clone()).await;
    let store_dir = tempfile::tempdir().unwrap();
    let explorer = start_explorer(chain, store_dir.path(), true).await;
    let driver = start_driver();
    let client = browser(&driver).await;
    let mut figures = vec![];

    // Block 1 before any proof: Missing; the prover starts; the same page turns Verified.
    client.goto(&format!("{explorer}/block/1")).await.unwrap();
    wait_state(&client, "#proof", "Missing").await;
    let store = ProofStore::local(store_dir.path()).unwrap();
    let rpc = Failover::new(vec![Endpoint::new(&format!("http://{chain}"))]);
    let settings = Settings { ranges: Ranges { first: 1, k: 1 }, workers: 1, until: Some(BLOCKS.len() as u64), poll: Duration::from_millis(200), committee: None };
    let prover = tokio::spawn(async move { run(&rpc, &store, Arc::new(OnThreads { options: ProofOptions::conjectured_100() }), ProverMetrics::new().as_ref(), &settings).await });
    let verified = wait_state(&client, "#proof", "Verified").await;
    assert!(verified.contains("block 1") && verified.contains("100 bits"), "{verified}");
    prover.await.unwrap().unwrap();

    // The 10-transaction block: verified in the browser, timed beside the native verifier.
    client.goto(&format!("{explorer}/block/2")).await.unwrap();
    let page_ms = load_ms(&client).await;
    let text = wait_state(&client, "#proof", "Verified").await;
    assert!(text.contains("10 transaction(s)"), "{text}");
    let browser_ms: f64 = client.find(Locator::Css("#proof")).await.unwrap().attr("data-verify-ms").await.unwrap().unwrap().parse().unwrap();
    let proof = std::fs::read(store_dir.path().join("blocks/2/proof.bin")).unwrap();
    let start = Instant::now();
    kraken_prover::cairo::verify_cairo_proof(&proof).unwrap();
    let native_ms = start.elapsed().as_secs_f64() * 1e3;
    figures.push(format!("verify_10_tx_block_ms,browser,{browser_ms:.0}"));
    figures.push(format!("verify_10_tx_block_ms,native,{native_ms:.0}"));
    figures.push(format!("page_load_ms,block,{page_ms:.0}"));
    screenshot(&client, &report, "block").await;

    // A tampered proof, then another block's proof, under block 3's name.
    let third = store_dir.path().join("blocks/3/proof.bin");
    let mut bytes = std::fs::read(&third).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&third, &bytes).unwrap();
    client.goto(&format!("{explorer}/block/3")).await.unwrap();
    let failed = wait_state(&client, "#proof", "Failed").await;
    assert!(failed.contains("does not verify"), "{failed}");
    std::fs::copy(store_dir.path().join("blocks/1/proof.bin"), &third).unwrap();
    client.refresh().await.unwrap();
    let failed = wait_state(&client, "#proof", "Failed").await;
    assert!(failed.contains("proves blocks 1..=1, not block 3"), "{failed}");
    // A valid proof of a block 3, but of another chain's block 3 (other transactions).
    let fork = sample_chain(&BLOCKS, 8).unwrap();
    let input: Vec<_> = fetch_input(&fork, 3, 3).await.unwrap().iter().map(to_fe).collect();
    let (forked, _) = prove_blocks(&input, &ProofOptions::conjectured_100()).unwrap();
    std::fs::write(&third, forked).unwrap();
    client.refresh().await.unwrap();
    let failed = wait_state(&client, "#proof", "Failed").await;
    assert!(failed.contains("a proof of other blocks"), "{failed}");

    // Search: the transaction's hash without 0x in capitals, and padded with zeros.
    let block = ctx_block(chain, 2).await;
    let hash = block["transactions"][0].as_str().unwrap().to_string();
    let digits = hash.trim_start_matches("0x");
    for typed in [digits.to_uppercase(), format!("0x{digits:0>64}")] {
        client.goto(&explorer).await.unwrap();
        let page_ms = load_ms(&client).await;
        figures.push(format!("page_load_ms,home,{page_ms:.0}"));
        let field = client.find(Locator::Css("header input[name=q]")).await.unwrap();
        field.send_keys(&typed).await.unwrap();
        field.send_keys("\u{E007}").await.unwrap(); // Enter
        let deadline = Instant::now() + WAIT;
        while !client.current_url().await.unwrap().as_str().ends_with(&format!("/tx/{hash}")) {
            assert!(Instant::now() < deadline, "searching {typed} led to {}", client.current_url().await.unwrap());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let body = client.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
        assert!(body.contains("INVOKE") && body.contains("Calldata"), "{body}");
    }
    figures.push(format!("page_load_ms,transaction,{:.0}", load_ms(&client).await));
    screenshot(&client, &report, "transaction").await;

    // Home, after the tip has been followed a while: height and proofs.
    client.goto(&explorer).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let home = client.find(Locator::Css("#live")).await.unwrap().text().await.unwrap();
    assert!(home.contains("Proved up to") && home.contains("Latest transactions"), "{home}");
    screenshot(&client, &report, "home").await;

    // A proof file from the reader's disk.
    client.goto(&format!("{explorer}/verify")).await.unwrap();
    let input = client.find(Locator::Css("#proof-file")).await.unwrap();
    input.send_keys(store_dir.path().join("blocks/2/proof.bin").to_str().unwrap()).await.unwrap();
    let text = wait_state(&client, "#file-result", "Verified").await;
    assert!(text.contains("These are this chain's blocks"), "{text}");

    // Block verification off: the proof is offered, and verified on a click.
    let on_request = start_explorer(chain, store_dir.path(), false).await;
    client.goto(&format!("{on_request}/block/1")).await.unwrap();
    wait_state(&client, "#proof", "Available").await;
    client.find(Locator::Css("#verify-button")).await.unwrap().click().await.unwrap();
    wait_state(&client, "#proof", "Verified").await;

    let errors = js_errors(&client).await;
    assert!(errors.is_empty(), "the pages logged JavaScript errors: {errors:?}");
    client.close().await.unwrap();
    println!("{}", figures.join("\n"));
    if let Some(dir) = &report {
        std::fs::write(dir.join("figures.csv"), format!("what,where,ms\n{}\n", figures.join("\n"))).unwrap();
    }
}

async fn ctx_block(chain: SocketAddr, n: u64) -> Value {
    Endpoint::new(&format!("http://{chain}")).call("starknet_getBlockWithTxHashes", json!([{ "block_number": n }])).await.unwrap()
}

/// What the browser never needs: the pages' answers for what is not there, and for
/// input that is not a number or a hash, are pages that say so, never a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_not_there_gets_a_not_found_page_never_a_500() {
    let chain = serve_chain(sample_chain(&[1], 3).unwrap()).await;
    let store_dir = tempfile::tempdir().unwrap();
    let explorer = start_explorer(chain, store_dir.path(), true).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for (path, status, says) in [
        ("/block/999", 404, "The chain has no block 999"),
        ("/block/0x1234", 404, "The chain has no block 0x1234"),
        ("/block/nonsense", 404, "neither a block number nor a block hash"),
        ("/tx/0x1234", 404, "The chain has no transaction 0x1234"),
        ("/tx/xyz", 404, "not a transaction hash"),
        ("/contract/0x1234", 404, "The chain has no contract at 0x1234"),
        ("/search?q=0x1234", 404, "No block, transaction or contract is 0x1234"),
        ("/search?q=hello", 404, "neither a block number nor a hex hash"),
        ("/search?q=", 400, "Nothing to search"),
        ("/blocks?page=x", 400, "page= takes a page number"),
        ("/blocks?page=99", 404, "There is no page 99"),
        ("/no/such/page", 404, "There is no such page"),
    ] {
        let reply = http.get(format!("{explorer}{path}")).send().await.unwrap();
        assert_eq!(reply.status().as_u16(), status, "{path}");
        let body = reply.text().await.unwrap();
        assert!(body.contains(says), "{path}: {body}");
    }
    let reply = http.get(format!("{explorer}/search?q=1")).send().await.unwrap();
    assert_eq!(reply.headers()["location"], "/block/1");
    let proof: Value = http.get(format!("{explorer}/api/proof/1")).send().await.unwrap().json().await.unwrap();
    assert_eq!(proof["status"], "missing", "{proof}");

    // The store becomes unreadable (its directory replaced by a file): the proof status
    // and the home page say so, and the chain's pages still work.
    std::fs::remove_dir_all(store_dir.path()).unwrap();
    std::fs::write(store_dir.path(), b"not a directory").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let proof: Value = http.get(format!("{explorer}/api/proof/1")).send().await.unwrap().json().await.unwrap();
        if proof["status"] == "unreachable" {
            break;
        }
        assert!(Instant::now() < deadline, "the proof status never said the store is unreachable: {proof}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let home = http.get(&explorer).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("The proof store is unreachable"), "{home}");
    assert_eq!(http.get(format!("{explorer}/block/1")).send().await.unwrap().status().as_u16(), 200);
    std::fs::remove_file(store_dir.path()).unwrap();
}
