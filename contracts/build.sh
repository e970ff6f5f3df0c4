#!/usr/bin/env bash
# Compiles the Cairo contracts in src/ into build/<name>.contract_class.json (Sierra) and
# build/<name>.compiled_contract_class.json (CASM) with the Cairo 2.12 compiler shipped in
# PyPI's cairo-lang==0.14.0.1. Idempotent: the download and unpacking are cached in
# .cache/ (or $CAIRO_CACHE) and outputs are overwritten.
#
# The PyPI archive's corelib is incomplete (its packaging keeps only corelib/src/*.cairo
# and corelib/src/starknet/*.cairo, dropping ops/, iter/, num/, prelude/, internal/ and
# starknet/storage/), so starknet-compile panics ("Deref not found in core::ops::deref").
# Point CAIRO_CORELIB at a complete Cairo v2.12 `corelib` directory (the one in the
# starkware-libs/cairo source tree at tag v2.12.0) to compile; see README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${CAIRO_CACHE:-$here/.cache}"
version="0.14.0.1"
contracts=(account erc20 fib fact)

mkdir -p "$cache" "$here/build"
if [ ! -d "$cache/cairo-lang-$version" ]; then
    pip download --no-deps --no-binary :all: "cairo-lang==$version" -d "$cache"
    unzip -q -o "$cache/cairo-lang-$version.zip" -d "$cache"
fi
bundled="$cache/cairo-lang-$version/starkware/starknet/compiler/v1/sierra-compiler-major-1"

# The compiler finds its corelib at <exe>/../../corelib, so assemble bin/ and a complete
# corelib side by side.
corelib="${CAIRO_CORELIB:-$bundled/corelib}"
if [ ! -f "$corelib/src/ops/deref.cairo" ]; then
    echo "error: $corelib is not a complete Cairo 2.12 corelib (no src/ops/deref.cairo)." >&2
    echo "Set CAIRO_CORELIB to the corelib/ of the Cairo v2.12.0 sources; see contracts/README.md." >&2
    exit 1
fi
toolchain="$cache/toolchain"
mkdir -p "$toolchain/bin"
cp "$bundled/bin/starknet-compile" "$bundled/bin/starknet-sierra-compile" "$toolchain/bin/"
chmod +x "$toolchain/bin/"*
ln -sfn "$(cd "$corelib" && pwd)" "$toolchain/corelib"

for name in "${contracts[@]}"; do
    sierra="$here/build/$name.contract_class.json"
    casm="$here/build/$name.compiled_contract_class.json"
    "$toolchain/bin/starknet-compile" --single-file "$here/src/$name.cairo" "$sierra"
    "$toolchain/bin/starknet-sierra-compile" "$sierra" "$casm"
    echo "compiled $name"
done
