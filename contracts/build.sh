#!/usr/bin/env bash
# Compiles the Cairo contracts in src/ into build/<name>.contract_class.json (Sierra) and
# build/<name>.compiled_contract_class.json (CASM), using only compilers shipped on PyPI.
# Idempotent: downloads and unpacked archives are cached in .cache/ (or $CAIRO_CACHE)
# and outputs are overwritten.
#
# Two cairo-lang releases are used, because the newest one's corelib is incomplete (its
# setup.py packages only corelib/src/*.cairo and corelib/src/starknet/*.cairo, dropping
# ops/, iter/, num/, prelude/, internal/, starknet/storage/, so its Cairo 2.12
# starknet-compile panics: "`Deref` not found in `core::ops::deref`"):
#   - cairo-lang 0.12.2 bundles Cairo 2.1.0 whose corelib has no subdirectories and so
#     ships whole: it compiles Cairo to Sierra (the sources are written in Cairo 2.1);
#   - cairo-lang 0.14.0.1 bundles Cairo 2.12.0's starknet-sierra-compile, which turns that
#     Sierra into CASM exactly as a 0.14 sequencer compiles a declared class.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${CAIRO_CACHE:-$here/.cache}"
contracts=(account erc20 fib fact)

# fetch VERSION: downloads and unpacks cairo-lang==VERSION once; prints its compiler dir.
fetch() {
    local version="$1"
    if [ ! -d "$cache/cairo-lang-$version" ]; then
        pip download --quiet --no-deps --no-binary :all: "cairo-lang==$version" -d "$cache" >&2
        unzip -q -o "$cache/cairo-lang-$version.zip" -d "$cache"
    fi
    local dir="$cache/cairo-lang-$version/starkware/starknet/compiler/v1/sierra-compiler-major-1"
    chmod +x "$dir/bin/"*
    echo "$dir"
}

mkdir -p "$cache" "$here/build"
to_sierra="$(fetch 0.12.2)/bin/starknet-compile"
to_casm="$(fetch 0.14.0.1)/bin/starknet-sierra-compile"

for name in "${contracts[@]}"; do
    sierra="$here/build/$name.contract_class.json"
    casm="$here/build/$name.compiled_contract_class.json"
    "$to_sierra" --single-file "$here/src/$name.cairo" "$sierra"
    "$to_casm" "$sierra" "$casm"
    echo "compiled $name"
done
