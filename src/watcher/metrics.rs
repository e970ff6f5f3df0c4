//! The watcher-prover's Prometheus metrics (proved height, chain tip, proofs in flight,
//! prove time, proof latency, refusals) and its health, served at `/metrics` and
//! `/health` when `kraken prover --listen ADDR` is given.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use serde_json::json;

use super::observer::ProverObserver;
use super::record::ProofRecord;

pub struct ProverMetrics {
    registry: Registry,
    proved_height: Gauge,
    chain_tip: Gauge,
    in_flight: Gauge,
    proofs: Counter,
    refused: Counter,
    uncertified: Counter,
    prove_seconds: Histogram,
    latency_seconds: Histogram,
}

impl ProverMetrics {
    pub fn new() -> Arc<ProverMetrics> {
        // 0.25 s .. ~4.5 h, doubling.
        let seconds = || Histogram::new(exponential_buckets(0.25, 2.0, 16));
        let m = ProverMetrics {
            registry: Registry::with_prefix("kraken_prover"),
            proved_height: Gauge::default(),
            chain_tip: Gauge::default(),
            in_flight: Gauge::default(),
            proofs: Counter::default(),
            refused: Counter::default(),
            uncertified: Counter::default(),
            prove_seconds: seconds(),
            latency_seconds: seconds(),
        };
        let mut registry = m.registry;
        registry.register("proved_height", "Every block up to this one is proved and stored", m.proved_height.clone());
        registry.register("chain_tip", "The chain's latest block as the nodes last said", m.chain_tip.clone());
        registry.register("in_flight", "Ranges being proved now", m.in_flight.clone());
        registry.register("proofs", "Proofs stored by this process", m.proofs.clone());
        registry.register("refused", "Ranges the block program refused (left unproved)", m.refused.clone());
        registry.register("uncertified", "Ranges a node served other than the committee certified them (refused, asked of the next node)", m.uncertified.clone());
        registry.register("prove_seconds", "Time to prove one range", m.prove_seconds.clone());
        registry.register("proof_latency_seconds", "From this prover first seeing a range's last block to its proof made", m.latency_seconds.clone());
        Arc::new(ProverMetrics { registry, ..m })
    }

    fn render(&self) -> String {
        let mut text = String::new();
        encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        text
    }
}

impl ProverObserver for ProverMetrics {
    fn tip(&self, tip: u64) {
        self.chain_tip.set(tip as i64);
    }

    fn in_flight(&self, n: usize) {
        self.in_flight.set(n as i64);
    }

    fn started(&self, _first: u64, _last: u64) {}

    fn proved(&self, record: &ProofRecord, _stored: &[u8], proved_height: u64) {
        self.proofs.inc();
        self.proved_height.set(proved_height as i64);
        self.prove_seconds.observe(record.prove_ms as f64 / 1e3);
        self.latency_seconds.observe(record.proved_at_ms.saturating_sub(record.seen_at_ms) as f64 / 1e3);
    }

    fn refused(&self, _first: u64, _last: u64, _reason: &str) {
        self.refused.inc();
    }

    fn uncertified(&self, _first: u64, _last: u64, _reason: &str) {
        self.uncertified.inc();
    }
}

/// `/metrics` and `/health` (200 with the proved height, the tip and the work in flight).
pub fn router(metrics: Arc<ProverMetrics>) -> Router {
    Router::new().route("/metrics", get(render)).route("/health", get(health)).with_state(metrics)
}

async fn render(State(m): State<Arc<ProverMetrics>>) -> Response {
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], m.render()).into_response()
}

async fn health(State(m): State<Arc<ProverMetrics>>) -> Response {
    let body = json!({
        "status": "ok",
        "proved_height": m.proved_height.get(),
        "chain_tip": m.chain_tip.get(),
        "in_flight": m.in_flight.get(),
    });
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}
