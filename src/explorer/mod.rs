//! `kraken explorer`: a web page over the chain and its proofs. It reads the chain from
//! the nodes' standard Starknet JSON-RPC (the next node when one is down) and the proofs
//! from the watcher-prover's store, and renders HTML on the server; the browser polls
//! small JSON answers for what changes (the tip, a block's proof) and verifies proofs
//! itself with the prover's verifier compiled to wasm32 (`assets/explorer.js`). The
//! server never vouches for a proof: it hands the browser the proof bytes and the
//! chain's hashes, and the browser's verifier decides.
//!
//! `routes.rs` maps URLs to the pages (`pages/`, one page a file) and the JSON answers
//! (`api.rs`); `chain.rs` reads the chain, `activity.rs` follows its tip for the home
//! page, `proofs.rs` finds a block's proof in the store; `html.rs` is the shared layout.

mod activity;
mod api;
mod chain;
mod html;
mod pages;
mod proofs;
mod routes;

use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::endpoint::Endpoint;
use crate::watcher::failover::Failover;
use crate::watcher::store::ProofStore;

pub use activity::Activity;

/// What the explorer serves.
pub struct Settings {
    /// `ENABLE_BLOCK_VERIFICATION`: the browser verifies each block's proof as the page
    /// opens; off, the page says a proof is there and offers a button.
    pub verify_blocks: bool,
    /// The verifier for the browser: the directory where `make wasm` puts the wasm32
    /// module and its wasm-bindgen glue.
    pub verifier_dir: PathBuf,
}

/// What every request reads.
pub struct Explorer {
    pub nodes: Failover<Endpoint>,
    pub store: ProofStore,
    pub activity: Arc<Activity>,
    pub settings: Settings,
    /// The verifier's glue and module, read once at start.
    pub verifier: Verifier,
}

/// The browser's verifier: wasm-bindgen's ES-module glue and the wasm32 module.
pub struct Verifier {
    pub glue: String,
    pub module: Vec<u8>,
}

/// File names wasm-bindgen gives them (the glue loads the module by this name).
pub const VERIFIER_GLUE: &str = "kraken_verifier_wasm.js";
pub const VERIFIER_MODULE: &str = "kraken_verifier_wasm_bg.wasm";

impl Explorer {
    /// Reads the verifier from `settings.verifier_dir`: an explorer that cannot verify
    /// in the browser is refused at start, not discovered by a user.
    pub fn new(nodes: Failover<Endpoint>, store: ProofStore, settings: Settings) -> anyhow::Result<Arc<Explorer>> {
        let dir = &settings.verifier_dir;
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| anyhow::anyhow!("--verifier {}: {name}: {e} (the in-browser verifier; `make wasm` builds it)", dir.display()))
        };
        let module = read(VERIFIER_MODULE)?;
        anyhow::ensure!(module.starts_with(b"\0asm"), "--verifier {}: {VERIFIER_MODULE} is not a WebAssembly module", dir.display());
        let glue = String::from_utf8(read(VERIFIER_GLUE)?).map_err(|_| anyhow::anyhow!("--verifier {}: {VERIFIER_GLUE} is not text", dir.display()))?;
        let verifier = Verifier { glue, module };
        Ok(Arc::new(Explorer { nodes, store, activity: Arc::new(Activity::default()), settings, verifier }))
    }
}

/// Follows the tip in the background and serves the pages until the process ends.
pub async fn serve(listener: TcpListener, explorer: Arc<Explorer>) -> anyhow::Result<()> {
    tokio::spawn(activity::follow(explorer.clone()));
    axum::serve(listener, routes::router(explorer)).await?;
    Ok(())
}
