#!/usr/bin/env bash
# Stiffness detection (issue 9, issue 11 §5): van der Pol with mu = 1000 is
# stiff, with mu <= 2 it is not.
#  - dopri5 and tsit5 set the status bit looked_stiff (0x100) on exactly the
#    stiff runs, every run still succeeds, and the end of `cubie run` says
#    how many runs looked stiff ("cubie: looked stiff: 3 runs; try a stiff
#    method such as rodas5p (...)"), once, summed over ranks (3 ranks, each
#    holding one stiff run), and not with --quiet;
#  - the file is byte-identical in time windows, in run chunks and on 3 ranks;
#  - methods without a test (bs3) and fixed steps never set the bit;
#  - the non-stiff decks shipped in inputs/ (Lorenz, the harmonic
#    oscillator) never set it and print no advice.
# Usage: stiffness.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
ranks3=("$mpiexec" "$npflag" 3)
if [ "$(nproc)" -lt 3 ]; then ranks3+=(--oversubscribe); fi
compare="$src/tests/integration/compare_data.py"

cat > "$work/vdp.yaml" <<'DECK'
model:
  name: vdp
  states: {x: 2.0, y: 0.0}
  parameters: {mu: 1.0}
  equations: |
    dx = y
    dy = mu * (1 - x^2) * y - x
integrator:
  algorithm: dopri5
  rtol: 1.0e-6
  atol: 1.0e-6
  duration: 3.0
batch:
  grid: verbatim
  sweep:
    mu: {values: [1000.0, 1.0, 1000.0, 0.5, 1000.0, 2.0]}
output:
  file: vdp.nc
  save_every: 0.05
  summaries: {every: 0.5, metrics: [mean, max]}
DECK
advice="cubie: looked stiff: 3 runs; try a stiff method such as rodas5p (docs/algorithms.md#stiff-problems)"

# status: which runs looked stiff, and that every run succeeded.
check_bits() { # file expected-looked-stiff-runs (e.g. "0 2 4" or "")
  "$python" - "$1" "$2" <<'PY'
import sys
import netCDF4
import numpy as np
with netCDF4.Dataset(sys.argv[1]) as ds:
    status = np.asarray(ds["status"][:])
    masks = list(ds["status"].flag_masks)
    meanings = ds["status"].flag_meanings.split()
want = [int(r) for r in sys.argv[2].split()]
got = [int(r) for r in np.flatnonzero(status & 0x100)]
bad = []
if got != want:
    bad.append("looked_stiff on runs %s, expected %s (status %s)" % (got, want, [hex(s) for s in status]))
if not all(status & 0x01) or any(status & 0xDE):
    bad.append("every run should succeed: %s" % [hex(s) for s in status])
if meanings[masks.index(0x100)] != "looked_stiff":
    bad.append("flag_meanings does not name 0x100 looked_stiff: %s %s" % (masks, meanings))
if bad:
    sys.exit("%s: %s" % (sys.argv[1], "; ".join(bad)))
PY
}

for alg in dopri5 tsit5; do
  "$cubie" run "$work/vdp.yaml" -o "$work/$alg.nc" --set integrator.algorithm=$alg \
    > "$work/out.txt" 2> "$work/err.txt"
  grep -qx "$advice" "$work/err.txt" || { echo "$alg: no '$advice':"; cat "$work/err.txt"; exit 1; }
  grep -q "^cubie: 6 runs, 0 failed" "$work/out.txt" || { cat "$work/out.txt"; exit 1; }
  check_bits "$work/$alg.nc" "0 2 4"
  # --quiet leaves the advice out; the file is the same.
  "$cubie" run "$work/vdp.yaml" -o "$work/$alg-quiet.nc" --set integrator.algorithm=$alg --quiet \
    > "$work/out.txt" 2> "$work/err.txt"
  if grep -q "looked stiff" "$work/err.txt"; then echo "--quiet printed:"; cat "$work/err.txt"; exit 1; fi
  "$python" "$compare" "$work/$alg.nc" "$work/$alg-quiet.nc"
  # 3 ranks (two runs each, one of them stiff): one line, the sum.
  "${ranks3[@]}" "$cubie" run "$work/vdp.yaml" -o "$work/$alg-3.nc" --set integrator.algorithm=$alg \
    > "$work/out.txt" 2> "$work/err.txt"
  [ "$(grep -c "looked stiff" "$work/err.txt")" = 1 ] && grep -qx "$advice" "$work/err.txt" \
    || { echo "$alg on 3 ranks:"; cat "$work/err.txt"; exit 1; }
  # Time windows and run chunks.
  plan=$("$cubie" check "$work/vdp.yaml" --set run.memory_limit=3KiB --set run.chunk_axis=time)
  echo "$plan" | grep -Eq "chunk axis time: ([3-9]|[1-9][0-9]+) chunks" || { echo "$plan"; exit 1; }
  "$cubie" run "$work/vdp.yaml" -o "$work/$alg-windows.nc" --quiet --set integrator.algorithm=$alg \
    --set run.memory_limit=3KiB --set run.chunk_axis=time
  plan=$("$cubie" check "$work/vdp.yaml" --set run.memory_limit=3KiB --set run.chunk_axis=run)
  echo "$plan" | grep -Eq "chunk axis run: ([3-9]|[1-9][0-9]+) chunks" || { echo "$plan"; exit 1; }
  "$cubie" run "$work/vdp.yaml" -o "$work/$alg-chunks.nc" --quiet --set integrator.algorithm=$alg \
    --set run.memory_limit=3KiB --set run.chunk_axis=run
  "$python" "$compare" "$work/$alg.nc" "$work/$alg-3.nc" "$work/$alg-windows.nc" "$work/$alg-chunks.nc"
done

# No test: bs3 (no two stages at one time), and fixed steps.
for set in "integrator.algorithm=bs3" "integrator.step_control=fixed"; do
  "$cubie" run "$work/vdp.yaml" -o "$work/none.nc" --force --set "$set" --set integrator.dt=1.0e-4 \
    > "$work/out.txt" 2> "$work/err.txt"
  if grep -q "looked stiff" "$work/err.txt"; then echo "$set:"; cat "$work/err.txt"; exit 1; fi
  check_bits "$work/none.nc" ""
done

# Non-stiff decks as shipped: no bit, no advice.
for deck in lorenz oscillator; do
  "$cubie" run "$src/inputs/$deck.yaml" -o "$work/$deck.nc" > "$work/out.txt" 2> "$work/err.txt"
  if grep -q "looked stiff" "$work/err.txt"; then echo "$deck:"; cat "$work/err.txt"; exit 1; fi
  "$python" -c "
import sys, netCDF4, numpy as np
s = np.asarray(netCDF4.Dataset(sys.argv[1])['status'][:])
sys.exit('looked_stiff on %d runs' % np.count_nonzero(s & 0x100) if (s & 0x100).any() else 0)" "$work/$deck.nc"
done
echo "stiffness: ok"
