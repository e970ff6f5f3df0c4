#!/usr/bin/env bash
# A local Kraken cluster: N `kraken node` processes over loopback TCP, each serving the
# Starknet JSON-RPC, metrics and health over HTTP. No Docker.
#
#   scripts/run-local.sh start    generate (or reuse) the run dir, start the nodes, wait
#                                 until healthy, send a short load, print the endpoints
#   scripts/run-local.sh stop     stop the nodes (stores and logs stay)
#   scripts/run-local.sh status   which nodes run, and their heights
#
# Everything lives in one run dir: committee.json, node-<i>.key, node.toml, genesis.json,
# stores/, logs/, pids/. A second `start` reuses the dir (the chain continues) when it was
# made with the same settings, and otherwise (or with KRAKEN_RESET=1) stops the nodes and
# replaces the dir whole: a new dir is built aside and moved into place, never half-way.
#
# Settings (environment): KRAKEN_BIN (default target/real/debug/kraken), KRAKEN_RUN_DIR
# (run/local), KRAKEN_ENGINE (native | vm | none: consensus alone on opaque transactions,
# no Starknet chain), KRAKEN_NODES (4), KRAKEN_BASE_PORT (7100: peers
# on BASE+i, clients on BASE+100+i), KRAKEN_RPC_BASE (9545: node i's HTTP on RPC_BASE+i),
# KRAKEN_ACCOUNTS (1000 genesis accounts), KRAKEN_LOAD_RATE (20 tx/s) and
# KRAKEN_LOAD_SECONDS (10; 0 skips the load), KRAKEN_RESET (0), KRAKEN_PROVER (1: run the
# watcher-prover beside the nodes, proofs in run/local/proofs; 0 skips it),
# KRAKEN_BLOCKS_PER_PROOF (1), KRAKEN_EXPLORER (1: serve the explorer over the nodes and
# the proofs; 0 skips it) on KRAKEN_EXPLORER_PORT (4000), and the node parameters KRAKEN_EMPTY_BLOCK_MS,
# KRAKEN_MIN_BLOCK_MS and KRAKEN_BATCH_DELAY_MS (the nodes' defaults when unset).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${KRAKEN_BIN:-$root/target/real/debug/kraken}"
dir="${KRAKEN_RUN_DIR:-$root/run/local}"
engine="${KRAKEN_ENGINE:-native}"
nodes="${KRAKEN_NODES:-4}"
base_port="${KRAKEN_BASE_PORT:-7100}"
rpc_base="${KRAKEN_RPC_BASE:-9545}"
accounts="${KRAKEN_ACCOUNTS:-1000}"
load_rate="${KRAKEN_LOAD_RATE:-20}"
load_seconds="${KRAKEN_LOAD_SECONDS:-10}"
reset="${KRAKEN_RESET:-0}"
prover="${KRAKEN_PROVER:-1}"
blocks_per_proof="${KRAKEN_BLOCKS_PER_PROOF:-1}"
explorer="${KRAKEN_EXPLORER:-1}"
explorer_port="${KRAKEN_EXPLORER_PORT:-4000}"
empty_block_ms="${KRAKEN_EMPTY_BLOCK_MS:-}"
min_block_ms="${KRAKEN_MIN_BLOCK_MS:-}"
batch_delay_ms="${KRAKEN_BATCH_DELAY_MS:-}"
health_timeout=180

say() { printf '== %s\n' "$*"; }
die() { printf 'run-local: %s\n' "$*" >&2; exit 1; }

case "$engine" in native | vm | none) ;; *) die "KRAKEN_ENGINE=$engine: expected native, vm or none" ;; esac
for v in nodes base_port rpc_base accounts load_rate load_seconds blocks_per_proof explorer_port; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "KRAKEN_${v^^}=${!v}: expected a whole number"
done
for v in empty_block_ms min_block_ms batch_delay_ms; do
    [[ -z "${!v}" || "${!v}" =~ ^[0-9]+$ ]] || die "KRAKEN_${v^^}=${!v}: expected a whole number of milliseconds"
done
((nodes >= 4)) || die "KRAKEN_NODES=$nodes: a BFT committee needs at least 4 nodes"

rpc_url() { echo "http://127.0.0.1:$((rpc_base + $1))"; }
all_urls() { for ((i = 0; i < nodes; i++)); do rpc_url "$i"; done | paste -sd, -; }

# The settings a run dir was made with; a dir made otherwise is replaced, not reused.
settings() {
    echo "engine=$engine nodes=$nodes base_port=$base_port rpc_base=$rpc_base accounts=$accounts empty_block_ms=$empty_block_ms min_block_ms=$min_block_ms batch_delay_ms=$batch_delay_ms"
}

running_pids() {
    local f
    for f in "$dir"/pids/*.pid; do
        [[ -e "$f" ]] || continue
        local pid
        pid="$(cat "$f")"
        if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
    done
}

stop() {
    local pids
    pids="$(running_pids)"
    if [[ -z "$pids" ]]; then
        say "no node of $dir is running"
    else
        say "stopping the nodes (and prover) of $dir (pids $(echo $pids))"
        kill $pids 2>/dev/null || true
        for _ in $(seq 50); do
            [[ -z "$(running_pids)" ]] && break
            sleep 0.1
        done
        pids="$(running_pids)"
        if [[ -n "$pids" ]]; then kill -9 $pids 2>/dev/null || true; fi
    fi
    rm -f "$dir"/pids/*.pid
}

# Builds a fresh run dir aside and moves it into place.
generate() {
    local new="$dir.new.$$"
    rm -rf "$new"
    trap 'rm -rf "$new"' EXIT
    mkdir -p "$new/stores" "$new/logs" "$new/pids"
    "$bin" committee --nodes "$nodes" --base-port "$base_port" --out "$new" > /dev/null
    echo "# Written by scripts/run-local.sh; every node of the cluster runs with it." > "$new/node.toml"
    if [[ -n "$empty_block_ms$min_block_ms" ]]; then
        echo '[consensus]' >> "$new/node.toml"
        if [[ -n "$empty_block_ms" ]]; then echo "empty_block_ms = $empty_block_ms" >> "$new/node.toml"; fi
        if [[ -n "$min_block_ms" ]]; then echo "min_block_ms = $min_block_ms" >> "$new/node.toml"; fi
        echo >> "$new/node.toml"
    fi
    if [[ -n "$batch_delay_ms" ]]; then printf '[mempool]\nbatch_delay_ms = %s\n\n' "$batch_delay_ms" >> "$new/node.toml"; fi
    if [[ "$engine" != none ]]; then
        cat >> "$new/node.toml" <<EOF
[execution]
engine = "$engine"

[execution.genesis]
chain_id = "KRAKEN"
accounts = $accounts
seed = 0
EOF
        "$bin" genesis --config "$new/node.toml" --out "$new/genesis.json"
    fi
    settings > "$new/settings"
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    mv "$new" "$dir"
    trap - EXIT
}

start() {
    [[ -x "$bin" ]] || die "no kraken binary at $bin (build it with \`make run-local\`, or set KRAKEN_BIN)"
    if [[ -n "$(running_pids)" ]]; then stop; fi
    if [[ "$reset" == 1 ]]; then
        say "KRAKEN_RESET=1: replacing $dir"
        generate
    elif [[ -f "$dir/settings" && "$(cat "$dir/settings")" == "$(settings)" ]]; then
        say "reusing $dir (the chain continues; KRAKEN_RESET=1 starts afresh)"
    else
        [[ -e "$dir" ]] && say "$dir was made with other settings: replacing it"
        say "generating committee, keys, node config and genesis in $dir"
        generate
    fi
    for ((i = 0; i < nodes; i++)); do
        local port=$((rpc_base + i))
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            die "port $port is taken by another process (set KRAKEN_RPC_BASE)"
        fi
    done
    say "starting $nodes nodes ($engine engine); logs in $dir/logs"
    for ((i = 0; i < nodes; i++)); do
        setsid "$bin" node --committee "$dir/committee.json" --key "$dir/node-$i.key" --store "$dir/stores/node-$i" \
            --config "$dir/node.toml" --rpc "127.0.0.1:$((rpc_base + i))" >> "$dir/logs/node-$i.log" 2>&1 < /dev/null &
        echo $! > "$dir/pids/node-$i.pid"
    done
    say "waiting until every node answers /health (genesis classes compile at start)"
    local deadline=$((SECONDS + health_timeout))
    for ((i = 0; i < nodes; i++)); do
        until curl -sf "$(rpc_url "$i")/health" > /dev/null; do
            kill -0 "$(cat "$dir/pids/node-$i.pid")" 2>/dev/null \
                || die "node $i exited; its log ends with: $(tail -n 5 "$dir/logs/node-$i.log")"
            ((SECONDS < deadline)) || die "node $i is not healthy after ${health_timeout}s; see $dir/logs/node-$i.log"
            sleep 0.5
        done
        echo "   node $i healthy: $(curl -sf "$(rpc_url "$i")/health")"
    done
    if [[ "$prover" == 1 && "$engine" != none ]]; then
        say "starting the watcher-prover: ranges of $blocks_per_proof blocks into $dir/proofs; log $dir/logs/prover.log"
        setsid "$bin" prover --rpc "$(all_urls)" --committee "$dir/committee.json" --store "$dir/proofs" --blocks-per-proof "$blocks_per_proof" \
            --listen "127.0.0.1:$((rpc_base + nodes))" >> "$dir/logs/prover.log" 2>&1 < /dev/null &
        echo $! > "$dir/pids/prover.pid"
    fi
    if [[ "$explorer" == 1 && "$engine" != none ]]; then
        say "starting the explorer on http://127.0.0.1:$explorer_port/ (proofs from $dir/proofs); log $dir/logs/explorer.log"
        mkdir -p "$dir/proofs"
        setsid "$bin" explorer --rpc "$(all_urls)" --store "$dir/proofs" --listen "127.0.0.1:$explorer_port" \
            >> "$dir/logs/explorer.log" 2>&1 < /dev/null &
        echo $! > "$dir/pids/explorer.pid"
        sleep 0.5
        kill -0 "$(cat "$dir/pids/explorer.pid")" 2>/dev/null || die "the explorer exited: $(tail -n 3 "$dir/logs/explorer.log")"
    fi
    if ((load_seconds > 0)) && [[ "$engine" == none ]]; then
        say "sending ${load_rate} opaque tx/s for ${load_seconds}s (kraken client --committee ...)"
        "$bin" client --committee "$dir/committee.json" --rate "$load_rate" --duration "${load_seconds}s" \
            || say "the load client reported a problem (see above); the cluster keeps running"
    elif ((load_seconds > 0)); then
        say "sending ${load_rate} tx/s for ${load_seconds}s (kraken client --rpc ...)"
        "$bin" client --rpc "$(all_urls)" --config "$dir/node.toml" --rate "$load_rate" --duration "${load_seconds}s" \
            || say "the load client reported a problem (see above); the cluster keeps running"
    fi
    say "cluster running"
    for ((i = 0; i < nodes; i++)); do
        echo "   node $i  JSON-RPC $(rpc_url "$i")   metrics $(rpc_url "$i")/metrics   log $dir/logs/node-$i.log"
    done
    if [[ "$engine" == none ]]; then echo "   stop: make stop"; return; fi
    if [[ "$prover" == 1 ]]; then
        echo "   prover  proofs in $dir/proofs/blocks/<first>/proof.{bin,json}   metrics $(rpc_url "$nodes")/metrics   log $dir/logs/prover.log"
        echo "           check one: $bin verify-block $dir/proofs/blocks/1/proof.bin --rpc $(rpc_url 0)"
    fi
    if [[ "$explorer" == 1 ]]; then
        echo "   explorer  http://127.0.0.1:$explorer_port/   log $dir/logs/explorer.log   (ENABLE_BLOCK_VERIFICATION=true make run-local: each block page verifies its proof as it opens)"
    fi
    echo "   genesis (addresses, test keys): $dir/genesis.json"
    echo "   try:  curl -s -X POST $(rpc_url 0) -H 'content-type: application/json' \\"
    echo "           -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_blockNumber\",\"params\":[]}'"
    echo "   load: $bin client --rpc $(rpc_url 0) --config $dir/node.toml --rate 100 --duration 30s"
    echo "   stop: make stop"
}

status() {
    for ((i = 0; i < nodes; i++)); do
        local pidfile="$dir/pids/node-$i.pid"
        if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            echo "node $i  up    $(curl -sf "$(rpc_url "$i")/health" || echo 'not answering /health')"
        else
            echo "node $i  down"
        fi
    done
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) die "usage: $0 [start|stop|status]" ;;
esac
