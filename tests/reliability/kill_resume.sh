#!/usr/bin/env bash
# Kill one rank of a 2-rank job with SIGKILL half-way, then `cubie run
# --resume`: the file must end up byte-identical to an uninterrupted run, and
# the resumed job must have computed only the runs the file lacked.
# Usage: kill_resume.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=interrupt_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/interrupt_common.sh"
start_job killed.nc
victim=$(pgrep -f "$cubie run $deck -o killed.nc" | grep -v "^$launcher\$" | tail -n 1)
kill -9 "$victim"
wait "$launcher" && { echo "the killed job exited 0"; exit 1; }
done_before=$("$python" "$src/tests/reliability/count_done.py" killed.nc --complete 0)
echo "after the kill: $done_before runs on disk"

"${two[@]}" "$cubie" run "$deck" -o killed.nc --resume -q > resume.log 2>&1
cat resume.log
missing=$(sed -n 's/.*: \([0-9]*\) of \([0-9]*\) runs were missing; computed \([0-9]*\)$/\1 \2 \3/p' resume.log)
read -r lacked total computed <<< "$missing"
[ "$lacked" -eq $((total - done_before)) ] || { echo "resume saw $lacked missing, expected $((total - done_before))"; exit 1; }
[ "$computed" -eq "$lacked" ] || { echo "resume computed $computed runs, but $lacked were missing"; exit 1; }
"$python" "$src/tests/integration/compare_data.py" reference.nc killed.nc
