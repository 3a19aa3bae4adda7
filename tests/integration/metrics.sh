#!/usr/bin/env bash
# Every summary metric against numpy on the saved trajectory of the same run
# (check_metrics.py), for inputs/relaxation.yaml as shipped (metrics per
# variable) and with all 18 metrics for every variable (float64, float32,
# and windows of one save point, where d2xdt2 has nothing in window 0), and
# bit for bit the same numbers however the job is cut: time windows whose
# boundaries fall inside summary windows, run chunks, 3 ranks, and the
# per-variable form against the one-list form.
# Usage: metrics.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
ranks3=("$mpiexec" "$npflag" 3)
if [ "$(nproc)" -lt 3 ]; then ranks3+=(--oversubscribe); fi
deck="$src/inputs/relaxation.yaml"
check="$src/tests/integration/check_metrics.py"
compare="$src/tests/integration/compare_data.py"
units="x:m,v:m/s,clipped:1"
all='output.summaries.metrics=[mean, max, min, rms, std, extrema, max_magnitude, "peaks[3]",
  {negative_peaks: 2}, mean_std, std_rms, mean_std_rms, dxdt_max, dxdt_min, dxdt_extrema,
  d2xdt2_max, d2xdt2_min, d2xdt2_extrema]'

"$cubie" run "$deck" -o "$work/shipped.nc" -q
"$python" "$check" "$work/shipped.nc" 15 "$units"

"$cubie" run "$deck" -o "$work/all.nc" -q --set "$all"
"$python" "$check" "$work/all.nc" 81 "$units"
"$cubie" run "$deck" -o "$work/all32.nc" -q --set "$all" --set integrator.precision=float32 \
  --set integrator.rtol=1e-5 --set integrator.atol=1e-5
"$python" "$check" "$work/all32.nc" 81 "$units"
"$cubie" run "$deck" -o "$work/every-save.nc" -q --set "$all" --set output.summaries.every=0.05
"$python" "$check" "$work/every-save.nc" 81 "$units"

# Cut along time (windows of a few save points, inside summary windows of 40)
# and along runs, on 1 and 3 ranks: the same bytes.
plan=$("$cubie" check "$deck" --set "$all" --set run.memory_limit=30KiB --set run.chunk_axis=time)
echo "$plan" | grep -Eq "chunk axis time: [0-9]+ chunks of ([1-9]|[1-3][0-9]) save points" \
  || { echo "expected time windows shorter than a summary window:"; echo "$plan"; exit 1; }
"$cubie" run "$deck" -o "$work/all-windows.nc" -q --set "$all" \
  --set run.memory_limit=30KiB --set run.chunk_axis=time
"${ranks3[@]}" "$cubie" run "$deck" -o "$work/all-runs-3.nc" -q --set "$all" \
  --set run.memory_limit=40KiB --set run.chunk_axis=run
"$python" "$compare" "$work/all.nc" "$work/all-windows.nc" "$work/all-runs-3.nc"

# The per-variable form computes the same numbers as the one list.
"$python" - "$work/shipped.nc" "$work/all.nc" <<'PY'
import sys
import netCDF4
import numpy as np
with netCDF4.Dataset(sys.argv[1]) as a, netCDF4.Dataset(sys.argv[2]) as b:
    common = [n for n, v in a.variables.items() if "summary_time" in v.dimensions
              and n in b.variables and b[n].shape == v.shape]
    bad = [n for n in common if np.asarray(a[n][:]).tobytes() != np.asarray(b[n][:]).tobytes()]
    if len(common) < 10 or bad:
        sys.exit("per-variable vs one list: %d common, differ: %s" % (len(common), bad))
    print("per-variable = one list: %d variables" % len(common))
PY
echo "metrics: ok"
