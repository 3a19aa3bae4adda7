#!/usr/bin/env bash
# Run one example deck as a user would (check, then run) and read the file
# back with netCDF4-python. Usage: run_deck.sh CUBIE PYTHON SOURCE_DIR DECK WORK_DIR
# (DECK is the path under inputs/ without .yaml: lorenz, stiff/hires)
set -euo pipefail
cubie=$1 python=$2 src=$3 name=$4 work=$5
rm -rf "$work" && mkdir -p "$work/$(dirname "$name")"
"$cubie" check "$src/inputs/$name.yaml" > "$work/plan.txt"
grep -q "^runs:" "$work/plan.txt"
"$cubie" run "$src/inputs/$name.yaml" -o "$work/$name.nc"
"$python" "$src/tests/integration/check_output.py" "$name" "$work/$name.nc"
