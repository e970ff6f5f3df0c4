//! Certificates: a quorum of distinct members over one hash holds; anything less, or any
//! bad signature in it, does not; the JSON answer reads back as it was.

use kraken_execution::Felt;

use super::{keep, certificate, Attestation, BlockCertificate, NotCertified};
use crate::consensus::Invalid;
use crate::storage::Store;
use crate::types::{Committee, KeyPair};

fn committee() -> (Committee, Vec<KeyPair>) {
    Committee::generate(4, 9, |_| (vec![], vec![]))
}

fn signed_by(keys: &[KeyPair], who: &[u32], height: u64, hash: Felt) -> BlockCertificate {
    let signatures = who.iter().map(|&a| (a, Attestation::sign(height, hash, &keys[a as usize]).signature)).collect();
    BlockCertificate { block_number: height, block_hash: hash, signatures }
}

fn invalid(c: &BlockCertificate, committee: &Committee) -> Invalid {
    match c.verify(committee) {
        Err(NotCertified::Invalid { why, .. }) => why,
        other => panic!("expected an invalid certificate, got {other:?}"),
    }
}

#[test]
fn a_quorum_of_members_certifies_and_less_does_not() {
    let (committee, keys) = committee();
    let hash = Felt::from(0xabc_u64);
    signed_by(&keys, &[0, 2, 3], 5, hash).verify(&committee).unwrap();
    signed_by(&keys, &[0, 1, 2, 3], 5, hash).verify(&committee).unwrap();
    assert_eq!(invalid(&signed_by(&keys, &[1, 3], 5, hash), &committee), Invalid::NoQuorum { got: 2, need: 3 });
    // One member's signature three times is one signer.
    assert_eq!(invalid(&signed_by(&keys, &[1, 1, 1], 5, hash), &committee), Invalid::NoQuorum { got: 1, need: 3 });
}

#[test]
fn a_signature_over_anything_else_refuses_the_certificate() {
    let (committee, keys) = committee();
    let hash = Felt::from(0xabc_u64);
    // Signed at another height, or over another hash, then relabelled.
    for forged in [signed_by(&keys, &[0, 1, 2], 6, hash), signed_by(&keys, &[0, 1, 2], 5, hash + Felt::ONE)] {
        let relabelled = BlockCertificate { block_number: 5, block_hash: hash, ..forged };
        assert_eq!(invalid(&relabelled, &committee), Invalid::BadSignature(0));
    }
    // A key outside the committee.
    let stranger = KeyPair::from_seed([7; 32]);
    let mut c = signed_by(&keys, &[0, 1], 5, hash);
    c.signatures.push((9, Attestation::sign(5, hash, &stranger).signature));
    assert_eq!(invalid(&c, &committee), Invalid::UnknownAuthor(9));
    // More signatures than members is refused before any is checked.
    let long = signed_by(&keys, &[0, 1, 2, 3, 0], 5, hash);
    assert_eq!(invalid(&long, &committee), Invalid::TooManySignatures { got: 5, size: 4 });
}

#[test]
fn the_json_answer_reads_back_and_names_its_block() {
    let (committee, keys) = committee();
    let c = signed_by(&keys, &[3, 0, 1], 12, Felt::from(0x1234_5678_u64));
    let back = BlockCertificate::from_json(&c.to_json(), 12).unwrap();
    assert_eq!(back, c);
    back.verify(&committee).unwrap();
    assert!(matches!(BlockCertificate::from_json(&c.to_json(), 13), Err(NotCertified::Malformed { .. })));
    let mut short = c.to_json();
    short["signatures"][0]["signature"] = "0x1234".into();
    assert!(BlockCertificate::from_json(&short, 12).unwrap_err().to_string().contains("64 bytes"));
}

#[test]
fn a_node_serves_only_the_signatures_over_its_own_hash() {
    let (committee, keys) = committee();
    let store = Store::open_backend(redb::backends::InMemoryBackend::new()).unwrap();
    let (ours, theirs) = (Felt::from(1_u64), Felt::from(2_u64));
    for (member, hash) in [(0, ours), (1, theirs), (2, ours), (3, ours)] {
        keep(&store, member, &Attestation::sign(4, hash, &keys[member as usize])).unwrap();
    }
    let c = certificate(&store, 4, ours).unwrap();
    assert_eq!(c.signatures.iter().map(|(a, _)| *a).collect::<Vec<_>>(), [0, 2, 3]);
    c.verify(&committee).unwrap();
    let other = certificate(&store, 4, theirs).unwrap();
    assert!(other.verify(&committee).is_err(), "one signature is no certificate");
    assert!(certificate(&store, 5, ours).unwrap().signatures.is_empty());
}
