#!/usr/bin/env bash
# End-to-end tests of the real cluster with the clients Starknet developers use:
# starknet-rs (e2e/, its own cargo workspace) and a starknet.py smoke test
# (e2e/starknet_py_smoke.py, in a venv under the target dir). Starts a fresh 4-node cluster in its own run dir and ports (a cluster from
# `make run-local` is left alone), runs the tests against it, and always stops it. The
# cluster's logs stay in target/e2e-run/logs for a failure's post-mortem.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Absolute: the tests run from e2e/, and make exports a relative CARGO_TARGET_DIR.
target="$(realpath -m "${CARGO_TARGET_DIR:-$root/target}")"
export KRAKEN_BIN="${KRAKEN_BIN:-$target/real/debug/kraken}"
export KRAKEN_RUN_DIR="$target/e2e-run"
export KRAKEN_RPC_BASE="${KRAKEN_E2E_RPC_BASE:-9645}"
export KRAKEN_BASE_PORT="${KRAKEN_E2E_BASE_PORT:-7300}"
# No watcher-prover here: it would take the cores from the tests; `prove-block` below
# proves one block instead, and the watcher has its own tests.
export KRAKEN_ACCOUNTS=16 KRAKEN_LOAD_SECONDS=0 KRAKEN_RESET=1 KRAKEN_PROVER=0 KRAKEN_EXPLORER=0

venv="$target/e2e-venv"
starknet_py=0.28.1 # the release that speaks JSON-RPC v0.9.0 (0.29+ speak 0.10)
if ! "$venv/bin/python" -c "import starknet_py, sys; sys.exit(0 if '$starknet_py' == __import__('importlib.metadata').metadata.version('starknet-py') else 1)" 2>/dev/null; then
    echo "== installing starknet.py $starknet_py into $venv =="
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "starknet-py==$starknet_py"
fi

trap 'bash "$root/scripts/run-local.sh" stop' EXIT
bash "$root/scripts/run-local.sh" start

echo "== starknet-rs end-to-end tests (e2e/), strict: any field the spec does not define fails =="
export KRAKEN_RPC="http://127.0.0.1:$KRAKEN_RPC_BASE"
export KRAKEN_GENESIS="$KRAKEN_RUN_DIR/genesis.json"
(cd "$root/e2e" && CARGO_ENCODED_RUSTFLAGS= CARGO_ENCODED_RUSTDOCFLAGS= cargo test --target-dir "$target/e2e" --features strict -- --nocapture)

echo "== starknet.py smoke test =="
"$venv/bin/python" "$root/e2e/starknet_py_smoke.py"

echo "== kraken client --rpc against the same cluster (every accepted transaction must be included) =="
"$KRAKEN_BIN" client --rpc "$KRAKEN_RPC" --config "$KRAKEN_RUN_DIR/node.toml" --accounts 8 --rate 20 --duration 5s

echo "== kraken prove-block: prove the block holding starknet-rs's declare, verify it natively against the chain and with the wasm verifier =="
block="$("$venv/bin/python" - "$KRAKEN_RPC" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
def call(method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, body, {"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req))["result"]
tip = call("starknet_blockNumber", [])
for n in range(1, tip + 1):
    txs = call("starknet_getBlockWithTxHashes", [{"block_number": n}])["transactions"]
    if any(call("starknet_getTransactionByHash", [h])["type"] == "DECLARE" for h in txs):
        print(n)
        break
else:
    sys.exit("no block with a declare: the starknet-rs tests should have declared a class")
PY
)"
proof="$KRAKEN_RUN_DIR/block-$block.proof"
"$KRAKEN_BIN" prove-block --rpc "$KRAKEN_RPC" --block "$block" --out "$proof"
"$KRAKEN_BIN" verify-block "$proof" --rpc "$KRAKEN_RPC"
verifier="$target/verifier-web"
[[ -f "$verifier/kraken_verifier_wasm.js" ]] || make -C "$root" wasm TARGET_DIR="$target"
node "$root/scripts/verify-wasm.mjs" "$verifier" "$proof" --block

prove_until=30
echo "== kraken prover: killed with SIGKILL mid-run and started again, it stores every block up to $prove_until once, each proof the chain's =="
store="$KRAKEN_RUN_DIR/proofs"
rm -rf "$store"
"$KRAKEN_BIN" prover --rpc "$KRAKEN_RPC,http://127.0.0.1:$((KRAKEN_RPC_BASE + 1))" --committee "$KRAKEN_RUN_DIR/committee.json" --store "$store" --until "$prove_until" &
prover_pid=$!
# Kill it once it has stored a few proofs, in the middle of the range.
until (($(ls "$store/blocks" 2>/dev/null | wc -l) >= 3)); do
    kill -0 "$prover_pid" 2>/dev/null || { echo "the prover exited before it could be killed mid-run" >&2; exit 1; }
    sleep 0.1
done
kill -9 "$prover_pid"
wait "$prover_pid" 2>/dev/null || true
echo "   killed after storing: $(ls "$store/blocks" | sort -n | paste -sd' ' -)"
"$KRAKEN_BIN" prover --rpc "$KRAKEN_RPC" --committee "$KRAKEN_RUN_DIR/committee.json" --store "$store" --until "$prove_until"
for ((n = 1; n <= prove_until; n++)); do
    [[ -f "$store/blocks/$n/proof.json" ]] || { echo "block $n has no proof" >&2; exit 1; }
    "$KRAKEN_BIN" verify-block "$store/blocks/$n/proof.bin" --rpc "$KRAKEN_RPC" > /dev/null || { echo "the proof of block $n does not check" >&2; exit 1; }
done
[[ "$(ls "$store/blocks" | wc -l)" == "$prove_until" ]] || { echo "proofs beyond --until $prove_until: $(ls "$store/blocks")" >&2; exit 1; }
echo "   blocks 1..$prove_until: one proof each, every one VALID against the chain"
