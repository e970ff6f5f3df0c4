//! Merges the `--json` outcomes of a sharded sweep (one file per shard, as the Kubernetes
//! Job in `deploy/` writes them) into one outcome, and names the shards that left no file.

use super::plan::{Plan, Shard};
use super::results::SweepOutcome;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The shards' outcomes as one.
pub struct Merged {
    /// Every shard's results and seeds not run, in seed order; the longest shard's wall time.
    pub outcome: SweepOutcome,
    /// Shards of the sweep with no file.
    pub missing: Vec<Shard>,
}

impl Merged {
    /// Whether every seed that ran passed and no shard is missing.
    pub fn passed(&self) -> bool {
        self.outcome.passed() && self.missing.is_empty()
    }

    /// The sweep's table, then the missing shards.
    pub fn render(&self) -> String {
        let mut out = self.outcome.render();
        if !self.missing.is_empty() {
            let seeds: usize = self
                .missing
                .iter()
                .map(|&shard| {
                    Plan {
                        shard: Some(shard),
                        ..self.outcome.plan.clone()
                    }
                    .seeds()
                    .count()
                })
                .sum();
            let names: Vec<String> = self.missing.iter().map(Shard::to_string).collect();
            let _ = writeln!(
                out,
                "  missing: shard {} (no results file): {seeds} seeds did not run",
                names.join(", ")
            );
        }
        out
    }
}

/// Every `*.json` outcome in `dir`, with its path.
pub fn read_dir(dir: &Path) -> Result<Vec<(PathBuf, SweepOutcome)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "{}: no *.json sweep results (written by `sweep --json`)",
            dir.display()
        ));
    }
    files
        .into_iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let outcome = serde_json::from_str(&text)
                .map_err(|e| format!("{}: not a sweep result ({e})", path.display()))?;
            Ok((path, outcome))
        })
        .collect()
}

/// Merges the outcomes of the shards of one sweep: same scenario, seed range and shard count.
pub fn merge(parts: Vec<(PathBuf, SweepOutcome)>) -> Result<Merged, String> {
    let shard_of = |o: &SweepOutcome| o.plan.shard.unwrap_or(Shard { index: 0, count: 1 });
    let (first_path, first) = parts.first().ok_or("no sweep results to merge")?;
    let count = shard_of(first).count;
    let mut seen: Vec<Option<&Path>> = vec![None; count as usize];
    for (path, part) in &parts {
        let shard = shard_of(part);
        if part.origin != first.origin
            || part.plan.seeds != first.plan.seeds
            || shard.count != count
        {
            return Err(format!(
                "{} ({} seeds {:?} in {} shards) and {} ({} seeds {:?} in {count} shards) are not shards of one sweep",
                path.display(),
                part.origin,
                part.plan.seeds,
                shard.count,
                first_path.display(),
                first.origin,
                first.plan.seeds
            ));
        }
        if let Some(other) = seen[shard.index as usize].replace(path) {
            return Err(format!(
                "{} and {} are both shard {shard}",
                other.display(),
                path.display()
            ));
        }
    }
    let missing = (0..count)
        .filter(|&index| seen[index as usize].is_none())
        .map(|index| Shard { index, count })
        .collect();
    let mut outcome = SweepOutcome {
        scenario: first.scenario.clone(),
        origin: first.origin.clone(),
        plan: Plan {
            shard: None,
            ..first.plan.clone()
        },
        results: Vec::new(),
        not_run: Vec::new(),
        wall_time: parts
            .iter()
            .map(|(_, p)| p.wall_time)
            .max()
            .unwrap_or_default(),
    };
    for (_, part) in parts {
        outcome.results.extend(part.results);
        outcome.not_run.extend(part.not_run);
    }
    outcome.results.sort_by_key(|r| r.seed);
    outcome.not_run.sort_unstable();
    Ok(Merged { outcome, missing })
}

#[cfg(test)]
mod tests {
    use super::super::results::tests::{outcome, result};
    use super::*;
    use crate::checkers::Verdict;

    fn shard(index: u64, count: u64, seeds: &[u64], not_run: Vec<u64>) -> (PathBuf, SweepOutcome) {
        let results = seeds
            .iter()
            .map(|&s| result(s, vec![], &format!("h{s}")))
            .collect();
        let mut o = outcome(results, not_run);
        o.plan.shard = Some(Shard { index, count });
        (PathBuf::from(format!("shard-{index}.json")), o)
    }

    #[test]
    fn merges_shards_into_one_table() {
        let mut parts = vec![
            shard(1, 3, &[1, 4, 7], vec![]),
            shard(0, 3, &[0, 3], vec![6, 9]),
        ];
        parts[0].1.results[1]
            .failures
            .push(Verdict::fail("safety", "fork"));
        let merged = merge(parts).unwrap();
        let seeds: Vec<u64> = merged.outcome.results.iter().map(|r| r.seed).collect();
        assert_eq!(seeds, [0, 1, 3, 4, 7]);
        assert_eq!(merged.outcome.not_run, [6, 9]);
        assert_eq!(merged.missing, [Shard { index: 2, count: 3 }]);
        assert!(!merged.passed());
        let table = merged.render();
        assert!(
            table.starts_with("FAIL  sweep p (scenarios/p.toml): 5 seeds, 4 passed, 1 failed"),
            "{table}"
        );
        assert!(table.contains("seed 4      safety: fork"), "{table}");
        // Shard 2/3 of 0..10 holds 2, 5 and 8.
        assert!(
            table.contains("missing: shard 2/3 (no results file): 3 seeds did not run"),
            "{table}"
        );
    }

    #[test]
    fn refuses_parts_of_different_sweeps() {
        let err = merge(vec![shard(0, 2, &[0], vec![]), shard(1, 3, &[1], vec![])])
            .err()
            .unwrap();
        assert!(
            err.contains("shard-1.json") && err.contains("not shards of one sweep"),
            "{err}"
        );
        let err = merge(vec![shard(1, 2, &[1], vec![]), shard(1, 2, &[1], vec![])])
            .err()
            .unwrap();
        assert!(err.contains("are both shard 1/2"), "{err}");
    }

    #[test]
    fn reads_the_json_files_of_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        for (path, o) in [shard(0, 2, &[0, 2], vec![]), shard(1, 2, &[1, 3], vec![])] {
            std::fs::write(dir.path().join(path), serde_json::to_string(&o).unwrap()).unwrap();
        }
        std::fs::write(dir.path().join("shard-0.xml"), "<not read/>").unwrap();
        let merged = merge(read_dir(dir.path()).unwrap()).unwrap();
        assert!(merged.passed(), "{}", merged.render());
        assert_eq!(merged.outcome.results.len(), 4);
        std::fs::write(dir.path().join("junk.json"), "{}").unwrap();
        let err = read_dir(dir.path()).err().unwrap();
        assert!(err.contains("junk.json: not a sweep result"), "{err}");
        let empty = tempfile::tempdir().unwrap();
        assert!(read_dir(empty.path())
            .err()
            .unwrap()
            .contains("no *.json sweep results"));
    }
}
