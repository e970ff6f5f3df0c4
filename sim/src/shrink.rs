//! Shrinking a failing run to a smaller one that fails the same way: fewer faults,
//! faults earlier (shorter windows), a shorter run, lower load, fewer twins, fewer
//! scheduled rounds. Each step is
//! a smaller scenario played under the same seed and kept only if the same checker still
//! fails; steps repeat until none is kept or the budget is spent. The scenario is edited
//! as TOML text (`toml_edit`), so what is not shrunk, comments included, stays as written.

use std::sync::Arc;
use std::time::{Duration, Instant};

use toml_edit::{DocumentMut, Item, Value};

use crate::scenario::{parse_duration, Scenario};
use crate::world::{self, RunOutcome, SimSystem};

/// Builds the system a scenario runs (its `[node]` tables may change nothing here, but the
/// system is the scenario's to build).
pub type MakeSystem<'a> = &'a dyn Fn(&Scenario) -> Result<Arc<dyn SimSystem>, String>;

/// When to stop trying.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Runs played, the first (confirming the failure) included.
    pub runs: usize,
    pub time: Duration,
}

/// The smallest failing scenario found.
pub struct Shrunk {
    /// The scenario's TOML.
    pub text: String,
    /// The checker that fails in the original and in the shrunk run.
    pub checker: String,
    pub runs: usize,
    /// The steps kept, in order, in words.
    pub kept: Vec<String>,
    /// Whether the budget ran out before no step was left to try.
    pub exhausted: bool,
}

/// Shrinks the run of scenario `text` (named `origin` in messages) under `seed`;
/// `progress` hears each step tried and whether it was kept.
pub fn shrink(text: &str, origin: &str, seed: u64, system: MakeSystem, budget: Budget, progress: &mut dyn FnMut(&str)) -> Result<Shrunk, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("{origin}: {e}"))?;
    let started = Instant::now();
    let first = play(&doc, origin, seed, system)?.ok_or_else(|| format!("{origin} is not a valid scenario"))?;
    let checker = first.failures().first().map(|v| v.checker.clone()).ok_or_else(|| format!("{origin} passes under seed {seed}: nothing to shrink"))?;
    progress(&format!("{origin} seed {seed} fails `{checker}`; shrinking"));
    let mut shrunk = Shrunk { text: String::new(), checker, runs: 1, kept: Vec::new(), exhausted: false };
    // Greedy: the first step that still fails is kept, and the steps of the smaller
    // scenario are tried from the start, until none is kept.
    'rounds: loop {
        for (what, candidate) in candidates(&doc) {
            if shrunk.runs >= budget.runs || started.elapsed() >= budget.time {
                shrunk.exhausted = true;
                break 'rounds;
            }
            shrunk.runs += 1;
            let fails = match play(&candidate, origin, seed, system)? {
                Some(o) => o.failures().iter().any(|v| v.checker == shrunk.checker),
                None => false, // not a valid scenario (a fault now after the end, say)
            };
            progress(&format!("{} {what}", if fails { "kept:   " } else { "dropped:" }));
            if fails {
                doc = candidate;
                shrunk.kept.push(what);
                continue 'rounds;
            }
        }
        break;
    }
    shrunk.text = doc.to_string();
    Ok(shrunk)
}

/// The outcome of `doc` under `seed`, or `None` if it is not a valid scenario.
fn play(doc: &DocumentMut, origin: &str, seed: u64, system: MakeSystem) -> Result<Option<RunOutcome>, String> {
    let Ok(scenario) = Scenario::from_str(&doc.to_string(), origin) else {
        return Ok(None);
    };
    let system = system(&scenario)?;
    Ok(Some(world::run(&scenario, seed, system)))
}

/// Every one-step smaller scenario of `doc`, the biggest cuts first.
fn candidates(doc: &DocumentMut) -> Vec<(String, DocumentMut)> {
    let mut out = Vec::new();
    let faults = doc.get("faults").and_then(Item::as_array_of_tables).map_or(0, |a| a.len());
    for i in (0..faults).rev() {
        let mut d = doc.clone();
        let list = d["faults"].as_array_of_tables_mut().expect("counted above");
        let gone = describe(list.get(i).expect("in range"));
        list.remove(i);
        if list.is_empty() {
            d.remove("faults");
        }
        out.push((format!("without fault {i} ({gone})"), d));
    }
    if let Some(d) = halve_duration(doc, &["scenario", "duration"]) {
        out.push(("half the duration".into(), d));
    }
    if let Some(rate) = doc.get("load").and_then(|l| l.get("rate")).and_then(Item::as_integer).filter(|&r| r > 1) {
        let mut d = doc.clone();
        d["load"]["rate"] = toml_edit::value(rate / 2);
        out.push((format!("load rate {} instead of {rate}", rate / 2), d));
    }
    let twins = doc.get("twins").and_then(|t| t.get("nodes")).and_then(Item::as_array).map_or(0, |a| a.len());
    for i in (0..twins).rev() {
        let mut d = doc.clone();
        let nodes = d["twins"]["nodes"].as_array_mut().expect("counted above");
        let gone = nodes.get(i).map(|v| v.to_string()).unwrap_or_default();
        nodes.remove(i);
        if nodes.is_empty() {
            d.remove("twins");
        }
        out.push((format!("without twin {}", gone.trim()), d));
    }
    let rounds = doc.get("twins").and_then(|t| t.get("rounds")).and_then(Item::as_array).map_or(0, |a| a.len());
    if rounds > 1 {
        let mut d = doc.clone();
        d["twins"]["rounds"].as_array_mut().expect("counted above").remove(rounds - 1);
        out.push((format!("{} scheduled rounds instead of {rounds}", rounds - 1), d));
    }
    // Each fault halfway to the one before it: the window it closes gets shorter.
    let mut previous = Duration::ZERO;
    for i in 0..faults {
        let at = doc["faults"].as_array_of_tables().and_then(|a| a.get(i)).and_then(|f| f.get("at")).and_then(Item::as_str).and_then(|t| parse_duration(t).ok());
        let Some(at) = at else { continue };
        let earlier = previous + (at - previous.min(at)) / 2;
        if at.saturating_sub(earlier) >= Duration::from_millis(100) {
            let mut d = doc.clone();
            let fault = d["faults"].as_array_of_tables_mut().and_then(|a| a.get_mut(i)).expect("counted above");
            fault["at"] = toml_edit::value(millis(earlier));
            out.push((format!("fault {i} at {} instead of {}", millis(earlier), millis(at)), d));
        }
        previous = at;
    }
    out
}

/// `doc` with the duration at `path` halved, if it is at least 2 s.
fn halve_duration(doc: &DocumentMut, path: &[&str; 2]) -> Option<DocumentMut> {
    let text = doc.get(path[0])?.get(path[1])?.as_str()?;
    let d = parse_duration(text).ok()?;
    (d >= Duration::from_secs(2)).then(|| {
        let mut out = doc.clone();
        out[path[0]][path[1]] = toml_edit::value(millis(d / 2));
        out
    })
}

fn millis(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

/// A fault entry in one line, for the log.
fn describe(fault: &toml_edit::Table) -> String {
    fault.iter().map(|(k, v)| format!("{k} = {}", v.as_value().map(Value::to_string).unwrap_or_default().trim())).collect::<Vec<_>>().join(", ")
}

/// A `[nemesis]` scenario with the faults one run drew (a report's `faults.toml`) in
/// place of its `[nemesis]`: the same run, as fixed faults a shrinker can cut.
pub fn with_drawn_faults(scenario: &str, drawn: &str) -> Result<String, String> {
    let mut doc: DocumentMut = scenario.parse().map_err(|e| format!("the scenario: {e}"))?;
    let drawn: DocumentMut = drawn.parse().map_err(|e| format!("faults.toml: {e}"))?;
    doc.remove("nemesis");
    match drawn.get("faults") {
        Some(faults) => doc["faults"] = faults.clone(),
        None => {
            doc.remove("faults");
        }
    }
    Ok(doc.to_string())
}

/// A `[twins] generate` scenario with the schedule one run picked (a report's
/// `rounds.toml`) in place of `generate`: the same run, as fixed rounds a shrinker can cut.
pub fn with_picked_rounds(scenario: &str, picked: &str) -> Result<String, String> {
    let mut doc: DocumentMut = scenario.parse().map_err(|e| format!("the scenario: {e}"))?;
    let picked: DocumentMut = picked.parse().map_err(|e| format!("rounds.toml: {e}"))?;
    let rounds = picked.get("rounds").ok_or("rounds.toml: no rounds")?.clone();
    let twins = doc["twins"].as_table_like_mut().ok_or("the scenario has no [twins] table")?;
    twins.remove("generate");
    twins.insert("rounds", rounds);
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = "# kept\n[scenario]\nduration = \"10s\"\n[load]\nrate = 8\n[twins]\nnodes = [\"n1\", \"n2\"]\n[[faults]]\nat = \"2s\"\ncrash = \"n1\"\n[[faults]]\nat = \"6s\"\nrestart = \"n1\"\n";

    #[test]
    fn each_candidate_is_one_step_smaller_and_comments_stay() {
        let doc: DocumentMut = SCENARIO.parse().unwrap();
        let steps: Vec<String> = candidates(&doc).into_iter().map(|(what, d)| {
            assert!(d.to_string().starts_with("# kept"), "{what}");
            what
        }).collect();
        assert_eq!(
            steps,
            [
                "without fault 1 (at = \"6s\", restart = \"n1\")",
                "without fault 0 (at = \"2s\", crash = \"n1\")",
                "half the duration",
                "load rate 4 instead of 8",
                "without twin \"n2\"",
                "without twin \"n1\"",
                "fault 0 at 1000ms instead of 2000ms",
                "fault 1 at 4000ms instead of 6000ms",
            ]
        );
    }

    #[test]
    fn drawn_faults_replace_the_nemesis() {
        let text = with_drawn_faults("[scenario]\nduration = \"9s\"\n[nemesis]\ncrashes = 1\n", "# drawn\n[[faults]]\nat = \"1s\"\ncrash = \"n0\"\n").unwrap();
        let doc: DocumentMut = text.parse().unwrap();
        assert!(doc.get("nemesis").is_none(), "{text}");
        assert_eq!(doc["faults"].as_array_of_tables().unwrap().len(), 1, "{text}");
    }

    #[test]
    fn picked_rounds_replace_the_generator_and_shrink_from_the_end() {
        let base = "[scenario]\nduration = \"6s\"\n[twins]\nnodes = [\"n1\"]\ngenerate = { rounds = 2 }\ngst = \"2s\"\n[checks]\nliveness_within = \"4s\"\n";
        let scenario = Scenario::from_str(base, "x.toml").unwrap().for_seed(7);
        let plans = scenario.rounds.as_ref().unwrap().plans.clone();
        let text = with_picked_rounds(base, &format!("# picked\n{}", crate::scenario::rounds_toml(&plans))).unwrap();
        let fixed = Scenario::from_str(&text, "x.toml").unwrap();
        let schedule = fixed.rounds.as_ref().unwrap();
        assert!(schedule.generator.is_none());
        assert_eq!(schedule.plans, plans, "{text}");
        let doc: DocumentMut = text.parse().unwrap();
        let fewer = candidates(&doc).into_iter().find(|(what, _)| what == "1 scheduled rounds instead of 2").expect("a step drops the last round").1;
        let fewer = Scenario::from_str(&fewer.to_string(), "x.toml").unwrap();
        assert_eq!(fewer.rounds.unwrap().plans, plans[..1]);
    }
}
