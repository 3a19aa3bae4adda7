#!/usr/bin/env bash
# SIGUSR1 to a running 2-rank job (through mpiexec, as Slurm's --signal does
# through the batch script): exit status 3 ("interrupted, resumable"), the
# file is not complete, and --resume completes it byte-identically.
# Usage: signal_resume.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work" && cd "$work"
deck="$src/tests/reliability/long_lorenz.yaml"
two=("$mpiexec" "$npflag" 2)
if [ "$(nproc)" -lt 2 ]; then two+=(--oversubscribe); fi

"${two[@]}" "$cubie" run "$deck" -o reference.nc -q

"${two[@]}" "$cubie" run "$deck" -o stopped.nc -q > run.log 2>&1 &
launcher=$!
for _ in $(seq 1 300); do
  sleep 0.1
  if [ -f stopped.nc ] && "$python" "$src/tests/reliability/count_done.py" stopped.nc --at-least 2000 2>/dev/null; then
    break
  fi
done
kill -USR1 "$launcher"
status=0
wait "$launcher" || status=$?
cat run.log
[ "$status" -eq 3 ] || { echo "exit status $status, expected 3 (interrupted, resumable)"; exit 1; }
grep -q "is resumable" run.log
done_before=$("$python" "$src/tests/reliability/count_done.py" stopped.nc --complete 0)
echo "stopped with $done_before runs on disk"

"${two[@]}" "$cubie" run "$deck" -o stopped.nc --resume -q
"$python" "$src/tests/integration/compare_data.py" reference.nc stopped.nc
