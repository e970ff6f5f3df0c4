# Kraken: thin wrappers over cargo and scripts. `make help` lists the targets.
#
# Two builds of the same code:
#   sim  (default): .cargo/config.toml sets --cfg madsim; nodes run inside madsim.
#   real          : the flag cleared, its own target dir; nodes run over the OS's TCP.

SHELL := /bin/bash
.DEFAULT_GOAL := help

CARGO      ?= cargo
TARGET_DIR ?= target
REAL_DIR   := $(TARGET_DIR)/real
REAL_CARGO := CARGO_ENCODED_RUSTFLAGS= CARGO_ENCODED_RUSTDOCFLAGS= $(CARGO)
SCENARIO   ?= scenarios/partition.toml
SEEDS      ?= 1..20
export CARGO_TARGET_DIR := $(TARGET_DIR)
# Property tests draw the same cases on every `make test`, so CI's verdict is
# reproducible; a plain `cargo test` draws new ones (set PROPTEST_RNG_SEED to replay).
export PROPTEST_RNG_SEED ?= 20261204

.PHONY: help setup run scenario sweep twins mutants test test-deploy test-sim test-real test-wasm test-e2e wasm explorer explorer-report bench bench-flood bench-prove bench-proving bench-execution bench-cluster calibrate-cpu real real-dev run-local stop local-status clean-reports

help: ## list targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: ## install what the build needs (idempotent)
	@bash scripts/setup.sh

run: setup ## play the default scenario (partition) and write its report under reports/
	@echo "== building the simulator (dev profile: the build make test uses, dependencies optimised) =="
	$(CARGO) build --bin kraken
	@echo "== playing $(SCENARIO) =="
	$(TARGET_DIR)/debug/kraken scenario $(SCENARIO)

scenario: ## play SCENARIO=file [SEED=n]
	$(CARGO) run --bin kraken -- scenario $(SCENARIO) $(if $(SEED),--seed $(SEED))

sweep: ## play SCENARIO under SEEDS=a..b [JOBS=n worker processes]
	$(CARGO) run --bin kraken -- sweep $(SCENARIO) --seeds $(SEEDS)$(if $(JOBS), --jobs $(JOBS))

twins: ## Twins: every schedule of 3 rounds, any leader, any 2-group partition, in seed order until TWINS_BUDGET (default 10m) -> reports/twins/
	$(CARGO) run --bin kraken -- twins --rounds 3 --leaders n0,n1,n2,n3 --apart false --jobs $(or $(JOBS),2) --time-budget $(or $(TWINS_BUDGET),10m)

mutants: ## seed bugs into consensus and the mempool one at a time, and see which the scenarios, the nemesis sweep and kraken twins catch (about 15 minutes; ONLY=name,...) -> reports/mutants/mutants.csv
	python3 scripts/mutants.py $(if $(ONLY),--only $(ONLY))

test: setup test-deploy test-sim test-real test-wasm test-e2e ## every test: deploy manifests, simulator build, real build, wasm verifier, starknet-rs and starknet.py against a cluster
	@echo "== all tests passed =="

test-deploy: ## validate the Kubernetes manifests in deploy/ (installs kubernetes-validate from PyPI once)
	@bash scripts/check-deploy.sh

test-sim:
	@echo "== make mutants still applies: each mutant's text is in its file once =="
	python3 scripts/mutants.py --check
	@echo "== the Twins model still breaks the shipped schedules with their bugs, and not without: scripts/twins_model.py --check =="
	python3 scripts/twins_model.py --check
	@echo "== tests, simulator build (cargo test --workspace) =="
	$(CARGO) test --workspace

test-real: wasm
	@echo "== tests, real build (4-process cluster on loopback, the S3 store against s3s-fs, the explorer in headless Chromium) =="
	KRAKEN_S3S_FS=$(abspath $(TARGET_DIR))/tools/bin/s3s-fs KRAKEN_VERIFIER_WEB=$(abspath $(VERIFIER_WEB)) $(REAL_CARGO) test --target-dir $(REAL_DIR) -p kraken -p kraken-sim

WASM_VERIFIER := $(TARGET_DIR)/wasm32-unknown-unknown/release/kraken_verifier_wasm.wasm
# The module and its ES-module glue, as wasm-bindgen writes them: what the explorer serves.
VERIFIER_WEB  := $(TARGET_DIR)/verifier-web
WASM_BINDGEN  := $(TARGET_DIR)/tools/bin/wasm-bindgen

test-wasm: wasm ## the proof verifier builds for wasm32 (test-e2e verifies a cluster's proof with it under node)

# No debug info in the module the browser downloads (the release profile keeps some).
wasm: setup ## build the proof verifier for the browser (wasm32 + wasm-bindgen glue): what the explorer serves
	@echo "== the proof verifier for the browser: $(VERIFIER_WEB) (wasm32, wasm-bindgen $$($(WASM_BINDGEN) --version | cut -d' ' -f2)) =="
	CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=debuginfo $(CARGO) build -p kraken-verifier-wasm --target wasm32-unknown-unknown --release
	$(WASM_BINDGEN) --target web --no-typescript --out-dir $(VERIFIER_WEB) $(WASM_VERIFIER)
	@echo '{"type": "module"}' > $(VERIFIER_WEB)/package.json

explorer-report: wasm ## the explorer's browser test, saving screenshots and verify/load times -> reports/explorer/
	KRAKEN_EXPLORER_REPORT=$(abspath reports/explorer) KRAKEN_VERIFIER_WEB=$(abspath $(VERIFIER_WEB)) $(REAL_CARGO) test --target-dir $(REAL_DIR) -p kraken -p kraken-sim --test real_explorer -- --nocapture the_explorer_verifies

explorer: real-dev wasm ## build the explorer (real build and its wasm verifier); run it with make run-local, or target/real/debug/kraken explorer --help

bench: ## consensus benchmark in the simulator -> reports/bench/consensus.csv
	$(CARGO) run --release --bin kraken -- bench

bench-prove: real-dev ## prove an empty block and blocks of 1, 10, 100 transactions with 1 and 2 threads (real dev build: the prover is fully optimised there) -> reports/bench/prove-blocks.csv
	$(REAL_DIR)/debug/kraken bench-prove-blocks

bench-proving: real-dev ## the simulator's proof throughput and latency beside the real cluster's, same load and prover -> reports/bench/proving.csv
	$(CARGO) build --bin kraken
	bash scripts/bench-proving.sh

bench-flood: ## what a byzantine member's message flood costs the node it targets, by kind (dev build, as make test) -> reports/bench/flood.csv
	$(CARGO) run --bin kraken -- bench-flood

bench-execution: setup ## executed tx/s, Cairo Native vs VM, native compile cost -> reports/bench/execution.csv
	$(REAL_CARGO) run --release --target-dir $(REAL_DIR) -p kraken-execution --example execution_bench -- --out reports/bench/execution.csv

# The real binary in the dev profile, built exactly as `make test-real` builds it (same
# packages, same features), so the cluster targets share that build instead of paying
# for another build of the execution stack.
real-dev: setup
	@echo "== building the real (TCP) binary: $(REAL_DIR)/debug/kraken (the build make test-real uses) =="
	$(REAL_CARGO) test --no-run --target-dir $(REAL_DIR) -p kraken -p kraken-sim

run-local: real-dev wasm ## start a 4-node cluster on loopback (JSON-RPC on :9545..), send a short load, print the endpoints
	@KRAKEN_BIN=$(REAL_DIR)/debug/kraken bash scripts/run-local.sh start

stop: ## stop the cluster make run-local started (its stores and logs stay in run/local)
	@bash scripts/run-local.sh stop

local-status: ## is the local cluster up, and at which heights
	@bash scripts/run-local.sh status

test-e2e: real-dev ## starknet-rs end-to-end test against a fresh 4-node cluster (own run dir and ports)
	@bash scripts/test-e2e.sh

bench-cluster: real ## a 4-node release cluster's executed tx/s and latency at rising load, native vs vm, beside the simulator's prediction (needs make bench-execution's phases) -> reports/bench/cluster.csv, cluster-sim.csv
	$(CARGO) build --bin kraken
	@bash scripts/bench-cluster.sh

calibrate-cpu: real ## measure the simulator's CPU cost model on this machine (release cluster + isolated executor) -> src/testbed/cpu_costs.toml
	$(REAL_CARGO) build --release --target-dir $(REAL_DIR) -p kraken-execution --example execution_bench
	python3 scripts/calibrate-cpu.py --write

real: setup ## build the real (TCP) binary at $(REAL_DIR)/release/kraken
	$(REAL_CARGO) build --release --target-dir $(REAL_DIR) --bin kraken

clean-reports: ## delete generated reports
	find reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
