#!/bin/sh
# Stand-in for blockifier's `starknet-native-compile` (see ARCHITECTURE.md, "Departures").
#
# blockifier's `cairo_native` feature has a build script that `cargo install`s the
# starknet-native-compile binary (a whole second Cairo Native build) unless a binary
# answering `--version` with the required version already sits in the target dir. Kraken
# compiles Sierra to native code in-process (kraken-execution's engine) and never runs
# that binary, so `make setup` puts this script there instead. It answers the build
# script's version probe and refuses everything else.
case "$1" in
  --version)
    echo "kraken stand-in for starknet-native-compile 0.7.3 (Kraken compiles in-process; this binary is never used)"
    ;;
  *)
    echo "starknet-native-compile: not installed; Kraken compiles Sierra to native code in-process" >&2
    exit 1
    ;;
esac
