//! Checking a member's signature once. A vote a node verified on arrival comes back in
//! the QC of the next proposal, in timeouts' high QCs and in sync replies; a real node
//! remembers what it verified rather than verify it again (every vote to every member
//! made QC checks an O(n²) share of a round). The memory is bounded and keyed by signer,
//! message and signature together, so a known-good signature under another name or on
//! another message is checked like any other.

use super::messages::Invalid;
use crate::types::{Author, Committee, Digest, RecentSet, Signature};
use std::cell::RefCell;
use std::sync::Arc;

/// Whom a signature is checked against: a committee, and how.
pub trait SignatureCheck {
    fn committee(&self) -> &Committee;

    /// Whether `sig` is `author`'s signature of `msg`.
    fn check(&self, author: Author, msg: &Digest, sig: &Signature) -> Result<(), Invalid>;
}

/// Every signature verified each time it is checked.
impl SignatureCheck for Committee {
    fn committee(&self) -> &Committee {
        self
    }

    fn check(&self, author: Author, msg: &Digest, sig: &Signature) -> Result<(), Invalid> {
        let key = self.key_of(author).ok_or(Invalid::UnknownAuthor(author))?;
        if key.verify(msg, sig) {
            Ok(())
        } else {
            Err(Invalid::BadSignature(author))
        }
    }
}

type Checked = (Author, Digest, Signature);

/// A committee and the last [`CheckedSignatures::REMEMBERED`] signatures found valid
/// against it; a remembered one is not verified again.
pub struct CheckedSignatures {
    committee: Arc<Committee>,
    valid: RefCell<RecentSet<Checked>>,
}

impl CheckedSignatures {
    /// Some rounds' worth of votes, timeouts and blocks even for a large committee.
    pub const REMEMBERED: usize = 4_096;

    pub fn new(committee: Arc<Committee>) -> Self {
        CheckedSignatures { committee, valid: RefCell::new(RecentSet::new(Self::REMEMBERED)) }
    }

    /// Remembers a signature this node just made with its own key: it is valid by
    /// construction, so its own vote, counted unchecked, is not checked later in a QC.
    pub fn remember_own(&self, author: Author, msg: &Digest, sig: &Signature) {
        self.valid.borrow_mut().insert((author, *msg, *sig));
    }
}

impl SignatureCheck for CheckedSignatures {
    fn committee(&self) -> &Committee {
        &self.committee
    }

    fn check(&self, author: Author, msg: &Digest, sig: &Signature) -> Result<(), Invalid> {
        let entry = (author, *msg, *sig);
        if self.valid.borrow().contains(&entry) {
            return Ok(());
        }
        self.committee.check(author, msg, sig)?;
        self.valid.borrow_mut().insert(entry);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::KeyPair;

    fn committee() -> (Arc<Committee>, Vec<KeyPair>) {
        let (c, keys) = Committee::generate(4, 1, |_| (vec![], vec![]));
        (Arc::new(c), keys)
    }

    #[test]
    fn a_remembered_signature_counts_only_for_its_own_signer_and_message() {
        let (c, keys) = committee();
        let checked = CheckedSignatures::new(c.clone());
        let (m, other) = (Digest::of(b"vote"), Digest::of(b"another vote"));
        let sig = keys[1].sign(&m);
        checked.check(1, &m, &sig).unwrap();
        checked.check(1, &m, &sig).unwrap();
        assert_eq!(checked.valid.borrow().len(), 1, "checked once, remembered once");
        assert_eq!(checked.check(2, &m, &sig), Err(Invalid::BadSignature(2)));
        assert_eq!(checked.check(1, &other, &sig), Err(Invalid::BadSignature(1)));
        assert_eq!(checked.check(9, &m, &sig), Err(Invalid::UnknownAuthor(9)));
        let mut forged = sig;
        forged.0[0] ^= 1;
        assert_eq!(checked.check(1, &m, &forged), Err(Invalid::BadSignature(1)));
        assert_eq!(checked.valid.borrow().len(), 1, "nothing invalid is remembered");
    }

    #[test]
    fn memory_is_bounded_and_forgets_the_oldest_first() {
        let (c, keys) = committee();
        let checked = CheckedSignatures::new(c);
        let sign = |i: usize| {
            let m = Digest::of(&i.to_be_bytes());
            (m, keys[0].sign(&m))
        };
        for i in 0..=CheckedSignatures::REMEMBERED {
            let (m, s) = sign(i);
            checked.check(0, &m, &s).unwrap();
        }
        let valid = checked.valid.borrow();
        assert_eq!(valid.len(), CheckedSignatures::REMEMBERED);
        let (first, s0) = sign(0);
        let (last, sl) = sign(CheckedSignatures::REMEMBERED);
        assert!(!valid.contains(&(0, first, s0)) && valid.contains(&(0, last, sl)));
    }
}
