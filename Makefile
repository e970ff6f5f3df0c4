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
REAL_CARGO := CARGO_ENCODED_RUSTFLAGS= $(CARGO)
SCENARIO   ?= scenarios/partition.toml
SEEDS      ?= 1..20
export CARGO_TARGET_DIR := $(TARGET_DIR)

.PHONY: help setup run scenario sweep test test-sim test-real test-wasm bench bench-execution real clean-reports

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: ## install what the build needs (idempotent)
	@bash scripts/setup.sh

run: setup ## play the default scenario (partition) and write its report under reports/
	@echo "== building the simulator (dev profile: the build make test uses, dependencies optimised) =="
	$(CARGO) build --bin kraken
	@echo "== playing $(SCENARIO) =="
	$(TARGET_DIR)/debug/kraken scenario $(SCENARIO)

scenario: ## play SCENARIO=file [SEED=n]
	$(CARGO) run --bin kraken -- scenario $(SCENARIO) $(if $(SEED),--seed $(SEED))

sweep: ## play SCENARIO under SEEDS=a..b
	$(CARGO) run --bin kraken -- sweep $(SCENARIO) --seeds $(SEEDS)

test: setup test-sim test-real test-wasm ## every test: simulator build, real build, wasm verifier
	@echo "== all tests passed =="

test-sim:
	@echo "== tests, simulator build (cargo test --workspace) =="
	$(CARGO) test --workspace

test-real:
	@echo "== tests, real build (4-process cluster on loopback included) =="
	$(REAL_CARGO) test --target-dir $(REAL_DIR) -p kraken -p kraken-sim

test-wasm:
	@echo "== the proof verifier builds for wasm32 (browser) =="
	$(CARGO) build -p kraken-prover --no-default-features --features verifier --target wasm32-unknown-unknown --release

bench: ## consensus benchmark in the simulator -> reports/bench/consensus.csv
	$(CARGO) run --release --bin kraken -- bench

bench-execution: setup ## executed tx/s, Cairo Native vs VM, native compile cost -> reports/bench/execution.csv
	$(REAL_CARGO) run --release --target-dir $(REAL_DIR) -p kraken-execution --example execution_bench -- --out reports/bench/execution.csv

real: ## build the real (TCP) binary at $(REAL_DIR)/release/kraken
	$(REAL_CARGO) build --release --target-dir $(REAL_DIR) --bin kraken

clean-reports: ## delete generated reports
	find reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
