//! Small example AIRs that exercise the engine (and its tests).

pub mod fibonacci;
pub mod periodic;
pub mod permutation;
