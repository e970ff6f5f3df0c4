#!/usr/bin/env bash
# Compiles the contracts of the `kraken_contracts` Cairo crate (cairo_project.toml, src/) into
# build/<name>.contract_class.json (Sierra) and build/<name>.compiled_contract_class.json
# (CASM), using only packages from crates.io (through cargo) and PyPI (through pip); see
# README.md, "Why this route":
#   - Cairo -> Sierra: Cairo 2.15.0, i.e. crates.io's `cairo-lang-starknet` 2.15.0 behind a
#     small driver (compiler/, whose Cargo.lock pins every crate with its checksum), built
#     once with `cargo install`, plus the Cairo 2.15.0 corelib, which no Cairo compiler crate
#     ships: it is taken from the crates.io package `cairo-native` 0.9.0-rc.1 (checksum
#     pinned below), and the compiler rejects a corelib of another version;
#   - Sierra -> CASM: the Cairo 2.12 `starknet-sierra-compile` bundled in PyPI's
#     `cairo-lang` 0.14.0.1, the Sierra compiler of a Starknet 0.14 sequencer (blockifier
#     0.16), checking the classes against the audited libfuncs list of
#     `cairo-lang-starknet-classes` 2.12.4, the release blockifier 0.16 uses.
# Idempotent: downloads, the built compiler and unpacked archives are cached in .cache/ (or
# $CAIRO_CACHE; cargo keeps its downloads in its own cache); outputs are overwritten. The
# first run builds the compiler (several minutes); each contract then takes up to a minute.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${CAIRO_CACHE:-$here/.cache}"
# name:contract module, compiled as kraken_contracts::<name>::<module>.
contracts=(account:Account erc20:ERC20 fib:Fib fact:Fact udc:UniversalDeployer counter:Counter)

cairo_version=2.15.0
corelib_crate=cairo-native
corelib_crate_version=0.9.0-rc.1
corelib_crate_sha256=a9f771cd6d92e5aa141a25d36ca6b7477470957538c2c1c662fe972453b45340
cairo_lang_version=0.14.0.1
cairo_lang_sha256=d53473245f8d0d7d62d77ad5c1715959f61ce128bb369e8e7662040aabed98df
libfuncs_list_version=2.12.4
libfuncs_list_sha256=9c91826c5521bc351715471baba96f615c0de9e6e79d40aa092a384c5af7c566

mkdir -p "$cache" "$here/build"

# fetch_crate NAME VERSION SHA256: has cargo download the crates.io package NAME VERSION
# (cargo fetches the dependencies it declares too: only the package itself is used) and
# prints the path of its .crate archive, after checking it against SHA256 (cargo also checks
# it against the checksum the registry publishes).
fetch_crate() {
    local dir="$cache/fetch-$1-$2" crate
    mkdir -p "$dir"
    printf '%s\n' '[package]' 'name = "fetch"' 'version = "0.0.0"' 'edition = "2021"' \
        '[lib]' 'path = "lib.rs"' '[workspace]' '[dependencies]' \
        "$1 = { version = \"=$2\", default-features = false }" > "$dir/Cargo.toml"
    touch "$dir/lib.rs"
    cargo fetch --quiet --manifest-path "$dir/Cargo.toml"
    crate="$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$1-$2.crate" | head -n 1)"
    echo "$3  $crate" | sha256sum -c --quiet >&2
    echo "$crate"
}

# The Cairo -> Sierra compiler: $toolchain/bin/kraken-cairo-compile finds the corelib at
# $toolchain/corelib/src (two directories above itself).
toolchain="$cache/cairo-$cairo_version"
cargo install --quiet --locked --path "$here/compiler" --root "$toolchain" \
    --target-dir "$cache/cargo-target"
if [ ! -f "$toolchain/corelib/src/lib.cairo" ]; then
    name="$corelib_crate-$corelib_crate_version"
    crate="$(fetch_crate "$corelib_crate" "$corelib_crate_version" "$corelib_crate_sha256")"
    rm -rf "$cache/$name" "$toolchain/corelib"
    tar -xzf "$crate" -C "$cache" "$name/corelib"
    grep -q "^version = \"$cairo_version\"" "$cache/$name/corelib/Scarb.toml" \
        || { echo "$name does not ship the Cairo $cairo_version corelib" >&2; exit 1; }
    mv "$cache/$name/corelib" "$toolchain/corelib"
    rm -rf "$cache/$name"
fi
to_sierra="$toolchain/bin/kraken-cairo-compile"

# The Sierra -> CASM compiler, from cairo-lang's source archive on PyPI.
if [ ! -d "$cache/cairo-lang-$cairo_lang_version" ]; then
    pip download --quiet --no-deps --no-binary :all: --require-hashes -d "$cache" \
        -r <(echo "cairo-lang==$cairo_lang_version --hash=sha256:$cairo_lang_sha256") >&2
    unzip -q -o "$cache/cairo-lang-$cairo_lang_version.zip" -d "$cache"
fi
sierra_compiler="$cache/cairo-lang-$cairo_lang_version/starkware/starknet/compiler/v1/sierra-compiler-major-1"
chmod +x "$sierra_compiler/bin/"*
to_casm="$sierra_compiler/bin/starknet-sierra-compile"

# Its built-in audited libfuncs list (it reports 2.12.0-dev.0) predates the Cairo 2.12 releases
# and lacks e.g. bounded_int_trim_min, which the 2.15 corelib's u256 arithmetic uses: check the
# classes against the audited list of the cairo-lang-starknet-classes release blockifier 0.16
# compiles declared classes with instead.
name="cairo-lang-starknet-classes-$libfuncs_list_version"
libfuncs_list="$cache/$name.audited.json"
if [ ! -f "$libfuncs_list" ]; then
    crate="$(fetch_crate cairo-lang-starknet-classes "$libfuncs_list_version" "$libfuncs_list_sha256")"
    tar -xzf "$crate" -O "$name/src/allowed_libfuncs_lists/audited.json" > "$libfuncs_list.part"
    mv "$libfuncs_list.part" "$libfuncs_list"
fi

for entry in "${contracts[@]}"; do
    name="${entry%%:*}"
    sierra="$here/build/$name.contract_class.json"
    casm="$here/build/$name.compiled_contract_class.json"
    "$to_sierra" "$here" "kraken_contracts::$name::${entry#*:}" "$sierra"
    "$to_casm" --allowed-libfuncs-list-file "$libfuncs_list" "$sierra" "$casm"
    echo "compiled $name"
done
