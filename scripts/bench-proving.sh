#!/usr/bin/env bash
# Does the simulator predict proving? The same chain settings, load and prover (workers,
# blocks per proof, as many proving threads as workers: the cost model's setting) on the real
# 4-node cluster with `kraken prover`, and in the simulator with the same scenario; proof
# throughput (blocks proved per second) and commit-to-proof latency side by side, for each
# offered load. Rows go to reports/bench/proving.csv, one per world and load.
#
# Latency: in the simulator from the first honest commit of a range's last block to its
# proof stored; on the cluster from the prover first seeing that block (proof.json's
# seen_at_ms) to the proof made (proved_at_ms), which starts up to one poll (0.5 s) after
# the commit.
#
# The cost model was calibrated on one machine; before the runs, ~30 s of isolated proving
# on this one (`kraken bench-prove-blocks --sizes 2,4,10 --threads 1`, nothing else
# running) measures its speed against the model, and the scenario charges that
# (`[prover] cost_scale`). Proving on the loaded cluster is not what is calibrated.
#
# Settings (environment): BENCH_RATES ("1 4"), BENCH_SECONDS (60), BENCH_WORKERS (2),
# BENCH_BLOCKS_PER_PROOF (4), BENCH_COST_SCALE (measured unless set),
# BENCH_OUT (reports/bench/proving.csv).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$(realpath -m "${CARGO_TARGET_DIR:-$root/target}")"
real_bin="$target/real/debug/kraken"
sim_bin="$target/debug/kraken"
work="$target/bench-proving"
export KRAKEN_BIN="$real_bin" KRAKEN_RUN_DIR="$work/cluster"
export KRAKEN_RPC_BASE="${KRAKEN_BENCH_RPC_BASE:-9845}" KRAKEN_BASE_PORT="${KRAKEN_BENCH_BASE_PORT:-7700}"
export KRAKEN_ACCOUNTS=256 KRAKEN_LOAD_SECONDS=0 KRAKEN_RESET=1 KRAKEN_PROVER=0 KRAKEN_EXPLORER=0
# Fewer, fuller blocks, as in scenarios/proving.toml.
export KRAKEN_EMPTY_BLOCK_MS=3000 KRAKEN_BATCH_DELAY_MS=2000
rates="${BENCH_RATES:-1 4}"
seconds="${BENCH_SECONDS:-60}"
workers="${BENCH_WORKERS:-2}"
k="${BENCH_BLOCKS_PER_PROOF:-4}"
out="${BENCH_OUT:-$root/reports/bench/proving.csv}"
urls="$(for i in 0 1 2 3; do echo "http://127.0.0.1:$((KRAKEN_RPC_BASE + i))"; done | paste -sd, -)"
for b in "$real_bin" "$sim_bin"; do
    [[ -x "$b" ]] || { echo "bench-proving: no $b (make bench-proving builds both)" >&2; exit 2; }
done

# proofs.csv-like rows (first,last,latency_ms,proved_s) -> "blocks_proved,blocks_per_s,p50_s,p99_s"
stats() {
    python3 -c '
import sys
rows = [l.split(",") for l in sys.stdin.read().split() if l]
seconds = float(sys.argv[1])
lat = sorted(float(r[2]) / 1000 for r in rows if r[2])
blocks = sum(int(r[1]) - int(r[0]) + 1 for r in rows)
pct = lambda p: lat[min(len(lat), max(1, -(-len(lat) * p // 100))) - 1] if lat else float("nan")
print(f"{blocks},{blocks / seconds:.3f},{pct(50):.2f},{pct(99):.2f}")
' "$1"
}

mkdir -p "$work" "$(dirname "$out")"
scale="${BENCH_COST_SCALE:-}"
if [[ -z "$scale" ]]; then
    echo "== calibration: isolated proving on this machine against the cost model =="
    "$real_bin" bench-prove-blocks --sizes 2,4,10 --threads 1 --out "$work/calibration.csv" | tee "$work/calibration.log"
    scale="$(sed -n 's/^cost_scale = \([0-9.]*\).*/\1/p' "$work/calibration.log")"
    [[ -n "$scale" ]] || { echo "bench-proving: the calibration printed no cost_scale (see $work/calibration.log)" >&2; exit 1; }
fi
echo "== the simulator charges $scale x the cost model's proving time =="
echo "world,rate,seconds,workers,blocks_per_proof,cost_scale,blocks_proved,proved_blocks_per_s,latency_p50_s,latency_p99_s" > "$out"
trap 'bash "$root/scripts/run-local.sh" stop > /dev/null; [[ -n "${prover_pid:-}" ]] && kill "$prover_pid" 2> /dev/null || true' EXIT
for rate in $rates; do
    echo "== simulator: $rate tx/s for ${seconds}s, $workers worker(s), $k blocks a proof =="
    cat > "$work/bench-proving.toml" <<TOML
[scenario]
name = "bench-proving"
description = "make bench-proving: the simulator's side"
seed = 1
duration = "${seconds}s"
[network]
latency = { min = "1ms", max = "2ms" }
[load]
rate = $rate
mix = { fib = 1, fact = 1, erc20 = 2 }
[node.consensus]
empty_block_ms = $KRAKEN_EMPTY_BLOCK_MS
[node.mempool]
batch_delay_ms = $KRAKEN_BATCH_DELAY_MS
[node.execution]
engine = "native"
genesis = { accounts = $KRAKEN_ACCOUNTS }
[prover]
workers = $workers
blocks_per_proof = $k
cost_scale = $scale
TOML
    "$sim_bin" scenario "$work/bench-proving.toml" --out "$work/sim" 2> "$work/sim.log" | grep -E "^(PASS|FAIL)|proofs:" || true
    sim="$(tail -n +2 "$work/sim/bench-proving/1/proofs.csv" | awk -F, '{ print $1 "," $2 "," $8 }' | stats "$seconds")"
    echo "sim,$rate,$seconds,$workers,$k,$scale,$sim" >> "$out"

    echo "== real cluster: the same, kraken prover --workers $workers --threads $workers =="
    bash "$root/scripts/run-local.sh" start > "$work/cluster.log"
    # Warm-up, not measured: Cairo Native compiles each class on first use.
    "$real_bin" client --rpc "$urls" --config "$KRAKEN_RUN_DIR/node.toml" --rate 2 --duration 5s > /dev/null 2>&1 || true
    tip="$(curl -sf -X POST "http://127.0.0.1:$KRAKEN_RPC_BASE" -H 'content-type: application/json' \
        -d '{"jsonrpc":"2.0","id":1,"method":"starknet_blockNumber","params":[]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])')"
    rm -rf "$work/proofs"
    "$real_bin" prover --rpc "$urls" --committee "$KRAKEN_RUN_DIR/committee.json" --store "$work/proofs" --workers "$workers" --threads "$workers" --blocks-per-proof "$k" \
        --from $((tip + 1)) > "$work/prover.log" 2>&1 &
    prover_pid=$!
    "$real_bin" client --rpc "$urls" --config "$KRAKEN_RUN_DIR/node.toml" --rate "$rate" --duration "${seconds}s" > "$work/client.log" 2>&1 || true
    kill "$prover_pid"; wait "$prover_pid" 2> /dev/null || true; prover_pid=
    bash "$root/scripts/run-local.sh" stop > /dev/null
    real="$(for f in "$work"/proofs/blocks/*/proof.json; do
        [[ -e "$f" ]] && python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%d,%d,%d" % (r["first_block"], r["last_block"], r["proved_at_ms"] - r["seen_at_ms"]))' "$f"
    done | stats "$seconds")"
    echo "real,$rate,$seconds,$workers,$k,,$real" >> "$out"
done
echo "== wrote $out =="
column -s, -t < "$out"
