//! Scenario text from anywhere: random strings, and the shipped scenarios with lines
//! deleted, repeated, swapped, rekeyed or given absurd numbers. Each is refused with a
//! message naming its origin and line, or accepted within the simulator's bounds;
//! parsing never panics and nothing it accepts asks for unbounded memory.

use super::*;
use proptest::prelude::*;
use std::path::PathBuf;

const ORIGIN: &str = "scenarios/fuzzed.toml";

/// Every shipped scenario, so a new one is fuzzed as soon as it lands.
fn shipped() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    texts.sort();
    texts
}

fn check(text: &str) {
    match Scenario::from_str(text, ORIGIN) {
        Ok(s) => {
            assert!(
                (4..=100).contains(&s.committee_size),
                "{}",
                s.committee_size
            );
            assert!(!s.duration.is_zero() && s.duration <= MAX_DURATION);
            assert!(s.load.offered(s.duration) <= MAX_OFFERED);
            assert!(s.load.tx_size as i64 <= MAX_TX_SIZE);
            assert!(s.twins.len() <= s.f());
            // What a run derives from a scenario before it starts.
            assert_eq!(s.copies().len(), s.committee_size + s.twins.len());
            let played = s.for_seed(s.seed);
            assert!(played.last_heal() <= s.duration);
            for f in &played.faults {
                assert!(!f.action.to_string().is_empty());
            }
        }
        Err(e) => {
            let message = e.to_string();
            let rest = message
                .strip_prefix(ORIGIN)
                .unwrap_or_else(|| panic!("no origin: {message}"));
            let (line, what) = rest
                .trim_start_matches(':')
                .split_once(": ")
                .unwrap_or_else(|| panic!("no line: {message}"));
            let line: usize = line
                .parse()
                .unwrap_or_else(|_| panic!("no line: {message}"));
            let lines = text.split('\n').count();
            assert!(
                (1..=lines).contains(&line),
                "line {line} of {lines}: {message}"
            );
            assert!(!what.trim().is_empty(), "{message}");
        }
    }
}

/// toml leaves the message of some errors empty; ours still says what is wrong, where.
#[test]
fn a_key_without_a_value_is_named() {
    let e = Scenario::from_str("a=", "fuzzed.toml").unwrap_err().to_string();
    assert!(e.starts_with("fuzzed.toml:1: ") && e.contains("not valid TOML"), "{e}");
}

#[test]
fn shipped_scenarios_parse() {
    let texts = shipped();
    assert!(texts.len() >= 5, "found {} scenarios", texts.len());
    for text in &texts {
        Scenario::from_str(text, ORIGIN).unwrap();
    }
}

/// Values that break naive parsers: past every integer width, signs, floats at their
/// edges, things that are not numbers at all.
const ABSURD: [&str; 14] = [
    "18446744073709551616",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "-1",
    "0",
    "1e308",
    "-1e308",
    "1e-320",
    "inf",
    "nan",
    "99999999999999999999999999",
    "0.000001",
    "4294967296",
];

/// Keys of the schema, to move a value where a different one is expected.
const KEYS: [&str; 22] = [
    "name",
    "description",
    "seed",
    "duration",
    "size",
    "latency",
    "loss",
    "rate",
    "phases",
    "tx_size",
    "mix",
    "nodes",
    "at",
    "partition",
    "heal",
    "cut",
    "crash",
    "restart",
    "pause",
    "resume",
    "network",
    "liveness_within",
];

/// Whole lines a careless edit could add.
const LINES: [&str; 14] = [
    "[committee]\nsize = 1000000",
    "size = 4294967300",
    "rate = 1e300",
    "rate = 1e-300",
    "tx_size = 9223372036854775807",
    "duration = \"1000000h\"",
    "duration = \"0.0000001us\"",
    "[[faults]]\nat = \"0s\"\nheal = true",
    "[[faults]]\nat = \"1s\"\ncrash = \"n99\"",
    "[twins]\nnodes = [\"n0\", \"n1\", \"n0\"]",
    "[load]\nphases = []",
    "latency = { min = \"1h\", max = \"1us\" }",
    "mix = { fib = 18446744073709551615, erc20 = 18446744073709551615 }",
    "[node]\nconsensus = { timeout_ms = 18446744073709551615 }",
];

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    /// Every number on the line becomes this text.
    Numbers(usize, &'static str),
    /// The line's key becomes this one.
    Rekey(usize, &'static str),
    Insert(usize, &'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<usize>;
    prop_oneof![
        1 => at().prop_map(Edit::Delete),
        1 => at().prop_map(Edit::Duplicate),
        1 => (at(), at()).prop_map(|(a, b)| Edit::Swap(a, b)),
        3 => (at(), prop::sample::select(ABSURD.to_vec())).prop_map(|(a, n)| Edit::Numbers(a, n)),
        2 => (at(), prop::sample::select(KEYS.to_vec())).prop_map(|(a, k)| Edit::Rekey(a, k)),
        1 => (at(), prop::sample::select(LINES.to_vec())).prop_map(|(a, l)| Edit::Insert(a, l)),
    ]
}

/// Replaces each run of digits (with its sign, point and exponent) by `to`.
fn replace_numbers(line: &str, to: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            while chars
                .peek()
                .is_some_and(|c| c.is_ascii_digit() || ".eE".contains(*c))
            {
                chars.next();
            }
            out.push_str(to);
        } else {
            out.push(c);
        }
    }
    out
}

fn apply(lines: &mut Vec<String>, edit: &Edit) {
    let n = lines.len().max(1);
    match *edit {
        Edit::Delete(i) if !lines.is_empty() => drop(lines.remove(i % n)),
        Edit::Duplicate(i) if !lines.is_empty() => lines.insert(i % n, lines[i % n].clone()),
        Edit::Swap(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
        Edit::Numbers(i, to) if !lines.is_empty() => {
            lines[i % n] = replace_numbers(&lines[i % n], to)
        }
        Edit::Rekey(i, key) if !lines.is_empty() => {
            if let Some((_, value)) = lines[i % n].split_once('=') {
                lines[i % n] = format!("{key} ={value}");
            }
        }
        Edit::Insert(i, line) => lines.insert(i % (lines.len() + 1), line.to_string()),
        _ => {}
    }
}

fn edited() -> impl Strategy<Value = String> {
    (
        prop::sample::select(shipped()),
        prop::collection::vec(edit(), 1..=4),
    )
        .prop_map(|(text, edits)| {
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            for e in &edits {
                apply(&mut lines, e);
            }
            lines.join("\n")
        })
}

/// Random lines over the schema's tables and keys: valid TOML far more often than
/// random text, so the semantic checks get exercised too.
fn tomlish() -> impl Strategy<Value = String> {
    let header = prop::sample::select(vec![
        "[scenario]",
        "[committee]",
        "[network]",
        "[load]",
        "[twins]",
        "[[faults]]",
        "[checks]",
        "[node]",
    ]);
    let value = prop_oneof![
        prop::sample::select(ABSURD.to_vec()).prop_map(String::from),
        "\"[0-9]{1,4}(us|ms|s|m|h)\"",
        "\"n[0-9]'?\"",
        Just("[[\"n0\", \"n1\"], [\"n2\", \"n3\"]]".to_string()),
        Just("{ min = \"1ms\", max = \"2ms\" }".to_string()),
        Just("true".to_string()),
    ];
    let line = prop_oneof![
        header.prop_map(String::from),
        (prop::sample::select(KEYS.to_vec()), value).prop_map(|(k, v)| format!("{k} = {v}")),
    ];
    prop::collection::vec(line, 0..24)
        .prop_map(|lines| format!("[scenario]\nduration = \"60s\"\n{}", lines.join("\n")))
}

#[test]
fn nesting_far_past_the_toml_limit_is_refused() {
    let deep = 100_000;
    for text in [
        format!("[node]\na = {}{}", "[".repeat(deep), "]".repeat(deep)),
        format!(
            "[node]\na = {}1{}",
            "{ a = ".repeat(deep),
            " }".repeat(deep)
        ),
        format!("[node]\n{}a = 1", "a.".repeat(deep)),
        format!("[{}a]\nb = 1", "node.".repeat(deep)),
    ] {
        let head: String = text.chars().take(30).collect();
        let message = Scenario::from_str(&format!("[scenario]\nduration = \"1s\"\n{text}"), ORIGIN)
            .err()
            .map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.starts_with(ORIGIN)), "{head}...");
    }
}

#[test]
fn absurd_sizes_are_refused() {
    let base = "[scenario]\nduration = \"60s\"\n";
    for (extra, key) in [
        ("[committee]\nsize = 1000000", "committee.size"),
        ("[committee]\nsize = -9223372036854775808", "committee.size"),
        ("[load]\nrate = 1e300", "load.rate"),
        ("[load]\nrate = 1000000", "load.rate"),
        (
            "[load]\nphases = [{ at = \"0s\", rate = 1 }, { at = \"1s\", rate = 1e12 }]",
            "load.phases",
        ),
        (
            "[load]\nrate = 1\ntx_size = 9223372036854775807",
            "load.tx_size",
        ),
    ] {
        let message = Scenario::from_str(&format!("{base}{extra}"), ORIGIN)
            .unwrap_err()
            .to_string();
        assert!(message.contains(key), "{extra}: {message}");
    }
    for duration in ["25h", "1000000h", "99999999999999999999999h"] {
        let message = Scenario::from_str(&format!("[scenario]\nduration = \"{duration}\""), ORIGIN)
            .unwrap_err()
            .to_string();
        assert!(message.contains("scenario.duration"), "{message}");
    }
    // A vanishing rate is accepted (it sends once) and bounded like any other.
    let slow = Scenario::from_str(&format!("{base}[load]\nrate = 1e-300"), ORIGIN).unwrap();
    assert_eq!(slow.load.send_times(slow.duration).len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn edited_shipped_scenarios_never_panic(text in edited()) {
        check(&text);
    }

    #[test]
    fn schema_shaped_text_never_panics(text in tomlish()) {
        check(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        check(&text);
    }
}
