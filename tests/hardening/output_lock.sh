#!/usr/bin/env bash
# One job per output file (issue 13 §14): while a job writes a file, a
# second run, --force or --resume of it is refused (exit 2, naming the
# holder) and touches nothing; of two concurrent --resume, one computes the
# missing runs and the other is refused, so no run is computed twice.
# Usage: output_lock.sh CUBIE PYTHON SOURCE_DIR WORK_DIR
set -uo pipefail
cubie=$1 python=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
deck="$src/tests/reliability/long_lorenz.yaml"
# Long enough that the first job is still computing after the three
# refused attempts, also under the sanitizers (whose start-up and exit scan
# slow each attempt, not the compiled kernel): about 10 s of work alone.
small=(--set "batch.sweep.rho.linspace=[0, 50, 16000]")
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$cubie" run "$deck" "${small[@]}" -o job.nc -q > first.log 2>&1 &
first=$!
for _ in $(seq 1 200); do [ -f job.nc.lock ] && [ -f job.nc ] && break; sleep 0.05; done
[ -f job.nc.lock ] || fail "no lock file beside job.nc while it is written"
for mode in "" --force --resume; do
  # shellcheck disable=SC2086  # $mode is one word or none
  "$cubie" run "$deck" "${small[@]}" -o job.nc -q $mode 2> second.err
  status=$?
  [ "$status" -eq 2 ] || fail "a second job ($mode) exited $status, expected 2"
  grep -q "is being written by another cubie job (host .*, pid $first" second.err ||
    fail "the refusal ($mode) does not name the first job: $(cat second.err)"
done
kill -USR1 "$first"
wait "$first"
status=$?
[ "$status" -eq 3 ] || fail "the interrupted first job exited $status, expected 3"
[ -f job.nc.lock ] && fail "the lock file outlived its job"

# Two --resume at once: exactly one computes, the other is refused.
"$cubie" run "$deck" "${small[@]}" -o job.nc --resume > a.log 2>&1 &
a=$!
"$cubie" run "$deck" "${small[@]}" -o job.nc --resume > b.log 2>&1 &
b=$!
wait "$a"; sa=$?
wait "$b"; sb=$?
cat a.log b.log
if [ "$sa" -eq 0 ] && [ "$sb" -eq 2 ]; then winner=a.log
elif [ "$sa" -eq 2 ] && [ "$sb" -eq 0 ]; then winner=b.log
else fail "concurrent --resume exited $sa and $sb, expected one 0 and one 2"; winner=a.log
fi
if [ "$(grep -c "resumed job.nc" a.log b.log | awk -F: '{s += $2} END {print s}')" != 1 ]; then
  fail "more than one --resume computed runs"
fi
read -r lacked computed < <(sed -n 's/.*: \([0-9]*\) of [0-9]* runs were missing; computed \([0-9]*\)$/\1 \2/p' "$winner")
[ "${lacked:-x}" = "${computed:-y}" ] || fail "the resume computed $computed runs for $lacked missing"
"$python" -c "
import netCDF4, sys
d = netCDF4.Dataset('job.nc')
sys.exit(0 if int(d.getncattr('complete')) == 1 and int((d['status'][:] == 0).sum()) == 0 else 1)" ||
  fail "job.nc is not complete after the resume"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: one job per output file"
