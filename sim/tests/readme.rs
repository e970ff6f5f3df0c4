//! The scenario examples in `sim/README.md` are valid scenarios.

use kraken_sim::scenario::Scenario;

/// The first ```toml block of `sim/README.md` that starts with `opening`.
fn block(opening: &str) -> &'static str {
    let readme = include_str!("../README.md");
    let fence = format!("```toml\n{opening}");
    let start = readme.find(&fence).unwrap_or_else(|| panic!("no block starting {opening:?}")) + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("end of block");
    &readme[start..end]
}

#[test]
fn readme_example_parses() {
    let s = Scenario::from_str(block(""), "README.md").unwrap();
    assert_eq!(s.name, "partition");
    assert_eq!(s.faults.len(), 10);
    assert_eq!(s.fault_windows().len(), 5);
    assert_eq!(s.last_heal().as_secs(), 30);
}

#[test]
fn readme_nemesis_example_parses() {
    let text = format!("[scenario]\nduration = \"60s\"\n{}", block("[nemesis]\n"));
    let s = Scenario::from_str(&text, "README.md").unwrap();
    assert_eq!(s.nemesis.as_ref().unwrap().rates.len(), 11);
    assert!(!s.for_seed(1).faults.is_empty());
}

#[test]
fn readme_round_schedule_example_parses() {
    let text = format!("[scenario]\nduration = \"20s\"\n{}", block("[twins]\n"));
    let s = Scenario::from_str(&text, "README.md").unwrap();
    let schedule = s.rounds.unwrap();
    assert_eq!((schedule.plans.len(), schedule.gst.as_millis()), (2, 1500));
    assert_eq!(schedule.plans[0].to_string(), "n1 leads; n0 n1 n2 | n1' n3");
}

#[test]
fn readme_byzantine_example_parses() {
    let text = format!("[scenario]\nduration = \"20s\"\n{}", block("[byzantine]\n"));
    let s = Scenario::from_str(&text, "README.md").unwrap();
    let spec = s.byzantine.unwrap();
    assert_eq!((spec.nodes, spec.strategies.len(), spec.rate), (vec![3], 3, 0.5));
}
