//! Serde helper: a sequence refused while it is decoded once it holds more than a set
//! number of elements, so a short message cannot buy a large `Vec` of cheap elements
//! (a zero felt is one byte on the wire and 32 in memory).

use serde::de::{Deserialize, Deserializer, Error, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

pub fn vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D, max: usize) -> Result<Vec<T>, D::Error> {
    d.deserialize_seq(AtMost { max, element: PhantomData })
}

struct AtMost<T> {
    max: usize,
    element: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for AtMost<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a sequence of at most {} elements", self.max)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        // A length-prefixed format announces the count: refuse before reading any.
        let claimed = seq.size_hint().unwrap_or(0);
        if claimed > self.max {
            return Err(A::Error::invalid_length(claimed, &self));
        }
        // Like serde's own `Vec`: trust a claim with at most 1 MiB up front.
        let mut out = Vec::with_capacity(claimed.min((1 << 20) / std::mem::size_of::<T>().max(1)));
        while let Some(element) = seq.next_element()? {
            if out.len() == self.max {
                return Err(A::Error::invalid_length(self.max + 1, &self));
            }
            out.push(element);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::net::codec;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Three(#[serde(deserialize_with = "three")] Vec<u16>);

    fn three<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u16>, D::Error> {
        super::vec(d, 3)
    }

    #[test]
    fn refuses_more_than_the_bound_in_bincode_and_json() {
        assert_eq!(codec::decode::<Three>(&codec::encode(&vec![1u16, 2, 3])).unwrap().0, [1, 2, 3]);
        let err = codec::decode::<Three>(&codec::encode(&vec![1u16, 2, 3, 4])).unwrap_err();
        assert!(err.to_string().contains("at most 3"), "{err}");
        // JSON gives no count up front: the fourth element is refused as it arrives.
        assert_eq!(serde_json::from_str::<Three>("[1,2,3]").unwrap().0, [1, 2, 3]);
        assert!(serde_json::from_str::<Three>("[1,2,3,4]").unwrap_err().to_string().contains("at most 3"));
    }
}
