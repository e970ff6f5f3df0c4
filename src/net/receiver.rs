//! Inbound side: accept connections, read frames, check the envelope's tag under the
//! key shared with its sender, and hand `(sender, body)` to the node. Anything malformed
//! is dropped, logged and counted; a broken frame stream closes only that connection. A
//! copy of an envelope already received is dropped as a replay.

use super::envelope::{Envelope, ReplayGuard};
use super::{codec, frame::read_frame, stats::NetStats, LinkKeys};
use crate::cpu::{Cpu, Work};
use crate::types::Author;
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
/// costs, from its envelope's check to what the component does with it.
pub async fn listen(
    listener: TcpListener,
    links: Arc<LinkKeys>,
    out: mpsc::Sender<Inbound>,
    stats: Arc<NetStats>,
    cpu: Arc<dyn Cpu>,
) {
    let guard = Arc::new(Mutex::new(ReplayGuard::default()));
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tracing::trace!(%peer, "peer connected");
                tokio::spawn(connection(stream, links.clone(), out.clone(), stats.clone(), guard.clone(), cpu.clone()));
            }
            Err(e) => tracing::warn!("accept failed: {e}"),
        }
    }
}

async fn connection(
    mut stream: TcpStream,
    links: Arc<LinkKeys>,
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
        match open(&bytes, &links, &stats, &guard) {
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
pub(crate) fn open(bytes: &[u8], links: &LinkKeys, stats: &NetStats, guard: &Mutex<ReplayGuard>) -> Result<Inbound, String> {
    let env: Envelope = codec::decode(bytes).map_err(|e| {
        NetStats::bump(&stats.malformed);
        format!("malformed frame ({} bytes): {e}", bytes.len())
    })?;
    let Some(key) = links.with(env.from) else {
        NetStats::bump(&stats.unknown_sender);
        return Err(format!("frame from {}, not another member", env.from));
    };
    if !env.verify(links.me(), key) {
        NetStats::bump(&stats.bad_tag);
        return Err(format!("envelope claiming member {} fails its tag", env.from));
    }
    if guard.lock().expect("replay guard").is_replay(&env) {
        NetStats::bump(&stats.replayed);
        return Err(format!("replayed envelope {} of member {}", env.seq, env.from));
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

    /// Member `me`'s link keys.
    fn links(c: &Committee, keys: &[KeyPair], me: Author) -> LinkKeys {
        LinkKeys::derive(c, me, &keys[me as usize]).unwrap()
    }

    /// `body` from member `from` (sealed with `key`, which may not be its own) to n0.
    fn to_n0(c: &Committee, from: Author, key: &KeyPair, seq: u64, body: &[u8]) -> Vec<u8> {
        codec::encode(&LinkKeys::derive(c, from, key).unwrap().seal(0, seq, body.to_vec()).unwrap())
    }

    fn count(c: &std::sync::atomic::AtomicU64) -> u64 {
        c.load(std::sync::atomic::Ordering::Relaxed)
    }

    #[test]
    fn accepts_sealed_and_rejects_forged_envelopes() {
        let (c, keys) = committee();
        let n0 = links(&c, &keys, 0);
        let (stats, guard) = (NetStats::default(), Mutex::default());
        let good = to_n0(&c, 1, &keys[1], 1, b"hi");
        let opened = open(&good, &n0, &stats, &guard).unwrap();
        assert_eq!((opened.from, opened.body.as_slice()), (1, b"hi".as_slice()));

        // Sealed with member 2's key but claiming to be member 1.
        assert!(open(&to_n0(&c, 1, &keys[2], 2, b"hi"), &n0, &stats, &guard).is_err());
        // Member 1's envelope for member 2, delivered to n0.
        let for_n2 = codec::encode(&links(&c, &keys, 1).seal(2, 3, b"hi".to_vec()).unwrap());
        assert!(open(&for_n2, &n0, &stats, &guard).is_err());
        // Member 1's envelope with another sequence number or body.
        let mut moved: Envelope = codec::decode(&good).unwrap();
        moved.seq += 1;
        assert!(open(&codec::encode(&moved), &n0, &stats, &guard).is_err());
        moved.seq -= 1;
        moved.body = b"ho".to_vec();
        assert!(open(&codec::encode(&moved), &n0, &stats, &guard).is_err());
        assert_eq!(count(&stats.bad_tag), 4);

        let stranger = to_n0(&c, 9, &keys[0], 4, b"hi");
        assert!(open(&stranger, &n0, &stats, &guard).is_err());
        // n0 has no link with itself: its own envelopes cannot be reflected back to it.
        let reflected = codec::encode(&Envelope { from: 0, ..codec::decode::<Envelope>(&good).unwrap() });
        assert!(open(&reflected, &n0, &stats, &guard).is_err());
        assert_eq!(count(&stats.unknown_sender), 2);
    }

    #[test]
    fn replayed_envelopes_are_dropped_but_resent_messages_are_not() {
        let (c, keys) = committee();
        let n0 = links(&c, &keys, 0);
        let (stats, guard) = (NetStats::default(), Mutex::default());
        let first = to_n0(&c, 1, &keys[1], 10, b"sync me");
        assert!(open(&first, &n0, &stats, &guard).is_ok());
        assert!(open(&first, &n0, &stats, &guard).is_err(), "a byte-identical copy is a replay");
        assert_eq!(count(&stats.replayed), 1);
        // The same message sent again by its author is a new envelope.
        assert!(open(&to_n0(&c, 1, &keys[1], 11, b"sync me"), &n0, &stats, &guard).is_ok());
        // A forged copy carrying a genuine tag cannot shadow the genuine envelope.
        let genuine = to_n0(&c, 2, &keys[2], 5, b"vote");
        let mut shadow: Envelope = codec::decode(&genuine).unwrap();
        shadow.body = b"evil".to_vec();
        assert!(open(&codec::encode(&shadow), &n0, &stats, &guard).is_err());
        assert!(open(&genuine, &n0, &stats, &guard).is_ok());
        // The window is bounded: an envelope older than it is no longer recognised.
        let n1 = links(&c, &keys, 1);
        for seq in 0..ReplayGuard::WINDOW as u64 {
            guard.lock().unwrap().is_replay(&n1.seal(0, 100 + seq, vec![]).unwrap());
        }
        assert!(open(&first, &n0, &stats, &guard).is_ok());
    }

    /// A length claimed anywhere in an envelope (sender, body, signature) is refused
    /// without allocating what it claims: the body is still unauthenticated here.
    #[test]
    fn hostile_lengths_anywhere_are_cheap() {
        let (c, keys) = committee();
        let n0 = links(&c, &keys, 0);
        let stats = NetStats::default();
        let bytes = to_n0(&c, 1, &keys[1], 1, &[7u8; 100]);
        for hostile in with_claims_everywhere(&bytes) {
            let (opened, peak) = peak_of(|| open(&hostile, &n0, &stats, &Mutex::default()));
            assert!(opened.is_err());
            assert!(peak <= 4 * 1024 + 2 * hostile.len(), "{} bytes cost {peak}", hostile.len());
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let (c, keys) = committee();
            let stats = NetStats::default();
            prop_assert!(open(&bytes, &links(&c, &keys, 0), &stats, &Mutex::default()).is_err());
        }

        #[test]
        fn flipped_bytes_are_rejected(idx in 0usize..200, bit in 0u8..8) {
            let (c, keys) = committee();
            let stats = NetStats::default();
            let mut bytes = to_n0(&c, 1, &keys[1], 1, &[7u8; 100]);
            let i = idx % bytes.len();
            bytes[i] ^= 1 << bit;
            prop_assert!(open(&bytes, &links(&c, &keys, 0), &stats, &Mutex::default()).is_err());
        }
    }
}
