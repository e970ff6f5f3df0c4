#!/usr/bin/env bash
# Benchmark of the real cluster (4 node processes on this machine): sustained included
# tx/s and submit-to-inclusion latency at rising offered load, ERC-20 transfers, for each
# execution engine; then consensus alone on 512-byte opaque transactions at 1,000 tx/s,
# the setting of the original stack's published HotStuff figure (967 tx/s). Rows go to
# reports/bench/cluster.csv (one per engine and load).
#
# Settings (environment): BENCH_ENGINES ("native vm"), BENCH_RATES ("50 100 200 400"),
# BENCH_SECONDS (20), BENCH_OUT (reports/bench/cluster.csv).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Absolute: the tests run from e2e/, and make exports a relative CARGO_TARGET_DIR.
target="$(realpath -m "${CARGO_TARGET_DIR:-$root/target}")"
export KRAKEN_BIN="${KRAKEN_BIN:-$target/real/debug/kraken}"
export KRAKEN_RUN_DIR="$target/bench-run"
export KRAKEN_RPC_BASE="${KRAKEN_BENCH_RPC_BASE:-9745}"
export KRAKEN_BASE_PORT="${KRAKEN_BENCH_BASE_PORT:-7500}"
export KRAKEN_ACCOUNTS=2000 KRAKEN_LOAD_SECONDS=0 KRAKEN_RESET=1 KRAKEN_PROVER=0 KRAKEN_EXPLORER=0  # the prover would take the cores it measures
engines="${BENCH_ENGINES:-native vm}"
rates="${BENCH_RATES:-50 100 200 400}"
seconds="${BENCH_SECONDS:-20}"
out="${BENCH_OUT:-$root/reports/bench/cluster.csv}"
urls="$(for i in 0 1 2 3; do echo "http://127.0.0.1:$((KRAKEN_RPC_BASE + i))"; done | paste -sd, -)"

mkdir -p "$(dirname "$out")"
rm -f "$out"
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
        "$KRAKEN_BIN" client --rpc "$urls" --config "$KRAKEN_RUN_DIR/node.toml" --mix erc20=1 --rate "$rate" \
            --duration "${seconds}s" --drain 180s --csv "$out" --label "$engine" || echo "(not every accepted transaction was included)"
    done
    bash "$root/scripts/run-local.sh" stop > /dev/null
done
echo "== consensus alone: 512-byte opaque transactions at 1000 tx/s for ${seconds}s =="
KRAKEN_ENGINE=none bash "$root/scripts/run-local.sh" start > /dev/null
"$KRAKEN_BIN" client --committee "$KRAKEN_RUN_DIR/committee.json" --rate 1000 --duration "${seconds}s" --tx-size 512 \
    | tee "$KRAKEN_RUN_DIR/consensus.txt"
echo "== wrote $out =="
column -s, -t < "$out"
