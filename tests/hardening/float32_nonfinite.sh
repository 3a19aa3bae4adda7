#!/usr/bin/env bash
# float32 must see a run die of non-finite values as float64 does (issue 13
# §8): y' = 1 + sqrt(2 - y) reaches y = 2 at a finite time, after which the
# model has no real value. float64 reported `nonfinite`; float32 crept on
# below its resolution at y = 2 - ulp for 10^6 steps and reported
# `max_steps`.
# Usage: float32_nonfinite.sh CUBIE PYTHON WORK_DIR
set -uo pipefail
cubie=$1 python=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A method with dense output and one without (the check is in run.h, shared).
for alg in tsit5 rkf45; do
  for precision in float32 float64; do
    cat > edge.yaml <<DECK
model:
  states: {y: 1.0}
  equations: |
    dy = 1 + sqrt(2 - y)
integrator:
  algorithm: $alg
  duration: 2.0
  precision: $precision
output:
  file: edge.nc
DECK
    "$cubie" run edge.yaml --force -q > /dev/null 2>&1
    read -r status steps < <("$python" -c "
import netCDF4
d = netCDF4.Dataset('edge.nc')
print(int(d['status'][0]), int(d['accepted_steps'][0]) + int(d['rejected_steps'][0]))")
    # nonfinite (0x08) and not max_steps (0x04), in far fewer than 10^6 steps
    if (( (status & 8) == 0 || (status & 4) != 0 || steps > 100000 )); then
      fail "$alg $precision: status $status after $steps steps, expected nonfinite"
    fi
  done
done

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: float32 and float64 both report nonfinite"
