//! What peers and clients send a node, decoded from arbitrary and mutated bytes: the
//! decoder answers `Ok` or `Err`, never panics, and never allocates more than a small
//! multiple of the bytes it was given, whatever lengths those bytes claim.

mod client;
#[cfg(madsim)]
mod in_flight;
mod peer;

use crate::net::codec;
use crate::testing::alloc::peak_of;
use serde::{de::DeserializeOwned, Serialize};

/// Decodes `bytes` as a `T`; panics if that allocated more than `limit(len)` at once.
/// A value that decodes must survive a re-encoding.
fn decode_within<T: DeserializeOwned + Serialize>(bytes: &[u8], limit: impl Fn(usize) -> usize) -> Option<T> {
    let (decoded, peak) = peak_of(|| codec::decode::<T>(bytes));
    assert!(peak <= limit(bytes.len()), "decoding {} bytes allocated {peak} at once", bytes.len());
    let value = decoded.ok()?;
    codec::decode::<T>(&codec::encode(&value)).expect("a decoded value re-encodes to something decodable");
    Some(value)
}
