#!/usr/bin/env bash
# Progress moves during one long chunk and is exact at the end (issue 12 §2).
# The deck runs a few seconds as a single work item per rank; stderr is a
# file (not a terminal), so rank 0 prints a line every run.progress_interval
# (0.25 s). More than one line must appear before the final one — they can
# only come from the kernel's counter, read while the chunk runs — and the
# final line must say exactly 4000 / 4000. The backend line comes first,
# before any progress. --quiet prints none of it.
# Usage: progress_lines.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR RANKS [cubie options...]
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6 ranks=$7
shift 7
rm -rf "$work" && mkdir -p "$work" && cd "$work"
deck=$src/tests/integration/progress_deck.yaml
launch=("$mpiexec" "$npflag" "$ranks")
if [ "$(nproc)" -lt "$ranks" ]; then launch+=(--oversubscribe); fi

"${launch[@]}" "$cubie" run "$deck" -o progress.nc "$@" 2> stderr.txt > stdout.txt
cat stderr.txt
total=4000
during=$(grep -cE "^cubie: [0-9]+ / $total runs \([0-9.]+%\), .* runs/s, ETA " stderr.txt || true)
echo "progress lines before the end: $during"
[ "$during" -ge 2 ] || { echo "FAIL: expected more than one progress line during the chunk"; exit 1; }
grep -qE "^cubie: $total / $total runs \(100\.0%\) in " stderr.txt \
  || { echo "FAIL: no exact final line"; exit 1; }
# Never more than the total before the end, and never decreasing.
awk -v total=$total '/ runs\/s, ETA / { n = $2 + 0; if (n > total || n < last) bad = 1; last = n }
     END { exit bad }' stderr.txt || { echo "FAIL: a line went backwards or past the total"; exit 1; }
# The backend line is the first thing said, before any progress.
head -n 1 stderr.txt | grep -q "^cubie: backend " || { echo "FAIL: backend line not first"; exit 1; }
"$python" - progress.nc "$total" <<'PY'
import sys, netCDF4, numpy as np
with netCDF4.Dataset(sys.argv[1]) as ds:
    assert int(ds.getncattr("complete")) == 1
    assert int(np.asarray(ds["rank_runs"][:]).sum()) == int(sys.argv[2])
    assert int(ds["timing_attempts"][...]) == 1
PY

"${launch[@]}" "$cubie" run "$deck" -o quiet.nc -q "$@" --set 'batch.sweep.rho.linspace=[0,50,600]' \
  2> quiet.txt > /dev/null
[ ! -s quiet.txt ] || { echo "FAIL: --quiet printed:"; cat quiet.txt; exit 1; }
echo ok
