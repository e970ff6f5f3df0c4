//! The scenario examples in `sim/README.md` are valid scenarios.

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

#[test]
fn readme_nemesis_example_parses() {
    let readme = include_str!("../README.md");
    let start = readme.find("```toml\n[nemesis]\n").expect("nemesis block") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("end of block");
    let text = format!("[scenario]\nduration = \"60s\"\n{}", &readme[start..end]);
    let s = Scenario::from_str(&text, "README.md").unwrap();
    assert_eq!(s.nemesis.as_ref().unwrap().rates.len(), 11);
    assert!(!s.for_seed(1).faults.is_empty());
}

#[test]
fn readme_round_schedule_example_parses() {
    let readme = include_str!("../README.md");
    let start = readme.find("```toml\n[twins]\n").expect("round schedule block") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("end of block");
    let text = format!("[scenario]\nduration = \"20s\"\n{}", &readme[start..end]);
    let s = Scenario::from_str(&text, "README.md").unwrap();
    let schedule = s.rounds.unwrap();
    assert_eq!((schedule.plans.len(), schedule.gst.as_millis()), (2, 1500));
    assert_eq!(schedule.plans[0].to_string(), "n1 leads; n0 n1 n2 | n1' n3");
}
