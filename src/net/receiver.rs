//! Inbound side: accept connections, read frames, check the envelope's signature against
//! the committee, and hand `(sender, body)` to the node. Anything malformed is dropped,
//! logged and counted; a broken frame stream closes only that connection. A copy of an
//! envelope already received is dropped before its signature is checked.

use super::envelope::{Envelope, ReplayGuard};
use super::{codec, frame::read_frame, stats::NetStats};
use crate::cpu::{Cpu, Work};
use crate::types::{Author, Committee};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// An authenticated message body from a committee member.
#[derive(Debug)]
pub struct Inbound {
    pub from: Author,
    pub body: Vec<u8>,
}

/// Accepts peers on `listener` until the node stops. Every authenticated message is
/// charged to the host's `cpu` before it is handed on: what handling a peer's message
/// costs, from its signature to what the component does with it.
pub async fn listen(
    listener: TcpListener,
    committee: Arc<Committee>,
    out: mpsc::Sender<Inbound>,
    stats: Arc<NetStats>,
    cpu: Arc<dyn Cpu>,
) {
    let guard = Arc::new(Mutex::new(ReplayGuard::default()));
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tracing::trace!(%peer, "peer connected");
                tokio::spawn(connection(stream, committee.clone(), out.clone(), stats.clone(), guard.clone(), cpu.clone()));
            }
            Err(e) => tracing::warn!("accept failed: {e}"),
        }
    }
}

async fn connection(
    mut stream: TcpStream,
    committee: Arc<Committee>,
    out: mpsc::Sender<Inbound>,
    stats: Arc<NetStats>,
    guard: Arc<Mutex<ReplayGuard>>,
    cpu: Arc<dyn Cpu>,
) {
    let mut warned = false;
    loop {
        let bytes = match read_frame(&mut stream).await {
            Ok(Some(b)) => b,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!("closing peer connection: {e}");
                NetStats::bump(&stats.malformed);
                return;
            }
        };
        NetStats::bump(&stats.received);
        match open(&bytes, &committee, &stats, &guard) {
            Ok(msg) => {
                cpu.spend(Work::PeerMessage).await;
                if out.send(msg).await.is_err() {
                    return;
                }
            }
            // Every drop is counted; only the first of a connection is worth a warning
            // (a warning per frame would let a flood fill the log).
            Err(why) if !std::mem::replace(&mut warned, true) => {
                tracing::warn!("dropping a peer frame: {why} (further drops on this connection are logged at debug level)")
            }
            Err(why) => tracing::debug!("dropping a peer frame: {why}"),
        }
    }
}

/// Decodes and authenticates one frame (counting it in `stats` when dropped), or says
/// why it was dropped.
pub(crate) fn open(bytes: &[u8], committee: &Committee, stats: &NetStats, guard: &Mutex<ReplayGuard>) -> Result<Inbound, String> {
    let env: Envelope = codec::decode(bytes).map_err(|e| {
        NetStats::bump(&stats.malformed);
        format!("malformed frame ({} bytes): {e}", bytes.len())
    })?;
    let Some(key) = committee.key_of(env.from) else {
        NetStats::bump(&stats.unknown_sender);
        return Err(format!("frame from {}, not a member", env.from));
    };
    if guard.lock().expect("replay guard").is_replay(&env) {
        NetStats::bump(&stats.replayed);
        return Err(format!("replayed envelope {} of member {}", env.seq, env.from));
    }
    if !env.verify(key) {
        guard.lock().expect("replay guard").forget(&env);
        NetStats::bump(&stats.bad_signature);
        return Err(format!("bad envelope signature claiming member {}", env.from));
    }
    stats.heard(env.from);
    Ok(Inbound { from: env.from, body: env.body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::alloc::peak_of;
    use crate::testing::mutate::with_claims_everywhere;
    use crate::types::{Committee, KeyPair};
    use proptest::prelude::*;

    fn committee() -> (Committee, Vec<KeyPair>) {
        Committee::generate(4, 3, |i| {
            (vec![format!("10.0.0.{}:1", i + 1).parse().unwrap()], vec![format!("10.0.0.{}:2", i + 1).parse().unwrap()])
        })
    }

    fn count(c: &std::sync::atomic::AtomicU64) -> u64 {
        c.load(std::sync::atomic::Ordering::Relaxed)
    }

    #[test]
    fn accepts_signed_and_rejects_forged_envelopes() {
        let (c, keys) = committee();
        let (stats, guard) = (NetStats::default(), Mutex::default());
        let good = codec::encode(&Envelope::seal(1, 1, &keys[1], b"hi".to_vec()));
        assert_eq!(open(&good, &c, &stats, &guard).unwrap().body, b"hi");

        // Signed by member 2 but claiming to be member 1.
        let forged = codec::encode(&Envelope::seal(1, 2, &keys[2], b"hi".to_vec()));
        assert!(open(&forged, &c, &stats, &guard).is_err());
        assert_eq!(count(&stats.bad_signature), 1);

        let stranger = codec::encode(&Envelope::seal(9, 3, &keys[0], b"hi".to_vec()));
        assert!(open(&stranger, &c, &stats, &guard).is_err());
        assert_eq!(count(&stats.unknown_sender), 1);
    }

    #[test]
    fn replayed_envelopes_are_dropped_but_resent_messages_are_not() {
        let (c, keys) = committee();
        let (stats, guard) = (NetStats::default(), Mutex::default());
        let first = codec::encode(&Envelope::seal(1, 10, &keys[1], b"sync me".to_vec()));
        assert!(open(&first, &c, &stats, &guard).is_ok());
        assert!(open(&first, &c, &stats, &guard).is_err(), "a byte-identical copy is a replay");
        assert_eq!(count(&stats.replayed), 1);
        // The same message sent again by its author is a new envelope.
        let again = codec::encode(&Envelope::seal(1, 11, &keys[1], b"sync me".to_vec()));
        assert!(open(&again, &c, &stats, &guard).is_ok());
        // A forged copy carrying a genuine signature cannot shadow the genuine envelope.
        let genuine = Envelope::seal(2, 5, &keys[2], b"vote".to_vec());
        let mut shadow = genuine.clone();
        shadow.body = b"evil".to_vec();
        assert!(open(&codec::encode(&shadow), &c, &stats, &guard).is_err());
        assert!(open(&codec::encode(&genuine), &c, &stats, &guard).is_ok());
        // The window is bounded: an envelope older than it is no longer recognised.
        for seq in 0..ReplayGuard::WINDOW as u64 {
            guard.lock().unwrap().is_replay(&Envelope::seal(1, 100 + seq, &keys[1], vec![]));
        }
        assert!(open(&first, &c, &stats, &guard).is_ok());
    }

    /// A length claimed anywhere in an envelope (sender, body, signature) is refused
    /// without allocating what it claims: the body is still unauthenticated here.
    #[test]
    fn hostile_lengths_anywhere_are_cheap() {
        let (c, keys) = committee();
        let stats = NetStats::default();
        let bytes = codec::encode(&Envelope::seal(0, 1, &keys[0], vec![7u8; 100]));
        for hostile in with_claims_everywhere(&bytes) {
            let (opened, peak) = peak_of(|| open(&hostile, &c, &stats, &Mutex::default()));
            assert!(opened.is_err());
            assert!(peak <= 4 * 1024 + 2 * hostile.len(), "{} bytes cost {peak}", hostile.len());
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let (c, _) = committee();
            let stats = NetStats::default();
            prop_assert!(open(&bytes, &c, &stats, &Mutex::default()).is_err());
        }

        #[test]
        fn flipped_bytes_are_rejected(idx in 0usize..200, bit in 0u8..8) {
            let (c, keys) = committee();
            let stats = NetStats::default();
            let mut bytes = codec::encode(&Envelope::seal(0, 1, &keys[0], vec![7u8; 100]));
            let i = idx % bytes.len();
            bytes[i] ^= 1 << bit;
            prop_assert!(open(&bytes, &c, &stats, &Mutex::default()).is_err());
        }
    }
}
