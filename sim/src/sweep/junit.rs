//! A sweep as JUnit XML, the report format CI systems read: one testcase per seed, a
//! failing seed's `<failure>` naming its failed checkers and carrying the replay command,
//! a seed the time budget left out `<skipped>`.

use super::results::{replay_command, SeedResult, SweepOutcome};
use crate::scenario::format_duration;
use std::fmt::Write;

/// The JUnit XML document of `outcome`.
pub fn junit(outcome: &SweepOutcome) -> String {
    let ran = outcome.results.len();
    let failed = outcome.failed().len();
    let skipped = outcome.not_run.len();
    let counts = format!(
        "tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\" time=\"{:.3}\"",
        ran + skipped,
        outcome.wall_time.as_secs_f64()
    );
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(xml, "<testsuites name=\"kraken sweep\" {counts}>");
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" {counts}>",
        escape(&format!("sweep {} ({})", outcome.scenario, outcome.origin))
    );
    // Testcases in seed order, the seeds not run among the others.
    let mut cases: Vec<(u64, Option<&SeedResult>)> = outcome
        .results
        .iter()
        .map(|r| (r.seed, Some(r)))
        .chain(outcome.not_run.iter().map(|&s| (s, None)))
        .collect();
    cases.sort_by_key(|(seed, _)| *seed);
    let classname = escape(&outcome.scenario);
    for (seed, result) in cases {
        let time = result.map_or(0.0, |r| r.wall_time.as_secs_f64());
        let _ = writeln!(
            xml,
            "    <testcase classname=\"{classname}\" name=\"seed {seed}\" time=\"{time:.3}\">"
        );
        match result {
            None => {
                let why = match outcome.plan.budget {
                    Some(budget) => format!(
                        "not run: the time budget {} was spent",
                        format_duration(budget)
                    ),
                    None => "not run".into(),
                };
                let _ = writeln!(xml, "      <skipped message=\"{}\"/>", escape(&why));
            }
            Some(r) if !r.failures.is_empty() => {
                let checkers: Vec<&str> = r.failures.iter().map(|v| v.checker.as_str()).collect();
                let mut body: String = r
                    .failures
                    .iter()
                    .map(|v| format!("{}: {}\n", v.checker, v.detail))
                    .collect();
                body += &format!("replay: {}", replay_command(&outcome.origin, seed));
                let _ = writeln!(
                    xml,
                    "      <failure message=\"failed: {}\" type=\"{}\">{}</failure>",
                    escape(&checkers.join(", ")),
                    escape(checkers[0]),
                    escape(&body)
                );
            }
            Some(r) => {
                let _ = writeln!(
                    xml,
                    "      <system-out>history {}, {} txs committed</system-out>",
                    escape(&r.history_hash),
                    r.committed
                );
            }
        }
        xml += "    </testcase>\n";
    }
    xml += "  </testsuite>\n</testsuites>\n";
    xml
}

/// Text fit for an XML attribute or element; characters XML 1.0 cannot hold become `?`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out += "&amp;",
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '"' => out += "&quot;",
            '\'' => out += "&apos;",
            '\n' | '\t' | '\r' => out.push(c),
            c if c < ' ' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::results::tests::{outcome, result};
    use super::*;
    use crate::checkers::Verdict;
    use std::time::Duration;

    fn child<'a, 'i>(case: roxmltree::Node<'a, 'i>, tag: &str) -> Option<roxmltree::Node<'a, 'i>> {
        case.children().find(|n| n.has_tag_name(tag))
    }

    #[test]
    fn one_testcase_per_seed_with_failures_and_skips() {
        let bad = vec![
            Verdict::fail("liveness", "no commit by n3 <after> \"heal\" & \u{1}"),
            Verdict::fail("safety", "fork at 7"),
        ];
        let mut sweep = outcome(
            vec![result(4, vec![], "ab"), result(2, bad, "cd")],
            vec![9, 5],
        );
        sweep.plan.budget = Some(Duration::from_secs(60));
        let xml = junit(&sweep);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let suites = doc.root_element();
        assert_eq!(suites.tag_name().name(), "testsuites");
        assert_eq!(suites.attribute("tests"), Some("4"));
        assert_eq!(suites.attribute("failures"), Some("1"));
        assert_eq!(suites.attribute("skipped"), Some("2"));
        let cases: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let names: Vec<_> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
        assert_eq!(names, ["seed 2", "seed 4", "seed 5", "seed 9"]);
        assert_eq!(cases[0].attribute("time"), Some("1.500"));

        let failure = child(cases[0], "failure").expect("seed 2 failed");
        assert_eq!(
            failure.attribute("message"),
            Some("failed: liveness, safety")
        );
        let text = failure.text().unwrap();
        assert!(
            text.contains("liveness: no commit by n3 <after> \"heal\" & ?\nsafety: fork at 7\n"),
            "{text}"
        );
        assert!(
            text.ends_with("replay: cargo run -- scenario scenarios/p.toml --seed 2"),
            "{text}"
        );

        assert!(child(cases[1], "failure").is_none() && child(cases[1], "skipped").is_none());
        let skipped = child(cases[2], "skipped").expect("seed 5 skipped");
        assert_eq!(
            skipped.attribute("message"),
            Some("not run: the time budget 60s was spent")
        );
    }
}
