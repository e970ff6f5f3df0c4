//! Byte-level mutations of valid encodings: what a buggy or hostile peer is most likely
//! to send is a valid message slightly wrong, and a random one almost never gets past
//! the first tag byte.

use proptest::prelude::*;

/// Bincode varint lengths a hostile peer may claim: u64::MAX, 2^40, u32::MAX, the
/// codec's limit and just above it (251 is a u16 marker, 252 u32, 253 u64, 254 u128).
pub fn hostile_lengths() -> Vec<Vec<u8>> {
    let u64_len = |n: u64| [&[253u8][..], &n.to_le_bytes()].concat();
    let u32_len = |n: u32| [&[252u8][..], &n.to_le_bytes()].concat();
    vec![
        u64_len(u64::MAX),
        u64_len(1 << 40),
        u32_len(u32::MAX),
        u32_len(crate::net::codec::MAX_FRAME as u32),
        u32_len(crate::net::codec::MAX_FRAME as u32 + 1),
        [&[254u8][..], &u128::MAX.to_le_bytes()].concat(),
    ]
}

#[derive(Clone, Debug)]
pub enum Mutation {
    Flip { at: usize, bit: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
    Truncate { at: usize },
    /// Overwrites the bytes at `at` with a hostile length.
    Claim { at: usize, which: usize },
    /// Copies a stretch of the message after itself (a repeated field or element).
    Duplicate { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Edge bytes: varint markers, sign and high bits.
    let edge = prop::sample::select(vec![0u8, 1, 0x7f, 0x80, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff]);
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), prop_oneof![edge, any::<u8>()]).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, which)| Mutation::Claim { at, which }),
        (any::<usize>(), 1usize..128).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

pub fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let pos = |at: usize, n: usize| if n == 0 { 0 } else { at % n };
    let n = bytes.len();
    match m {
        Mutation::Flip { at, bit } if n > 0 => bytes[pos(*at, n)] ^= 1u8 << *bit,
        Mutation::Set { at, byte } if n > 0 => bytes[pos(*at, n)] = *byte,
        Mutation::Insert { at, bytes: new } => {
            let at = pos(*at, n + 1);
            bytes.splice(at..at, new.iter().copied());
        }
        Mutation::Delete { at, len } if n > 0 => {
            let at = pos(*at, n);
            bytes.drain(at..(at + len).min(n));
        }
        Mutation::Truncate { at } => bytes.truncate(pos(*at, n + 1)),
        Mutation::Claim { at, which } => {
            let claims = hostile_lengths();
            let claim = &claims[which % claims.len()];
            let at = pos(*at, n + 1);
            let end = (at + claim.len()).min(n);
            bytes.splice(at..end, claim.iter().copied());
        }
        Mutation::Duplicate { at, len } if n > 0 => {
            let at = pos(*at, n);
            let copy = bytes[at..(at + len).min(n)].to_vec();
            let end = at + copy.len();
            bytes.splice(end..end, copy);
        }
        _ => {}
    }
}

/// One of `valid`, changed by one to four mutations.
pub fn mutated(valid: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (prop::sample::select(valid), prop::collection::vec(mutation(), 1..=4)).prop_map(|(mut bytes, ms)| {
        for m in &ms {
            apply(&mut bytes, m);
        }
        bytes
    })
}

/// Every message with one hostile length written over, or inserted at, each offset:
/// whatever field sits there, the decoder sees a claim it must refuse cheaply.
pub fn with_claims_everywhere(valid: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    let claims = hostile_lengths();
    (0..=valid.len()).flat_map(move |at| {
        let claims = claims.clone();
        (0..claims.len()).flat_map(move |which| {
            let mut over = valid.to_vec();
            apply(&mut over, &Mutation::Claim { at, which });
            let mut inserted = valid.to_vec();
            inserted.splice(at..at, claims[which].iter().copied());
            [over, inserted]
        })
    })
}
