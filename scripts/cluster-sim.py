#!/usr/bin/env python3
"""The simulator beside the real cluster: plays scenarios/cluster-cpu.toml (4 nodes and
the client on one 2-core machine, CPU charged by the calibrated cost model) at each
offered rate the real benchmark ran, and prints both side by side with their ratios, the
saturation throughput of each, and the real cluster's share of the execution ceiling
`cores / (nodes x isolated per-transfer cost at the same block size)`.

Called by scripts/bench-cluster.sh after the real points; it can be run again alone on
the files they left:

  scripts/cluster-sim.py --sim-bin target/debug/kraken --real reports/bench/cluster.csv \\
      --blocks reports/bench/cluster-blocks.csv --phases reports/bench/execution-phases.csv \\
      [--label native] [--seconds 20] [--out reports/bench/cluster-sim.csv]
"""

import argparse
import csv
import json
import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORES, NODES = 2, 4


def sim_point(sim_bin, rate, seconds, workdir):
    """Plays the cluster scenario at `rate` for `seconds`; returns its summary figures."""
    text = (ROOT / "scenarios/cluster-cpu.toml").read_text()
    text = re.sub(r"(?m)^rate = \d+", f"rate = {rate}", text, count=1)
    text = re.sub(r'(?m)^duration = "\d+s"', f'duration = "{seconds}s"', text, count=1)
    text = re.sub(r'(?m)^description = .*', f'description = "cluster-cpu at {rate} tx/s"', text, count=1)
    scenario = Path(workdir) / f"cluster-cpu-{rate}.toml"
    scenario.write_text(text)
    out = Path(workdir) / "reports"
    run = subprocess.run([sim_bin, "scenario", str(scenario), "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    summary_files = list(out.glob(f"cluster-cpu-{rate}/*/summary.json"))
    if not summary_files:
        sys.exit(f"the simulator wrote no report for {rate} tx/s:\n{run.stdout}\n{run.stderr}")
    summary = json.loads(summary_files[0].read_text())
    figures = summary["figures"]
    execution = figures.get("execution")
    if execution is None:
        sys.exit(f"the simulated run at {rate} tx/s executed no block:\n{run.stdout}")
    passed = run.returncode == 0
    return {
        "executed_tps": execution["executed_tps"],
        "p50_ms": execution["p50_ms"],
        "p99_ms": execution["p99_ms"],
        "passed": passed,
    }


def per_tx_ms(phases, block_txs):
    """The isolated executor's ms per transfer at `block_txs` per block, interpolated in
    log(block size) between the measured sizes (clamped at the ends)."""
    points = sorted((int(r["block_txs"]), float(r["total_ms"])) for r in phases)
    if block_txs <= points[0][0]:
        return points[0][1]
    for (b0, c0), (b1, c1) in zip(points, points[1:]):
        if block_txs <= b1:
            w = (math.log(block_txs) - math.log(b0)) / (math.log(b1) - math.log(b0))
            return c0 + w * (c1 - c0)
    return points[-1][1]


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim-bin", required=True, help="the simulator build's kraken binary")
    ap.add_argument("--real", required=True, help="the real points' CSV (kraken client --csv)")
    ap.add_argument("--blocks", required=True, help="blocks committed during each real point's sending (label,offered_tx_s,blocks)")
    ap.add_argument("--phases", required=True, help="execution_bench's phase CSV (isolated per-transfer cost)")
    ap.add_argument("--label", default="native", help="which real rows to compare [native]")
    ap.add_argument("--seconds", type=int, default=20, help="simulated seconds per point [20]")
    ap.add_argument("--out", default=str(ROOT / "reports/bench/cluster-sim.csv"))
    args = ap.parse_args()

    real = [r for r in csv.DictReader(open(args.real)) if r["label"] == args.label]
    if not real:
        sys.exit(f"{args.real} has no rows labelled {args.label}")
    blocks = {(r["label"], r["offered_tx_s"]): int(r["blocks"]) for r in csv.DictReader(open(args.blocks))}
    phases = list(csv.DictReader(open(args.phases)))
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for r in real:
            rate = int(r["offered_tx_s"])
            print(f"== simulator: cluster-cpu at {rate} tx/s for {args.seconds} s", file=sys.stderr, flush=True)
            sim = sim_point(args.sim_bin, rate, args.seconds, work)
            included = float(r["included_tx_s"])
            n_blocks = blocks.get((args.label, r["offered_tx_s"]), 0)
            block_txs = included * float(r["duration_s"]) / n_blocks if n_blocks else float("nan")
            ceiling = CORES / (NODES * per_tx_ms(phases, block_txs) / 1000.0) if n_blocks else float("nan")
            rows.append({
                "offered_tx_s": rate,
                "real_tx_s": included,
                "sim_tx_s": round(sim["executed_tps"], 1),
                "tx_s_sim_over_real": ratio(sim["executed_tps"], included),
                "real_p50_ms": r["p50_ms"],
                "sim_p50_ms": round(sim["p50_ms"] or float("nan")),
                "p50_sim_over_real": ratio(sim["p50_ms"], float(r["p50_ms"])),
                "real_p99_ms": r["p99_ms"],
                "sim_p99_ms": round(sim["p99_ms"] or float("nan")),
                "real_txs_per_block": round(block_txs, 1),
                "ceiling_tx_s": round(ceiling, 1),
                "real_share_of_ceiling": f"{included / ceiling:.2f}" if ceiling == ceiling else "-",
                "sim_checks": "pass" if sim["passed"] else "FAIL",
            })
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    cols = list(rows[0])
    widths = [max(len(c), *(len(str(row[c])) for row in rows)) for c in cols]
    print("  ".join(c.rjust(w) for c, w in zip(cols, widths)))
    for row in rows:
        print("  ".join(str(row[c]).rjust(w) for c, w in zip(cols, widths)))
    real_sat = max(float(r["real_tx_s"]) for r in rows)
    sim_sat = max(float(r["sim_tx_s"]) for r in rows)
    print(f"saturation (best executed tx/s over the points): real {real_sat:.1f}, simulator {sim_sat:.1f}, simulator / real {sim_sat / real_sat:.2f}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
