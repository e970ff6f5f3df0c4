//! Safety: no two different blocks committed at the same height by any copies (twins
//! included), and every copy's commit at h+1 extends its own block at h.

use super::{secs, Checker, Verdict};
use crate::history::History;
use std::collections::BTreeMap;

/// Agreement and chain integrity across all copies.
pub struct Safety;

impl Checker for Safety {
    fn name(&self) -> &str {
        "safety"
    }

    fn check(&self, h: &History) -> Verdict {
        let mut first: BTreeMap<u64, (&str, &str, u64)> = BTreeMap::new();
        let mut chains: BTreeMap<&str, BTreeMap<u64, &str>> = BTreeMap::new();
        let mut count = 0;
        for c in h.commits() {
            count += 1;
            let (block, node, t) = *first.entry(c.height).or_insert((c.block, c.node, c.t_us));
            if block != c.block {
                return Verdict::fail(
                    self.name(),
                    format!(
                        "conflicting commits at height {}: {node} committed {block} at {}, {} committed {} at {}",
                        c.height,
                        secs(t),
                        c.node,
                        c.block,
                        secs(c.t_us)
                    ),
                );
            }
            let chain = chains.entry(c.node).or_default();
            if let Some(below) = c.height.checked_sub(1).and_then(|p| chain.get(&p)) {
                if *below != c.parent {
                    return Verdict::fail(
                        self.name(),
                        format!(
                            "{} committed {} at height {} (t={}) with parent {}, but its block at height {} is {below}",
                            c.node,
                            c.block,
                            c.height,
                            secs(c.t_us),
                            c.parent,
                            c.height - 1
                        ),
                    );
                }
            }
            chain.insert(c.height, c.block);
        }
        let top = first.keys().next_back().copied().unwrap_or(0);
        Verdict::pass(
            self.name(),
            format!(
                "{count} commits by {} copies agree on heights up to {top}",
                chains.len()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::build::*;

    #[test]
    fn agreeing_chains_pass() {
        let h = history(
            4,
            &[],
            10,
            0,
            vec![
                commit(10, "n0", 1, "b1", "g", &[]),
                commit(11, "n1", 1, "b1", "g", &[]),
                commit(20, "n0", 2, "b2", "b1", &["t"]),
                commit(21, "n1", 2, "b2", "b1", &["t"]),
            ],
        );
        let v = Safety.check(&h);
        assert!(v.passed, "{v:?}");
        assert_eq!(v.detail, "4 commits by 2 copies agree on heights up to 2");
    }

    #[test]
    fn twin_fork_fails_naming_heights_nodes_and_ids() {
        let h = history(
            4,
            &[0],
            10,
            0,
            vec![
                commit(10, "n0", 1, "b1", "g", &[]),
                commit(12, "n0'", 1, "x1", "g", &[]),
            ],
        );
        let v = Safety.check(&h);
        assert!(!v.passed);
        assert_eq!(v.detail, "conflicting commits at height 1: n0 committed b1 at 0.010s, n0' committed x1 at 0.012s");
    }

    #[test]
    fn broken_parent_link_fails() {
        let h = history(
            4,
            &[],
            10,
            0,
            vec![
                commit(10, "n2", 1, "b1", "g", &[]),
                commit(20, "n2", 2, "b2", "zz", &[]),
            ],
        );
        let v = Safety.check(&h);
        assert!(!v.passed);
        assert!(
            v.detail.contains("n2 committed b2 at height 2") && v.detail.contains("parent zz"),
            "{}",
            v.detail
        );
    }
}
