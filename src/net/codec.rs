//! The one wire encoding (bincode, varint, size-limited) used for every message, so a
//! hostile length field can never make the decoder allocate more than a frame allows.

use bincode::Options;
use serde::{de::DeserializeOwned, Serialize};

/// Largest frame a peer may send (a batch of transactions plus headroom).
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

fn options() -> impl Options {
    bincode::DefaultOptions::new().with_limit(MAX_FRAME as u64).reject_trailing_bytes()
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    options().serialize(value).expect("in-memory serialization of our own types cannot fail")
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, bincode::Error> {
    options().deserialize(bytes)
}
