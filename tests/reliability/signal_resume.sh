#!/usr/bin/env bash
# SIGUSR1 to a running 2-rank job (through mpiexec, as Slurm's --signal does
# through the batch script): exit status 3 ("interrupted, resumable"), the
# file is not complete, and --resume completes it byte-identically.
# Usage: signal_resume.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=interrupt_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/interrupt_common.sh"
start_job stopped.nc
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
