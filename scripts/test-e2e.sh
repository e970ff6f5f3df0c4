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
export KRAKEN_ACCOUNTS=16 KRAKEN_LOAD_SECONDS=0 KRAKEN_RESET=1

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
