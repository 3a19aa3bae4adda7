#!/usr/bin/env bash
# Stopping a job by signal (issue 13 §15). Exit 3 ("interrupted, resumable")
# whenever the signal reaches cubie: a singleton run, or the ranks of an
# `mpiexec -n 2` job (as srun and scancel deliver it). SIGTERM to Open MPI's
# mpiexec itself is an abort that mpiexec always ends with status 1 (Open
# MPI 4 sets it before the ranks stop; no MCA parameter forwards SIGTERM):
# the README says so, and the file is still resumable to the uninterrupted
# result.
# Usage: signal_exit.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -uo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
deck="$src/tests/reliability/long_lorenz.yaml"
# One thread per rank and enough runs that a job is still running when the
# signal comes (a lightly loaded machine wrote all 3000 runs of two ranks
# before the signal reached mpiexec); results do not depend on threads.
small=(--set "batch.sweep.rho.linspace=[0, 50, 6000]" --set run.threads=1)
two=("$mpiexec" "$npflag" 2)
if [ "$(nproc)" -lt 2 ]; then two+=(--oversubscribe); fi
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
complete() { "$python" -c "import netCDF4,sys; print(int(netCDF4.Dataset(sys.argv[1]).getncattr('complete')))" "$1"; }
# Wait until $1 has some runs on disk.
started() {
  for _ in $(seq 1 300); do
    sleep 0.1
    "$python" "$src/tests/reliability/count_done.py" "$1" --at-least 250 2>/dev/null && return 0
  done
  return 1
}

"$cubie" run "$deck" "${small[@]}" -o reference.nc -q || { echo "reference run failed"; exit 1; }

# 1. Singleton: SIGTERM -> 3, resumable.
"$cubie" run "$deck" "${small[@]}" -o single.nc -q > single.log 2>&1 &
pid=$!
started single.nc || fail "the singleton job never wrote runs"
kill -TERM "$pid"
wait "$pid"
status=$?
[ "$status" -eq 3 ] || fail "singleton SIGTERM: exit $status, expected 3 ($(cat single.log))"

# 2. Two ranks, SIGTERM delivered to the ranks: mpiexec exits 3.
"${two[@]}" "$cubie" run "$deck" "${small[@]}" -o ranks.nc -q > ranks.log 2>&1 &
launcher=$!
started ranks.nc || fail "the 2-rank job never wrote runs"
pkill -TERM -P "$launcher" -f "$cubie run"
wait "$launcher"
status=$?
[ "$status" -eq 3 ] || fail "SIGTERM to the ranks: mpiexec exited $status, expected 3"
grep -q "is resumable" ranks.log || fail "SIGTERM to the ranks: no 'resumable' message"

# 3. SIGTERM to mpiexec: Open MPI's abort (status 1, documented), file resumable.
"${two[@]}" "$cubie" run "$deck" "${small[@]}" -o aborted.nc -q > aborted.log 2>&1 &
launcher=$!
started aborted.nc || fail "the 2-rank job never wrote runs"
kill -TERM "$launcher"
wait "$launcher"
status=$?
[ "$status" -ne 0 ] || fail "SIGTERM to mpiexec: exit 0"
grep -q "mpiexec. answers a SIGTERM of its" "$src/README.md" ||
  fail "the README does not say what SIGTERM to mpiexec does"

for f in single.nc ranks.nc aborted.nc; do
  [ "$(complete "$f")" = 0 ] || fail "$f is marked complete after a signal"
  "$cubie" run "$deck" "${small[@]}" -o "$f" --resume -q || fail "--resume of $f failed"
  "$python" "$src/tests/integration/compare_data.py" reference.nc "$f" > /dev/null ||
    fail "$f resumed differs from the reference"
done

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: signals stop jobs resumably, with the documented exit statuses"
