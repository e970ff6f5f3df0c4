//! Several nodes' JSON-RPC as one: a call goes to the node that answered last, and on a
//! transport failure (an unreachable node) to the next one. Answers are not trusted more
//! for coming from any node in particular: the proof checks the blocks it is given hash
//! as the chain says.

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
