#!/usr/bin/env bash
# --threads far beyond the cores (issue 13 §5): libgomp overflowed its stack
# with 100000 threads (SIGSEGV). Now the count is capped at 4 per usable
# core, the run completes, and both `run` and `check` say so.
# Usage: threads_cap.sh CUBIE PYTHON SOURCE_DIR WORK_DIR
set -uo pipefail
cubie=$1 python=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
deck="$src/inputs/decay.yaml"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

timeout 300 "$cubie" run "$deck" -o capped.nc --threads 100000 > run.out 2> run.err
status=$?
cat run.err
[ "$status" -eq 0 ] || fail "--threads 100000 exited $status, expected 0"
grep -q "100000 OpenMP threads were asked for (--threads / run.threads); using [0-9]*, 4 per core" run.err ||
  fail "run does not say the thread count was capped"
"$python" -c "import netCDF4,sys; sys.exit(0 if int(netCDF4.Dataset('capped.nc').getncattr('complete')) == 1 else 1)" ||
  fail "capped.nc is not complete"
"$cubie" check "$deck" --set run.threads=100000 > check.out 2>&1 || fail "check with run.threads=100000 failed"
grep -q "(100000 asked for: at most 4 per core)" check.out || fail "check does not show the cap: $(cat check.out)"
"$cubie" check "$deck" --set run.threads=1 > one.out 2>&1
grep -q "asked for" one.out && fail "a sane thread count was reported as capped"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: thread counts are capped and the cap is reported"
