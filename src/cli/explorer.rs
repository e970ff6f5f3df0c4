//! `kraken explorer`: its settings read and checked, then the server started.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use kraken::endpoint::Endpoint;
use kraken::explorer::{serve, Explorer, Settings};
use kraken::watcher::failover::Failover;
use kraken::watcher::storage::open_store;

/// A node that does not answer within this is skipped for the next.
const RPC_TIMEOUT: Duration = Duration::from_secs(5);

pub fn explorer(rpc: &[String], (dir, storage): (&Path, Option<&str>), listen: SocketAddr, verifier: Option<PathBuf>) -> anyhow::Result<i32> {
    let verify_blocks = match std::env::var("ENABLE_BLOCK_VERIFICATION").as_deref() {
        Err(_) | Ok("false") | Ok("") => false,
        Ok("true") => true,
        Ok(other) => anyhow::bail!("ENABLE_BLOCK_VERIFICATION={other}: true or false"),
    };
    let verifier_dir = match verifier {
        Some(dir) => dir,
        None => default_verifier()?,
    };
    let http = reqwest::Client::builder().timeout(RPC_TIMEOUT).build()?;
    let nodes = Failover::new(rpc.iter().map(|url| Endpoint::with_client(http.clone(), url)).collect());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let store = open_store(storage, dir).await?;
        let explorer = Explorer::new(nodes, store, Settings { verify_blocks, verifier_dir })?;
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| anyhow::anyhow!("--listen {listen}: cannot listen: {e}"))?;
        eprintln!(
            "kraken explorer: http://{listen}/ over {} node(s), proofs from {}; block verification in the browser {}",
            rpc.len(),
            explorer.store.place,
            if verify_blocks { "on (ENABLE_BLOCK_VERIFICATION=true)" } else { "on request (ENABLE_BLOCK_VERIFICATION=false)" }
        );
        serve(listener, explorer).await
    })?;
    Ok(0)
}

/// `<target>/verifier-web`, where `make wasm` puts it, `<target>` being two levels above
/// this binary (`<target>/real/debug/kraken`).
fn default_verifier() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe.ancestors().nth(3).ok_or_else(|| anyhow::anyhow!("{}: no target directory above it; pass --verifier", exe.display()))?;
    Ok(target.join("verifier-web"))
}
