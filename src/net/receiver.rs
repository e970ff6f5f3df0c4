//! Inbound side: accept connections, read frames, check the envelope's signature against
//! the committee, and hand `(sender, body)` to the node. Anything malformed is dropped,
//! logged and counted; a broken frame stream closes only that connection.

use super::{codec, envelope::Envelope, frame::read_frame, stats::NetStats};
use crate::types::{Author, Committee};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// An authenticated message body from a committee member.
#[derive(Debug)]
pub struct Inbound {
    pub from: Author,
    pub body: Vec<u8>,
}

/// Accepts peers on `listener` until the node stops.
pub async fn listen(
    listener: TcpListener,
    committee: Arc<Committee>,
    out: mpsc::Sender<Inbound>,
    stats: Arc<NetStats>,
) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tracing::trace!(%peer, "peer connected");
                tokio::spawn(connection(stream, committee.clone(), out.clone(), stats.clone()));
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
) {
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
        if let Some(msg) = open(&bytes, &committee, &stats) {
            if out.send(msg).await.is_err() {
                return;
            }
        }
    }
}

/// Decodes and authenticates one frame, or says why it was dropped.
pub(crate) fn open(bytes: &[u8], committee: &Committee, stats: &NetStats) -> Option<Inbound> {
    let env: Envelope = match codec::decode(bytes) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!("dropping malformed frame ({} bytes): {e}", bytes.len());
            NetStats::bump(&stats.malformed);
            return None;
        }
    };
    let Some(key) = committee.key_of(env.from) else {
        tracing::warn!(from = env.from, "dropping frame from a non-member");
        NetStats::bump(&stats.unknown_sender);
        return None;
    };
    if !env.verify(key) {
        tracing::warn!(from = env.from, "dropping frame with a bad signature");
        NetStats::bump(&stats.bad_signature);
        return None;
    }
    stats.heard(env.from);
    Some(Inbound { from: env.from, body: env.body })
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

    #[test]
    fn accepts_signed_and_rejects_forged_envelopes() {
        let (c, keys) = committee();
        let stats = NetStats::default();
        let good = codec::encode(&Envelope::seal(1, &keys[1], b"hi".to_vec()));
        assert_eq!(open(&good, &c, &stats).unwrap().body, b"hi");

        // Signed by member 2 but claiming to be member 1.
        let forged = codec::encode(&Envelope::seal(1, &keys[2], b"hi".to_vec()));
        assert!(open(&forged, &c, &stats).is_none());
        assert_eq!(stats.bad_signature.load(std::sync::atomic::Ordering::Relaxed), 1);

        let stranger = codec::encode(&Envelope::seal(9, &keys[0], b"hi".to_vec()));
        assert!(open(&stranger, &c, &stats).is_none());
        assert_eq!(stats.unknown_sender.load(std::sync::atomic::Ordering::Relaxed), 1);
    }

    /// A length claimed anywhere in an envelope (sender, body, signature) is refused
    /// without allocating what it claims: the body is still unauthenticated here.
    #[test]
    fn hostile_lengths_anywhere_are_cheap() {
        let (c, keys) = committee();
        let stats = NetStats::default();
        let bytes = codec::encode(&Envelope::seal(0, &keys[0], vec![7u8; 100]));
        for hostile in with_claims_everywhere(&bytes) {
            let (opened, peak) = peak_of(|| open(&hostile, &c, &stats));
            assert!(opened.is_none());
            assert!(peak <= 4 * 1024 + 2 * hostile.len(), "{} bytes cost {peak}", hostile.len());
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let (c, _) = committee();
            let stats = NetStats::default();
            prop_assert!(open(&bytes, &c, &stats).is_none());
        }

        #[test]
        fn flipped_bytes_are_rejected(idx in 0usize..200, bit in 0u8..8) {
            let (c, keys) = committee();
            let stats = NetStats::default();
            let mut bytes = codec::encode(&Envelope::seal(0, &keys[0], vec![7u8; 100]));
            let i = idx % bytes.len();
            bytes[i] ^= 1 << bit;
            prop_assert!(open(&bytes, &c, &stats).is_none());
        }
    }
}
