//! Only tests: see tests/cluster.rs.
