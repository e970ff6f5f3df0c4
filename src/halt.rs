//! Stopping a node loudly. A component that cannot keep a promise without its disk (a
//! vote it cannot persist, a block it cannot store, a commit it cannot write) must not
//! carry on as if a failed read were a missing block: it calls [`Halt::stop`], and
//! [`crate::node::run`] returns the reason, which ends the node process.

use tokio::sync::mpsc;

/// Cheap to clone; every task of a node holds one.
#[derive(Clone)]
pub struct Halt {
    tx: mpsc::UnboundedSender<String>,
}

/// The node's side: resolves with the first reason given.
pub struct Halted {
    rx: mpsc::UnboundedReceiver<String>,
}

impl Halt {
    pub fn new() -> (Halt, Halted) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Halt { tx }, Halted { rx })
    }

    /// Logs `what` failed because of `why` and asks the node to stop.
    pub fn stop(&self, what: &str, why: impl std::fmt::Display) {
        let reason = format!("{what}: {why}");
        tracing::error!("stopping the node: {reason}");
        let _ = self.tx.send(reason);
    }
}

impl Halted {
    /// The first reason a component gave for stopping.
    pub async fn reason(&mut self) -> String {
        // Every `Halt` lives as long as the tasks holding it; all gone means the node is
        // shutting down anyway.
        self.rx.recv().await.unwrap_or_else(|| "every component stopped".into())
    }
}
