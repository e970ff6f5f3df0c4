//! Test support for the decoder property tests: an allocation probe and the mutations
//! applied to valid encodings.

pub mod alloc;
pub mod mutate;
