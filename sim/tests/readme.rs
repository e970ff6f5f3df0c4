//! The scenario example in `sim/README.md` is a valid scenario.

use kraken_sim::scenario::Scenario;

#[test]
fn readme_example_parses() {
    let readme = include_str!("../README.md");
    let start = readme.find("```toml\n").expect("toml block") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("end of block");
    let s = Scenario::from_str(&readme[start..end], "README.md").unwrap();
    assert_eq!(s.name, "partition");
    assert_eq!(s.faults.len(), 10);
    assert_eq!(s.fault_windows().len(), 5);
    assert_eq!(s.last_heal().as_secs(), 30);
}
