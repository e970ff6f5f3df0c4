#!/usr/bin/env bash
# Benchmark of the real cluster (4 node processes on this machine): sustained included
# tx/s and submit-to-inclusion latency at rising offered load, ERC-20 transfers, for each
# execution engine; then consensus alone on 512-byte opaque transactions at 1,000 tx/s,
# the setting of the original stack's published HotStuff figure (967 tx/s). Rows go to
# reports/bench/cluster.csv (one per engine and load), the blocks each point committed
# while sending to reports/bench/cluster-blocks.csv. Then the simulator plays the same
# points on a 2-core machine whose CPU it charges (scripts/cluster-sim.py), and the two
# are printed side by side with the execution ceiling from the isolated executor
# (reports/bench/execution-phases.csv, `make bench-execution`).
#
# Settings (environment): KRAKEN_BIN (the release build, target/real/release/kraken),
# KRAKEN_SIM_BIN (the simulator build, target/debug/kraken; empty skips the simulator),
# BENCH_ENGINES ("native vm"), BENCH_RATES ("50 100 150 200 300"), BENCH_SECONDS (20),
# BENCH_OUT (reports/bench/cluster.csv); run-local.sh's node parameters (KRAKEN_MIN_BLOCK_MS,
# KRAKEN_EMPTY_BLOCK_MS, KRAKEN_BATCH_DELAY_MS) pass through to the cluster.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Absolute: the tests run from e2e/, and make exports a relative CARGO_TARGET_DIR.
target="$(realpath -m "${CARGO_TARGET_DIR:-$root/target}")"
export KRAKEN_BIN="${KRAKEN_BIN:-$target/real/release/kraken}"
sim_bin="${KRAKEN_SIM_BIN-$target/debug/kraken}"
export KRAKEN_RUN_DIR="$target/bench-run"
export KRAKEN_RPC_BASE="${KRAKEN_BENCH_RPC_BASE:-9745}"
export KRAKEN_BASE_PORT="${KRAKEN_BENCH_BASE_PORT:-7500}"
export KRAKEN_ACCOUNTS=2000 KRAKEN_LOAD_SECONDS=0 KRAKEN_RESET=1 KRAKEN_PROVER=0 KRAKEN_EXPLORER=0  # the prover would take the cores it measures
engines="${BENCH_ENGINES:-native vm}"
rates="${BENCH_RATES:-50 100 150 200 300}"
seconds="${BENCH_SECONDS:-20}"
out="${BENCH_OUT:-$root/reports/bench/cluster.csv}"
blocks_out="$(dirname "$out")/cluster-blocks.csv"
phases="$root/reports/bench/execution-phases.csv"
urls="$(for i in 0 1 2 3; do echo "http://127.0.0.1:$((KRAKEN_RPC_BASE + i))"; done | paste -sd, -)"

mkdir -p "$(dirname "$out")"
rm -f "$out"
echo "label,offered_tx_s,blocks" > "$blocks_out"
height() { curl -s --max-time 5 "http://127.0.0.1:$KRAKEN_RPC_BASE/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["committed_height"])'; }
trap 'bash "$root/scripts/run-local.sh" stop > /dev/null' EXIT
for engine in $engines; do
    echo "== $engine: fresh cluster =="
    KRAKEN_ENGINE="$engine" bash "$root/scripts/run-local.sh" start > /dev/null
    # Warm-up, not measured: consensus settles and Cairo Native compiles each class on first use.
    "$KRAKEN_BIN" client --rpc "$urls" --config "$KRAKEN_RUN_DIR/node.toml" --rate 20 --duration 5s > /dev/null 2>&1 || true
    for rate in $rates; do
        echo "== $engine: ERC-20 transfers at $rate tx/s for ${seconds}s =="
        # A long drain: the next point must not start while this one's backlog still
        # executes (its clients would read nonces the backlog then uses). The rate counts
        # receipts seen while sending, so the drain does not change it.
        # The blocks committed while sending give the points' block size (the ceiling's).
        before="$(height)"
        (sleep "$seconds"; echo "$engine,$rate,$(( $(height) - before ))" >> "$blocks_out") &
        "$KRAKEN_BIN" client --rpc "$urls" --config "$KRAKEN_RUN_DIR/node.toml" --mix erc20=1 --rate "$rate" \
            --duration "${seconds}s" --drain 180s --csv "$out" --label "$engine" || echo "(not every accepted transaction was included)"
        wait
    done
    bash "$root/scripts/run-local.sh" stop > /dev/null
done
echo "== consensus alone: 512-byte opaque transactions at 1000 tx/s for ${seconds}s =="
KRAKEN_ENGINE=none bash "$root/scripts/run-local.sh" start > /dev/null
"$KRAKEN_BIN" client --committee "$KRAKEN_RUN_DIR/committee.json" --rate 1000 --duration "${seconds}s" --tx-size 512 \
    | tee "$KRAKEN_RUN_DIR/consensus.txt"
echo "== wrote $out =="
column -s, -t < "$out"
if [[ -n "$sim_bin" && " $engines " == *" native "* ]]; then
    [[ -f "$phases" ]] || { echo "no $phases: run make bench-execution first (the ceiling needs it)" >&2; exit 1; }
    echo "== the simulator at the same points (scenarios/cluster-cpu.toml, CPU charged) =="
    python3 "$root/scripts/cluster-sim.py" --sim-bin "$sim_bin" --real "$out" --blocks "$blocks_out" --phases "$phases" \
        --label native --seconds "$seconds" --out "$(dirname "$out")/cluster-sim.csv"
fi
