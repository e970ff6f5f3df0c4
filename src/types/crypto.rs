//! Ed25519 identities: every block, vote and timeout is signed, and every two members
//! derive from their keys the secret that authenticates the messages between them.

use super::Digest;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A member's key, kept decompressed: decompressing it for every signature checked cost a
/// field exponentiation each (3-4% of a healthy simulated run's wall time). Bytes that are
/// not a curve point are refused when read, not at each verification.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(VerifyingKey);

impl PartialOrd for PublicKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By the key's bytes, as before it was kept decompressed.
impl Ord for PublicKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.as_bytes().cmp(other.0.as_bytes())
    }
}

/// Hex in human-readable formats (committee files), raw bytes on the wire.
impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_hex())
        } else {
            s.serialize_bytes(self.0.as_bytes())
        }
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            PublicKey::from_hex(&s).map_err(serde::de::Error::custom)
        } else {
            let bytes = super::bytes::deserialize(d)?;
            let arr: [u8; 32] = bytes
                .try_into()
                .map_err(|_| serde::de::Error::custom("public key must be 32 bytes"))?;
            PublicKey::from_bytes(&arr).map_err(serde::de::Error::custom)
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", &self.to_hex()[..8])
    }
}

impl PublicKey {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn from_hex(s: &str) -> Result<Self, String> {
        let bytes = hex::decode(s).map_err(|e| format!("public key is not hex: {e}"))?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "public key must be 32 bytes".to_string())?;
        Self::from_bytes(&arr)
    }

    /// The key whose compressed form is `bytes`; an error if they are not a curve point.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, String> {
        VerifyingKey::from_bytes(bytes).map(PublicKey).map_err(|e| format!("invalid ed25519 public key: {e}"))
    }

    /// Strict verification (rejects small-order keys and malleable signatures).
    pub fn verify(&self, msg: &Digest, sig: &Signature) -> bool {
        let sig = ed25519_dalek::Signature::from_bytes(&sig.0);
        self.0.verify_strict(&msg.0, &sig).is_ok()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Signature(pub [u8; 64]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sig:{}", &hex::encode(self.0)[..8])
    }
}

impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = super::bytes::deserialize(d)?;
        let arr: [u8; 64] = bytes
            .try_into()
            .map_err(|_| serde::de::Error::custom("signature must be 64 bytes"))?;
        Ok(Signature(arr))
    }
}

/// A node's signing key.
#[derive(Clone)]
pub struct KeyPair {
    secret: SigningKey,
}

impl KeyPair {
    /// Deterministic key from 32 seed bytes (committee generation derives them from a seed).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        KeyPair { secret: SigningKey::from_bytes(&seed) }
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.secret.verifying_key())
    }

    pub fn sign(&self, msg: &Digest) -> Signature {
        Signature(self.secret.sign(&msg.0).to_bytes())
    }

    /// The X25519 secret this key shares with `peer` (both Ed25519 keys taken to their
    /// Montgomery form, as libsodium's `crypto_sign_ed25519_*_to_curve25519` do): the same
    /// bytes on both sides, known to nobody else. `None` for a peer key of small order,
    /// whose "shared" secret anyone could compute.
    pub fn shared_secret(&self, peer: &PublicKey) -> Option<[u8; 32]> {
        let shared = peer.0.to_montgomery().mul_clamped(self.secret.to_scalar_bytes()).to_bytes();
        (shared != [0; 32]).then_some(shared)
    }

    pub fn secret_hex(&self) -> String {
        hex::encode(self.secret.to_bytes())
    }

    pub fn from_secret_hex(s: &str) -> Result<Self, String> {
        let bytes = hex::decode(s.trim()).map_err(|e| format!("key is not hex: {e}"))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "key must be 32 bytes of hex".to_string())?;
        Ok(Self::from_seed(seed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_roundtrip_and_tamper() {
        let k = KeyPair::from_seed([7; 32]);
        let m = Digest::of(b"hello");
        let s = k.sign(&m);
        assert!(k.public().verify(&m, &s));
        assert!(!k.public().verify(&Digest::of(b"other"), &s));
        let mut bad = s;
        bad.0[3] ^= 1;
        assert!(!k.public().verify(&m, &bad));
        let other = KeyPair::from_seed([8; 32]);
        assert!(!other.public().verify(&m, &s));
    }

    #[test]
    fn shared_secrets_agree_per_pair_and_refuse_small_order_keys() {
        let [a, b, c] = [1u8, 2, 3].map(|i| KeyPair::from_seed([i; 32]));
        let ab = a.shared_secret(&b.public()).unwrap();
        assert_eq!(Some(ab), b.shared_secret(&a.public()));
        assert_ne!(Some(ab), a.shared_secret(&c.public()));
        assert_ne!(Some(ab), c.shared_secret(&b.public()));
        // The identity point is a valid key encoding of small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(a.shared_secret(&PublicKey::from_bytes(&identity).unwrap()), None);
    }

    #[test]
    fn signature_serde_roundtrip() {
        let s = KeyPair::from_seed([1; 32]).sign(&Digest::of(b"x"));
        let bytes = bincode::serialize(&s).unwrap();
        let back: Signature = bincode::deserialize(&bytes).unwrap();
        assert_eq!(s, back);
    }
}
