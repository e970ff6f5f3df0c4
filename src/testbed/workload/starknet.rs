//! The simulated Starknet load client: the load engine ([`crate::load`]) over the nodes'
//! client protocol. It records each transaction it signs (what the auditor checks the
//! chain against) and each submission; on a shared `[cpu]` machine each transaction
//! costs the client CPU time too, as a real client beside the nodes takes their cores.

use std::net::SocketAddr;
use std::time::Duration;

use kraken_execution::{Genesis, TxStatus};
use kraken_sim::events::EventKind;
use kraken_sim::world::ClientEnv;

use super::super::auditor::signed_note;
use super::super::cpu::CostModel;
use super::super::CLIENT_PORT;
use super::link::Link;
use crate::load::{self, Mix, Outcome, Outgoing, Plan, Refusal, Transport};
use crate::node::{ClientAnswer, ClientCall};
use crate::types::Tx;
use kraken_execution::Felt;

const CLIENT: &str = "client";
/// How often in-flight transactions are looked up.
const POLL: Duration = Duration::from_millis(200);
/// After this long without a receipt, the account re-reads its nonce and moves on.
const OVERDUE: Duration = Duration::from_secs(20);
/// How long a node may take to answer a submission (admission runs `__validate__`).
const ANSWER: Duration = Duration::from_secs(10);

pub async fn run(env: ClientEnv, genesis: Genesis, mix: Mix, costs: CostModel) {
    let plan = Plan {
        mix,
        accounts: genesis.accounts.len(),
        sends: env.load.send_times(env.duration),
        duration: env.duration,
        drain: Duration::ZERO,
        poll: POLL,
        overdue: OVERDUE,
        habits: super::habits(&env.load),
        seed: env.seed ^ 0x7374_6172_6b6e_6574,
    };
    let nodes = SimNodes {
        links: env.nodes.iter().map(|ips| Link::new(SocketAddr::new(ips[0], CLIENT_PORT))).collect(),
        names: env.names.iter().map(|n| n[0].clone()).collect(),
        env: &env,
        costs,
    };
    let tally = load::run(&nodes, &genesis, &plan, vec![0; plan.accounts], |_, _| {}).await;
    if tally.skipped > 0 {
        env.events.record(
            CLIENT,
            EventKind::Note { what: "load_skipped".into(), detail: serde_json::json!({ "no_idle_account": tally.skipped }) },
        );
    }
}

/// The first copy of every identity, reached on its client port.
struct SimNodes<'a> {
    links: Vec<Link>,
    names: Vec<String>,
    env: &'a ClientEnv,
    costs: CostModel,
}

impl Transport for SimNodes<'_> {
    fn nodes(&self) -> usize {
        self.links.len()
    }

    async fn signing(&self) {
        if let Some((cores, scale)) = &self.env.cpu {
            cores.run(self.costs.client_tx(*scale)).await;
        }
    }

    fn signed(&self, tx: &Outgoing) {
        let id = Tx(tx.signed.encode()).id().short();
        self.env.events.record(CLIENT, signed_note(&id, tx.address, tx.nonce, tx.max_fee, &tx.call));
    }

    async fn submit(&self, node: usize, tx: &Outgoing) -> Result<(), Refusal> {
        let tx = Tx(tx.signed.encode());
        self.env.events.record(CLIENT, EventKind::TxSubmitted { tx: tx.id().short(), to: self.names[node].clone() });
        match self.links[node].call(ClientCall::Submit(tx), ANSWER).await {
            Ok(ClientAnswer::Admitted(_)) => Ok(()),
            Ok(ClientAnswer::Rejected { reason, .. }) => Err(Refusal::Refused(reason)),
            Ok(other) => Err(Refusal::Refused(format!("unexpected answer {other:?}"))),
            Err(e) => Err(Refusal::Unreachable(e)),
        }
    }

    async fn receipts(&self, node: usize, hashes: &[Felt]) -> Result<Vec<Option<Outcome>>, String> {
        match self.links[node].call(ClientCall::Receipts(hashes.to_vec()), POLL * 10).await? {
            ClientAnswer::Receipts(found) => Ok(found
                .into_iter()
                .map(|r| {
                    r.map(|(_, receipt)| match receipt.status {
                        TxStatus::Succeeded => Outcome::Succeeded,
                        TxStatus::Reverted { .. } => Outcome::Reverted,
                        TxStatus::Rejected { .. } => Outcome::Rejected,
                    })
                })
                .collect()),
            other => Err(format!("{}: unexpected answer to Receipts {other:?}", self.names[node])),
        }
    }

    async fn nonces(&self, node: usize, addresses: &[Felt]) -> Result<Vec<u64>, String> {
        let asks = addresses.iter().map(|a| self.links[node].call(ClientCall::Nonce(*a), POLL * 10));
        futures::future::join_all(asks)
            .await
            .into_iter()
            .map(|answer| match answer? {
                ClientAnswer::Nonce(n) => Ok(n.to_biguint().try_into().unwrap_or(u64::MAX)),
                other => Err(format!("{}: unexpected answer to Nonce {other:?}", self.names[node])),
            })
            .collect()
    }
}
