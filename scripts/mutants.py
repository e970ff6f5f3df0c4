#!/usr/bin/env python3
"""Mutation testing of consensus and the mempool: seeds one bug at a time into the source,
rebuilds the simulator binary, and asks five detectors whether they notice:

  scenarios  the shipped scenarios the sim tests play, each at its own seed
  nemesis    `kraken sweep scenarios/nemesis.toml --seeds 1..4` (what make test sweeps)
  twins      `kraken twins` (all 64 schedules of scenarios/twins-generated.toml)
  byzantine  `kraken sweep scenarios/byzantine{,-timeouts}.toml --seeds 1..4` (n3 runs every
             strategy; then n3 after n2's timed-out rounds)
  unit       the consensus and mempool unit tests (`cargo test -p kraken --lib consensus::
             mempool::`: the core driven message by message, restarts included)
  twins-deep for a mutant the five above miss: 200 schedules of 3 rounds, any leader,
             any partition into two groups (`kraken twins --rounds 3 ... --sample 200`)

A mutant is an exact text replacement kept here, never in the shipped code; the file is
restored after each one (and on any error). A replacement that no longer matches the
source fails the run, so this list keeps up with the code. Writes
reports/mutants/mutants.csv and prints a Markdown table.

Usage: scripts/mutants.py [--only NAME[,NAME...]] [--jobs N] [--check]
(--check only checks that every mutant's text is in its file once; make test runs it)
"""

import argparse
import csv
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
KRAKEN = TARGET / "debug" / "kraken"
OUT = ROOT / "reports" / "mutants"

# (name, file, original text, mutated text, what the bug is)
MUTANTS = [
    ("commit-any-2-chain", "src/consensus/core.rs",
     "if b0.round + 1 != b1.round {", "if b0.round >= b1.round {",
     "commits a block certified by a child of any later round, not only the next"),
    ("vote-ignores-tc-high-qc", "src/consensus/messages.rs",
     "qc.round >= self.max_high_qc_round()", "true",
     "after a timeout, votes for a block that does not extend the highest QC in the TC"),
    ("vote-twice-in-a-round", "src/consensus/safety.rs",
     "let fresh = b.round > self.state.last_voted_round;", "let fresh = b.round >= self.state.last_voted_round;",
     "votes again in the round it last voted in"),
    ("qc-quorum-minus-one", "src/consensus/messages.rs",
     "if signers >= committee.quorum() {", "if signers + 1 >= committee.quorum() {",
     "accepts certificates one signature short of a quorum"),
    ("aggregator-qc-one-early", "src/consensus/aggregator.rs",
     "signers.len() != quorum {", "signers.len() + 1 != quorum {",
     "forms a QC one vote early"),
    ("aggregator-tc-one-early", "src/consensus/aggregator.rs",
     "(fresh && n == quorum)", "(fresh && n + 1 == quorum)",
     "forms a TC one timeout early"),
    ("no-leader-check", "src/consensus/core.rs",
     "Some(leader) if leader != b.author =>", "Some(leader) if false && leader != b.author =>",
     "accepts a proposal from any member, not only the round's leader"),
    ("no-persist-before-vote", "src/consensus/core.rs",
     "self.safety.record(b.round);\n        self.persist_safety();\n        let vote",
     "self.safety.record(b.round);\n        let vote",
     "votes before its voting state is on disk (a restart may vote twice)"),
    ("no-timeout-join", "src/consensus/core.rs",
     "if round == self.round && count > self.committee.f() && self.timed_out < round {", "if false {",
     "never joins a round's timeout on f + 1 timeouts of others"),
    ("timeouts-tc-ignored", "src/consensus/core.rs",
     "if let Some(tc) = &t.last_tc {\n            self.process_tc(tc)?;\n        }", "",
     "ignores the TC a timeout carries (a node left in an earlier round stays there)"),
    ("no-timeout-resend", "src/consensus/core.rs",
     "if let Some(t) = self.my_timeout.clone() {", "if let Some(t) = self.my_timeout.clone().filter(|_| false) {",
     "sends its timeout once, never again while stuck"),
    ("mempool-admits-committed", "src/mempool/api.rs",
     "Ok(true) => Err(Rejection::duplicate(\"duplicate: transaction already committed\")),", "Ok(true) => Ok(()),",
     "admits a transaction that is already committed"),
    ("commit-no-tx-dedup", "src/consensus/commit.rs",
     "if txs_seen.insert(id) && !r.contains(Table::CommittedTxs, &id.0)? {", "if txs_seen.insert(id) | true {",
     "commits a transaction again when a second batch carries it"),
]

# The shipped scenarios the sim tests play (tests/sim_scenarios.rs, tests/sim_twins.rs),
# at their own seeds.
SCENARIOS = ["healthy", "partition", "crash-restart", "lossy", "twins", "split-6", "disk-faults", "twins-commit-rule",
             "twins-crash-after-vote"]


def run(cmd, timeout):
    """(caught, seconds): caught when the command fails or runs out of time."""
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
        caught = done.returncode != 0
    except subprocess.TimeoutExpired:
        caught = True
    return caught, time.monotonic() - start


def detectors(jobs):
    scenarios = [[str(KRAKEN), "scenario", f"scenarios/{s}.toml", "--out", str(OUT / "runs")] for s in SCENARIOS]
    return [
        ("scenarios", scenarios),
        ("nemesis", [[str(KRAKEN), "sweep", "scenarios/nemesis.toml", "--seeds", "1..4", "--jobs", str(jobs)]]),
        ("twins", [[str(KRAKEN), "twins", "--jobs", str(jobs), "--out", str(OUT / "twins")]]),
        ("byzantine", [[str(KRAKEN), "sweep", f"scenarios/{s}.toml", "--seeds", "1..4", "--jobs", str(jobs)]
                       for s in ("byzantine", "byzantine-timeouts")]),
        ("unit", [["cargo", "test", "-p", "kraken", "--lib", "--", "consensus::", "mempool::"]]),
    ]


def deep(jobs, sample):
    return [[str(KRAKEN), "twins", "--rounds", "3", "--leaders", "n0,n1,n2,n3", "--apart", "false",
             "--sample", str(sample), "--jobs", str(jobs), "--out", str(OUT / "twins-deep")]]


def detect(commands):
    """Runs the commands until one catches the mutant: (caught, seconds)."""
    total = 0.0
    for cmd in commands:
        caught, seconds = run(cmd, timeout=900)
        total += seconds
        if caught:
            return True, total
    return False, total


def build():
    return subprocess.run(["cargo", "build", "--bin", "kraken"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated mutant names")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the nemesis sweep and twins [2]")
    parser.add_argument("--deep-sample", type=int, default=200, help="schedules twins-deep plays [200]")
    parser.add_argument("--check", action="store_true", help="only check that each mutant's original text is in its file once")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.only or m[0] in args.only.split(",")]
    if not chosen:
        sys.exit(f"--only {args.only}: no such mutant (known: {', '.join(m[0] for m in MUTANTS)})")
    for name, path, original, _, _ in chosen:
        text = (ROOT / path).read_text()
        if text.count(original) != 1:
            sys.exit(f"mutant {name}: {path} holds its original text {text.count(original)} times, not once; update scripts/mutants.py")
    if args.check:
        print(f"mutants: the text of all {len(chosen)} mutants is in place")
        return
    dirty = subprocess.run(["git", "diff", "--quiet", "--", *sorted({m[1] for m in chosen})], cwd=ROOT).returncode
    if dirty:
        sys.exit("the files to mutate have uncommitted changes; commit or stash them first")
    OUT.mkdir(parents=True, exist_ok=True)
    fields = ["mutant", "file", "bug", "scenarios", "scenarios_s", "nemesis", "nemesis_s", "twins", "twins_s", "byzantine", "byzantine_s", "unit", "unit_s", "twins-deep", "twins-deep_s"]
    table = open(OUT / "mutants.csv", "w", newline="")
    writer = csv.DictWriter(table, fieldnames=fields)
    writer.writeheader()
    rows = []
    for i, (name, path, original, mutated, what) in enumerate(chosen, 1):
        file = ROOT / path
        text = file.read_text()
        print(f"[{i}/{len(chosen)}] {name}: {what}", flush=True)
        try:
            file.write_text(text.replace(original, mutated))
            built = build()
            if built.returncode != 0:
                file.write_text(text)
                sys.exit(f"mutant {name} does not build (fix its text in scripts/mutants.py):\n{built.stderr[-3000:]}")
            row = {"mutant": name, "file": path, "bug": what}
            for detector, commands in detectors(args.jobs):
                caught, seconds = detect(commands)
                row[detector] = "caught" if caught else "missed"
                row[f"{detector}_s"] = f"{seconds:.0f}"
                print(f"    {detector:9} {row[detector]} ({seconds:.0f} s)", flush=True)
            row["twins-deep"], row["twins-deep_s"] = "-", ""
            if all(row[d] == "missed" for d in ("scenarios", "nemesis", "twins", "byzantine", "unit")):
                caught, seconds = detect(deep(args.jobs, args.deep_sample))
                row["twins-deep"], row["twins-deep_s"] = ("caught" if caught else "missed"), f"{seconds:.0f}"
                print(f"    twins-deep {row['twins-deep']} ({seconds:.0f} s)", flush=True)
            rows.append(row)
            # Row by row, so an interrupted run keeps what it measured.
            writer.writerow(row)
            table.flush()
        finally:
            file.write_text(text)
    table.close()
    if build().returncode != 0:
        sys.exit("the restored source does not build")
    print("\n| mutant | bug | scenarios | nemesis | twins | byzantine | unit | twins-deep |\n|---|---|---|---|---|---|---|---|")
    for r in rows:
        cell = lambda d: f"{r[d]} ({r[d + '_s']} s)" if r[d + "_s"] else r[d]
        print(f"| `{r['mutant']}` | {r['bug']} | {cell('scenarios')} | {cell('nemesis')} | {cell('twins')} | {cell('byzantine')} | {cell('unit')} | {cell('twins-deep')} |")
    print(f"\n{OUT / 'mutants.csv'}")


if __name__ == "__main__":
    main()
