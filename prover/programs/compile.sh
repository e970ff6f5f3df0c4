#!/usr/bin/env bash
# Regenerates the compiled Cairo 0 programs next to their sources (proof mode).
# Needs cairo-lang 0.14.0.1 from PyPI (Python 3.9-3.11), e.g. in a venv:
#   python3 -m venv /tmp/cairo-venv && /tmp/cairo-venv/bin/pip install cairo-lang==0.14.0.1
#   CAIRO_COMPILE=/tmp/cairo-venv/bin/cairo-compile prover/programs/compile.sh
set -euo pipefail
cd "$(dirname "$0")"
CC="${CAIRO_COMPILE:-cairo-compile}"
for src in *.cairo; do
  "$CC" --proof_mode --cairo_path . "$src" --output "${src%.cairo}.json"
  echo "compiled $src -> ${src%.cairo}.json"
done
