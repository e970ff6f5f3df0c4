#!/usr/bin/env python3
"""Calibrates the simulator's CPU cost model (src/testbed/cpu_costs.toml) on this machine.

It measures CPU time, never throughput, so the model's predictions of where a cluster
saturates are predictions, not fits:

1. execution and admission: `execution_bench`'s per-transfer profile (release,
   isolated) at 5, 50 and 200 transfers a block, fitted as a part per block and a part
   per transfer; its admission time per transfer;
2. idle: the four nodes of a fresh release cluster (scripts/run-local.sh, Cairo Native,
   2,000 accounts) idle for --idle seconds: their CPU time (from /proc) and blocks;
3. the rest: the same cluster at the two --rates of ERC-20 transfers/s, the higher
   just below saturation (where the simulator's prediction matters most). The nodes' CPU time beyond what 1. explains is solved per node as
   message x peer messages received (/metrics) + rest x transactions over the three
   stretches (least squares); the client's CPU time over the transactions it sent.

Usage: scripts/calibrate-cpu.py [--rates 60,170] [--seconds 30] [--idle 20] [--write]
Without --write it prints the model; with it, it rewrites src/testbed/cpu_costs.toml.
Settings (environment): KRAKEN_BIN (target/real/release/kraken), KRAKEN_EXECUTION_BENCH
(target/real/release/examples/execution_bench).
"""

import argparse
import csv
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")).resolve()
BIN = Path(os.environ.get("KRAKEN_BIN", TARGET / "real/release/kraken"))
BENCH = Path(os.environ.get("KRAKEN_EXECUTION_BENCH", TARGET / "real/release/examples/execution_bench"))
RUN_DIR = TARGET / "calibrate-run"
RPC_BASE, BASE_PORT, NODES = 9845, 7600, 4
TICK = os.sysconf("SC_CLK_TCK")


def say(text):
    print(f"== {text}", file=sys.stderr, flush=True)


def cluster_env():
    env = dict(os.environ)
    env.update(
        KRAKEN_BIN=str(BIN), KRAKEN_RUN_DIR=str(RUN_DIR), KRAKEN_RPC_BASE=str(RPC_BASE), KRAKEN_BASE_PORT=str(BASE_PORT),
        KRAKEN_ACCOUNTS="2000", KRAKEN_LOAD_SECONDS="0", KRAKEN_RESET="1", KRAKEN_PROVER="0", KRAKEN_EXPLORER="0",
        KRAKEN_ENGINE="native",
    )
    return env


def node_pids():
    return [int((RUN_DIR / "pids" / f"node-{i}.pid").read_text()) for i in range(NODES)]


def cpu_seconds(pid):
    """User + system CPU seconds of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def busy_blocks(first, last):
    """How many of blocks first..=last hold transactions (JSON-RPC batches of 500)."""
    busy = 0
    for start in range(first, last + 1, 500):
        batch = [{"jsonrpc": "2.0", "id": n, "method": "starknet_getBlockTransactionCount", "params": [{"block_number": n}]}
                 for n in range(start, min(start + 500, last + 1))]
        req = urllib.request.Request(f"http://127.0.0.1:{RPC_BASE}", data=json.dumps(batch).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            for answer in json.load(r):
                if "result" not in answer:
                    sys.exit(f"block {answer['id']}: {answer.get('error')}")
                busy += answer["result"] > 0
    return busy


def peer_messages():
    """Authenticated peer messages the four nodes have received (their /metrics)."""
    total = 0
    for i in range(NODES):
        with urllib.request.urlopen(f"http://127.0.0.1:{RPC_BASE + i}/metrics", timeout=5) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("kraken_peer_messages_received"):
                    total += int(float(line.split()[-1]))
    return total


def health():
    with urllib.request.urlopen(f"http://127.0.0.1:{RPC_BASE}/health", timeout=5) as r:
        return json.load(r)


def committed_height():
    return health()["committed_height"]


def wait_executed(height, timeout=300):
    """Until node 0 has executed `height` (the JSON-RPC serves executed blocks only, and a
    stretch near saturation ends with committed blocks still to execute)."""
    deadline = time.monotonic() + timeout
    while (health().get("executed_height") or 0) < height:
        if time.monotonic() > deadline:
            sys.exit(f"node 0 had not executed block {height} {timeout} s after committing it")
        time.sleep(0.5)


def isolated_execution():
    """The isolated executor's per-transfer profile (release) at 5, 50 and 200 transfers a
    block: admission in microseconds, and the execution time per block fitted as
    per_block + per_tx x transfers (least squares of ms per transfer = per_tx + per_block / size)."""
    say(f"isolated executor: {BENCH} (release; about a minute)")
    with tempfile.TemporaryDirectory() as tmp:
        phases = Path(tmp) / "phases.csv"
        subprocess.run(
            [str(BENCH), "--blocks", "1", "--block-txs", "10", "--out", str(Path(tmp) / "exec.csv"), "--accounts", "2000",
             "--phase-block-txs", "5,50,200", "--phase-txs", "1000", "--phases-out", str(phases)],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )
        rows = list(csv.DictReader(phases.open()))
    xs = [1.0 / int(r["block_txs"]) for r in rows]
    ys = [float(r["total_ms"]) * 1000.0 for r in rows]
    n, mx, my = len(xs), sum(xs) / len(xs), sum(ys) / len(ys)
    per_block = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    per_tx = my - per_block * mx
    admit = sum(float(r["admit_ms"]) for r in rows) / n * 1000.0
    return admit, per_block, per_tx


def least_squares2(rows, rhs):
    """Solves rows x = rhs for two unknowns in the least-squares sense."""
    a11 = sum(r[0] * r[0] for r in rows)
    a12 = sum(r[0] * r[1] for r in rows)
    a22 = sum(r[1] * r[1] for r in rows)
    b1 = sum(r[0] * y for r, y in zip(rows, rhs))
    b2 = sum(r[1] * y for r, y in zip(rows, rhs))
    d = a11 * a22 - a12 * a12
    if abs(d) < 1e-9:
        sys.exit("the measurements do not separate messages from transactions: choose rates further apart")
    return (b1 * a22 - b2 * a12) / d, (a11 * b2 - a12 * b1) / d


class Point:
    """One measured stretch: its length, the four nodes' CPU seconds, blocks committed,
    peer messages each node received (on average), the blocks holding transactions,
    transactions executed, and the client's transactions sent and CPU seconds."""

    def __init__(self, seconds, node_cpu, blocks, messages, busy, txs, sent, client_cpu):
        self.seconds, self.node_cpu, self.blocks, self.messages, self.busy = seconds, node_cpu, blocks, messages, busy
        self.txs, self.sent, self.client_cpu = txs, sent, client_cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rates", type=lambda v: [int(x) for x in v.split(",")], default=[60, 170],
                    help="two offered loads of ERC-20 transfers/s, the higher just below saturation [60,170]")
    ap.add_argument("--seconds", type=int, default=30, help="seconds of load [30]")
    ap.add_argument("--idle", type=int, default=20, help="seconds of idle cluster [20]")
    ap.add_argument("--write", action="store_true", help="rewrite src/testbed/cpu_costs.toml")
    args = ap.parse_args()
    if len(args.rates) != 2:
        sys.exit("--rates: give two loads, e.g. 40,100")
    for path, how in [(BIN, "make real"), (BENCH, "make bench-execution")]:
        if not path.exists():
            sys.exit(f"no {path}: build it first ({how})")

    admit_us, exec_block_us, exec_tx_us = isolated_execution()
    env = cluster_env()
    run_local = ["bash", str(ROOT / "scripts/run-local.sh")]
    points = []
    try:
        say("fresh release cluster (4 nodes, Cairo Native, 2,000 accounts)")
        subprocess.run(run_local + ["start"], env=env, check=True, stdout=subprocess.DEVNULL)
        urls = ",".join(f"http://127.0.0.1:{RPC_BASE + i}" for i in range(NODES))
        client = [str(BIN), "client", "--rpc", urls, "--config", str(RUN_DIR / "node.toml"), "--mix", "erc20=1"]
        say("warm-up: 20 tx/s for 5 s (Cairo Native compiles each class on first use)")
        subprocess.run(client + ["--rate", "20", "--duration", "5s", "--drain", "20s"], env=env, check=True, stdout=subprocess.DEVNULL)

        say(f"idle for {args.idle} s")
        pids = node_pids()
        t0, cpu0, h0, m0 = time.monotonic(), sum(cpu_seconds(p) for p in pids), committed_height(), peer_messages()
        time.sleep(args.idle)
        h1, m1 = committed_height(), peer_messages()
        wait_executed(h1)
        points.append(Point(time.monotonic() - t0, sum(cpu_seconds(p) for p in pids) - cpu0, h1 - h0, (m1 - m0) / NODES,
                            busy_blocks(h0 + 1, h1), 0, 0, 0.0))

        for rate in args.rates:
            say(f"{rate} ERC-20 transfers/s for {args.seconds} s")
            t0, cpu0, h0, m0 = time.monotonic(), sum(cpu_seconds(p) for p in pids), committed_height(), peer_messages()
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "load.csv"
                proc = subprocess.Popen(
                    client + ["--rate", str(rate), "--duration", f"{args.seconds}s", "--drain", "60s", "--csv", str(out), "--label", "calibrate"],
                    env=env, stdout=subprocess.DEVNULL,
                )
                _, status, usage = os.wait4(proc.pid, 0)
                if os.waitstatus_to_exitcode(status) != 0:
                    sys.exit("the load client failed (not every transaction was included?)")
                row = next(csv.DictReader(out.open()))
            seconds, node_cpu, h1 = time.monotonic() - t0, sum(cpu_seconds(p) for p in pids) - cpu0, committed_height()
            messages = peer_messages()
            wait_executed(h1)
            points.append(Point(seconds, node_cpu, h1 - h0, (messages - m0) / NODES, busy_blocks(h0 + 1, h1),
                                int(row["included"]), int(row["sent"]), usage.ru_utime + usage.ru_stime))
    finally:
        subprocess.run(run_local + ["stop"], env=env, stdout=subprocess.DEVNULL)

    # Per node, what execution does not explain (the isolated executor's time for the
    # blocks and transactions, and the admissions: one node screens each transaction) is
    # message x peer messages + rest x transactions, solved over the three stretches.
    rows = [[p.messages, p.txs] for p in points]
    rhs = [(p.node_cpu / NODES - (p.busy * exec_block_us + p.txs * exec_tx_us + p.txs * admit_us / NODES) / 1e6) for p in points]
    message_us, rest_us = (x * 1e6 for x in least_squares2(rows, rhs))
    if message_us <= 0 or exec_block_us <= 0:
        sys.exit(f"per message {message_us:.0f} us, per block of transactions {exec_block_us:.0f} us: too noisy, use a longer --seconds")
    busy_block_us, tx_us = exec_block_us, exec_tx_us + rest_us
    loaded = points[1:]
    client_tx_us = sum(p.client_cpu for p in loaded) / sum(p.sent for p in loaded) * 1e6
    raw = "\n".join(
        f"#   {p.seconds:.1f} s: {p.node_cpu:.2f} node-CPU-s, {p.messages:.0f} peer messages per node, {p.blocks} blocks "
        f"({p.busy} with transactions), {p.txs} transactions executed"
        + (f", client {p.client_cpu:.2f} CPU-s for {p.sent} sent" if p.sent else " (idle)")
        for p in points
    )
    cpu_name = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    model = f"""# The simulator's CPU cost model (src/testbed/cpu.rs): microseconds of one core.
# Calibrated {datetime.date.today()} on {os.cpu_count()} x {cpu_name} by
#   make calibrate-cpu    (scripts/calibrate-cpu.py --rates {",".join(map(str, args.rates))} --seconds {args.seconds} --idle {args.idle} --write)
# release build, Cairo Native, ERC-20 transfers, 4 nodes and the client on this machine.
# The isolated executor (release, ERC-20 transfers at 5, 50 and 200 a block) gives a block
# with transactions {exec_block_us:.0f} us + {exec_tx_us:.0f} us per transfer, and the admission.
# The nodes' CPU beyond that is solved per node as message_us x peer messages +
# {rest_us:.0f} us x transactions over these stretches (the four nodes together):
{raw}

# Each node, per authenticated peer message (proposals, votes, batches, attestations):
# its signatures and handling; with them, everything a block costs whatever it holds.
message_us = {message_us:.0f}
# Each node, per block with transactions, beyond that: the upper levels of the state
# tries, the block hash (the isolated executor's fixed part per block).
busy_block_us = {busy_block_us:.0f}
# Each node, per transaction: executing it (the isolated executor's part per transfer),
# and the rest: the store, the JSON-RPC it serves, its batches, what it costs consensus.
tx_us = {tx_us:.0f}
# The node that screens a submission (`__validate__`), per transaction (isolated bench).
admit_us = {admit_us:.0f}
# The load client per transaction sent: signing, submitting and polling receipts.
client_tx_us = {client_tx_us:.0f}
"""
    print(model)
    if args.write:
        path = ROOT / "src/testbed/cpu_costs.toml"
        path.write_text(model)
        say(f"wrote {path}")


if __name__ == "__main__":
    main()
