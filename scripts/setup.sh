#!/usr/bin/env bash
# Installs what Kraken's builds need. Idempotent: each step checks before it acts.
set -euo pipefail

say() { echo "== setup: $* =="; }

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; Kraken needs a Rust toolchain (rustup)" >&2
  exit 1
fi

if rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "wasm32-unknown-unknown target present"
else
  say "adding the wasm32-unknown-unknown target (browser proof verifier)"
  rustup target add wasm32-unknown-unknown
fi

# LLVM 19 + MLIR for cairo-native (the execution engine); paths are set in .cargo/config.toml.
LLVM_PKGS=(llvm-19-dev libmlir-19-dev mlir-19-tools libpolly-19-dev clang-19 zlib1g-dev libzstd-dev)
if [ -x /usr/lib/llvm-19/bin/mlir-tblgen ] && [ -f /usr/lib/llvm-19/lib/libMLIR.so ]; then
  say "LLVM 19 + MLIR present"
else
  say "installing LLVM 19 + MLIR from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${LLVM_PKGS[@]}"
fi

# Node runs the wasm verifier the way a browser does (make test-e2e).
if command -v node >/dev/null; then
  say "node present ($(node --version))"
else
  say "installing Node.js from Debian's packages (runs the wasm proof verifier in tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs
fi

# Headless Chromium and its WebDriver for the explorer's browser tests (tests/real_explorer.rs).
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  say "chromium and chromedriver present"
else
  say "installing Debian's chromium and chromium-driver (the explorer's browser tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver
fi

# blockifier's build script installs `starknet-native-compile` with cargo unless the
# target dir already has one; Kraken compiles in-process and never runs it, so each
# profile dir gets the stand-in (see scripts/native-compile-shim.sh and ARCHITECTURE.md).
TARGET="${CARGO_TARGET_DIR:-target}"
for dir in "$TARGET/debug" "$TARGET/release" "$TARGET/real/debug" "$TARGET/real/release"; do
  if [ ! -x "$dir/shared_executables/starknet-native-compile" ]; then
    mkdir -p "$dir/shared_executables"
    cp scripts/native-compile-shim.sh "$dir/shared_executables/starknet-native-compile"
  fi
done
say "starknet-native-compile stand-in in $TARGET (in-process native compilation)"

# wasm-bindgen's CLI, at exactly the version of the crate the verifier pins (the CLI
# refuses a module made by another): `make wasm` runs it for the explorer's verifier.
WBG_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' prover/wasm/Cargo.toml)"
WBG="$TARGET/tools/bin/wasm-bindgen"
if [ -x "$WBG" ] && [ "$("$WBG" --version)" = "wasm-bindgen $WBG_VERSION" ]; then
  say "wasm-bindgen $WBG_VERSION present ($WBG)"
else
  say "installing wasm-bindgen-cli $WBG_VERSION into $TARGET/tools (the browser verifier's glue; once, a few minutes)"
  CARGO_ENCODED_RUSTFLAGS= cargo install wasm-bindgen-cli --version "$WBG_VERSION" --root "$TARGET/tools" --quiet
fi

# s3s-fs: a real S3 API server that checks SigV4 signatures, for the S3 proof-store tests
# (tests/real_s3.rs). The version the issue pinned builds on this toolchain; built once
# into the target dir (a few minutes on a cold machine), outside the simulator's flags.
S3S_FS="$TARGET/tools/bin/s3s-fs"
if [ -x "$S3S_FS" ]; then
  say "s3s-fs present ($S3S_FS)"
else
  say "installing s3s-fs 0.14.1 into $TARGET/tools (S3 server for the proof-store tests; once)"
  CARGO_ENCODED_RUSTFLAGS= cargo install s3s-fs --version 0.14.1 --features binary --locked --root "$TARGET/tools" --quiet
fi
