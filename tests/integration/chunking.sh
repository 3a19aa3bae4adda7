#!/usr/bin/env bash
# Chunked runs must be byte-identical to unchunked ones, on 1 and 3 ranks:
#  - Lorenz with a memory limit that forces 7 run chunks, the last one short;
#  - Kepler (a long trajectory) with a memory limit below one run's
#    trajectory, so the time axis is chunked into >= 5 windows.
# Usage: chunking.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
compare="$src/tests/integration/compare_data.py"
ranks3=("$mpiexec" "$npflag" 3)
if [ "$(nproc)" -lt 3 ]; then ranks3+=(--oversubscribe); fi

# Lorenz: 256 runs; 2.6 MB holds ~40 runs' double-buffered trajectories.
lorenz="$src/inputs/lorenz.yaml"
plan=$("$cubie" check "$lorenz" --set run.memory_limit=2.6MB)
echo "$plan" | grep -E "chunk axis run: 7 chunks of 37 runs" \
  || { echo "expected 7 run chunks of 37 (last 34):"; echo "$plan"; exit 1; }
"$cubie" run "$lorenz" -o "$work/lorenz-whole.nc" -q
"$cubie" run "$lorenz" -o "$work/lorenz-chunked.nc" -q --set run.memory_limit=2.6MB
"${ranks3[@]}" "$cubie" run "$lorenz" -o "$work/lorenz-chunked-3.nc" -q --set run.memory_limit=2.6MB
"$python" "$compare" "$work/lorenz-whole.nc" "$work/lorenz-chunked.nc" "$work/lorenz-chunked-3.nc"

# Kepler: one run's trajectory is ~3 MB; a 2 MiB limit leaves only time.
kepler="$src/inputs/kepler.yaml"
plan=$("$cubie" check "$kepler" --set run.memory_limit=2MiB)
windows=$(echo "$plan" | sed -n 's/.*chunk axis time: \([0-9]*\) chunks.*/\1/p')
if [ -z "$windows" ] || [ "$windows" -lt 5 ]; then
  echo "expected >= 5 time windows:"; echo "$plan"; exit 1
fi
echo "kepler: $windows time windows"
"$cubie" run "$kepler" -o "$work/kepler-whole.nc" -q
"$cubie" run "$kepler" -o "$work/kepler-windows.nc" -q --set run.memory_limit=2MiB
"${ranks3[@]}" "$cubie" run "$kepler" -o "$work/kepler-windows-3.nc" -q --set run.memory_limit=2MiB
# Forcing the time axis on Lorenz too (many tiny windows, dense output across boundaries).
"$cubie" run "$lorenz" -o "$work/lorenz-time.nc" -q --set run.memory_limit=300kB --set run.chunk_axis=time
"$python" "$compare" "$work/kepler-whole.nc" "$work/kepler-windows.nc" "$work/kepler-windows-3.nc"
"$python" "$compare" "$work/lorenz-whole.nc" "$work/lorenz-time.nc"
