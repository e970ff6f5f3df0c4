//! Several nodes' JSON-RPC as one: a call goes to the node that answered last, and on a
//! transport failure (an unreachable node) to the next one. Answers are not trusted more
//! for coming from any node in particular: the blocks proved must hash as the committee
//! certified (`certified.rs`), and a node caught serving others is left for the next.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::block_proof::fetch::{Rpc, RpcFailure};

pub struct Failover<R> {
    nodes: Vec<R>,
    current: AtomicUsize,
}

impl<R: Rpc> Failover<R> {
    /// Panics on an empty list (the CLI requires at least one `--rpc`).
    pub fn new(nodes: Vec<R>) -> Failover<R> {
        assert!(!nodes.is_empty(), "at least one node");
        Failover { nodes, current: AtomicUsize::new(0) }
    }

    /// Every node, for what each of them must hear (a proof to settle).
    pub fn nodes(&self) -> &[R] {
        &self.nodes
    }

    /// Every node with its index, the one answering now first.
    pub fn in_turn(&self) -> impl Iterator<Item = (usize, &R)> {
        let start = self.current.load(Ordering::Relaxed);
        (0..self.nodes.len()).map(move |i| (start + i) % self.nodes.len()).map(|at| (at, &self.nodes[at]))
    }

    /// The node that answered last.
    pub fn current(&self) -> usize {
        self.current.load(Ordering::Relaxed)
    }

    /// Stops asking node `at` (it served a block the committee did not sign): if it is
    /// still the one answering, the next one answers from now on.
    pub fn distrust(&self, at: usize) {
        let _ = self.current.compare_exchange(at, (at + 1) % self.nodes.len(), Ordering::Relaxed, Ordering::Relaxed);
    }
}

impl<R: Rpc> Rpc for Failover<R> {
    async fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        let start = self.current.load(Ordering::Relaxed);
        let mut last = None;
        for i in 0..self.nodes.len() {
            let at = (start + i) % self.nodes.len();
            match self.nodes[at].call(method, params.clone()).await {
                Err(e) if e.code.is_none() => {
                    tracing::warn!(node = at, error = %e, "node unreachable; trying the next one");
                    last = Some(e);
                }
                answer => {
                    self.current.store(at, Ordering::Relaxed);
                    return answer;
                }
            }
        }
        Err(last.expect("at least one node was tried"))
    }
}
