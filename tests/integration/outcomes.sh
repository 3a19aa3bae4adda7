#!/usr/bin/env bash
# When runs fail, say where and why (issue 11 §5):
#  - a sweep with healthy runs, a blow-up (step_too_small) and two runs that
#    exhaust max_steps: the end of `cubie run` breaks the failures down by
#    cause; the exit status is 0, or 4 with --fail-on-run-error (0 again
#    when no run failed); t_final and <state>_final say where each run
#    stopped (check_outcomes.py); 3 ranks give the same breakdown and file;
#  - save_every that does not divide the duration: t_end is the last save
#    point, accurate, for an adaptive and a fixed-step method, and time
#    windows give a byte-identical file.
# Usage: outcomes.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
ranks3=("$mpiexec" "$npflag" 3)
if [ "$(nproc)" -lt 3 ]; then ranks3+=(--oversubscribe); fi
check="$src/tests/integration/check_outcomes.py"

cat > "$work/failing.yaml" <<'DECK'
model:
  name: failing
  states: {y: 1.0}
  parameters: {a: 1.0, b: 0.0}
  equations: |
    dy = a * y * y - b * (y - cos(t))
integrator:
  algorithm: dopri5
  duration: 2.0
  dt_min: 1.0e-9
  max_steps: 300
batch:
  grid: verbatim
  sweep:
    a: {values: [-1.0, 1.0, 0.1, 0.0, 0.0]}
    b: {values: [0.0, 0.0, 0.0, 1.0e5, 2.0e5]}
output:
  file: failing.nc
  save_every: 0.25
DECK

expect_status() { # expected-rc command...
  local want=$1; shift
  set +e; "$@" > "$work/out.txt" 2> "$work/err.txt"; local rc=$?; set -e
  if [ "$rc" != "$want" ]; then
    echo "expected exit status $want, got $rc: $*"; cat "$work/out.txt" "$work/err.txt"; exit 1
  fi
}
breakdown="cubie: failed: 2 runs max_steps, 1 step_too_small"

expect_status 0 "$cubie" run "$work/failing.yaml" -o "$work/failing.nc" --quiet
grep -q "^cubie: 5 runs, 3 failed" "$work/out.txt" || { cat "$work/out.txt"; exit 1; }
grep -q "^$breakdown" "$work/err.txt" || { echo "no breakdown '$breakdown':"; cat "$work/err.txt"; exit 1; }
expect_status 4 "$cubie" run "$work/failing.yaml" -o "$work/failing-flag.nc" --quiet --force \
  --fail-on-run-error
grep -q "^$breakdown" "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
"$python" "$check" failing "$work/failing.nc"
expect_status 4 "${ranks3[@]}" "$cubie" run "$work/failing.yaml" -o "$work/failing-3.nc" --quiet \
  --fail-on-run-error
[ "$(grep -c "^$breakdown" "$work/err.txt")" = 1 ] || { echo "rank 0 alone reports:"; cat "$work/err.txt"; exit 1; }
"$python" "$src/tests/integration/compare_data.py" "$work/failing.nc" "$work/failing-3.nc"
# No failure: --fail-on-run-error exits 0 and prints no breakdown.
expect_status 0 "$cubie" run "$work/failing.yaml" -o "$work/healthy.nc" --quiet --fail-on-run-error \
  --set "batch.sweep.a.values=[-1.0, 0.1]" --set "batch.sweep.b.values=[0.0, 0.0]"
if grep -q "failed:" "$work/err.txt"; then cat "$work/err.txt"; exit 1; fi

cat > "$work/ragged.yaml" <<'DECK'
model:
  name: ragged
  states: {y: 1.0}
  parameters: {k: 1.0}
  equations: |
    dy = -k * y
integrator:
  algorithm: dopri5
  duration: 1.0
  rtol: 1.0e-10
  atol: 1.0e-10
batch:
  sweep:
    k: {linspace: [0.5, 2.0, 4]}
output:
  file: ragged.nc
  save_every: 0.03
  summaries: {every: 0.09, metrics: [mean, max]}
DECK
"$cubie" check "$work/ragged.yaml" | grep -q "35 points, t = 0 .. 1 every 0.03 (duration is not a multiple" \
  || { "$cubie" check "$work/ragged.yaml"; exit 1; }
"$cubie" run "$work/ragged.yaml" -o "$work/ragged.nc" --quiet
"$python" "$check" ragged "$work/ragged.nc"
"$cubie" run "$work/ragged.yaml" -o "$work/ragged-rk4.nc" --quiet \
  --set integrator.algorithm=rk4 --set integrator.dt=0.007
"$python" "$check" ragged "$work/ragged-rk4.nc"
plan=$("$cubie" check "$work/ragged.yaml" --set run.memory_limit=1.5KiB --set run.chunk_axis=time)
echo "$plan" | grep -Eq "chunk axis time: ([3-9]|[1-9][0-9]+) chunks" || { echo "$plan"; exit 1; }
"$cubie" run "$work/ragged.yaml" -o "$work/ragged-windows.nc" --quiet \
  --set run.memory_limit=1.5KiB --set run.chunk_axis=time
"$python" "$src/tests/integration/compare_data.py" "$work/ragged.nc" "$work/ragged-windows.nc"
echo "outcomes: ok"
