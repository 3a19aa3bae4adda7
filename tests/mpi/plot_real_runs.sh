#!/usr/bin/env bash
# plot_scaling.py on timing records of real runs: the Lorenz deck on 1 and 2
# ranks (local mpiexec, as a scaling study would submit them), then the plot
# script must read their per-rank timing variables and write the PNGs.
# Usage: plot_real_runs.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
for n in 1 2; do
  extra=()
  if [ "$(nproc)" -lt "$n" ]; then extra=(--oversubscribe); fi
  "$mpiexec" "$npflag" "$n" "${extra[@]}" "$cubie" run "$src/inputs/lorenz.yaml" \
    -o "$work/lorenz-$n.nc" -q
done
"$python" "$src/slurm/plot_scaling.py" --mode strong --out "$work/plots" "$work"/lorenz-*.nc
for png in speedup efficiency breakdown; do
  head -c 8 "$work/plots/$png.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" \
    || { echo "$png.png is not a PNG"; exit 1; }
done
# The table behind the plots has one row per rank count, with the runs of the file.
"$python" - "$work/plots/scaling.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ranks = sorted(int(r["ranks"]) for r in rows)
assert ranks == [1, 2], ranks
assert all(int(r["runs"]) == 256 for r in rows), rows
print("plot_real_runs: ok", [(r["ranks"], r["speedup"]) for r in rows])
PY
