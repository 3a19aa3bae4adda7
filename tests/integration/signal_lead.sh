#!/usr/bin/env bash
# The signal lead time (CUBIE_SIGNAL_LEAD, what slurm/run.sbatch exports
# from its --signal) against the work item bound: a warning when
# run.max_item_seconds is not shorter than the lead, or 0 (whole chunks);
# none when it is shorter, none with --quiet; the results never change.
# Usage: signal_lead.sh CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
cubie=$1 python=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work"
deck=$src/inputs/lorenz.yaml
fail() { echo "FAIL: $*"; exit 1; }

CUBIE_SIGNAL_LEAD=30 "$cubie" run "$deck" -o a.nc 2> a.err > /dev/null
grep -q "warning: run.max_item_seconds (60 s) is not shorter than the 30 s between the stop signal" a.err \
  || { cat a.err; fail "no warning for a 30 s lead and 60 s items"; }
CUBIE_SIGNAL_LEAD=120 "$cubie" run "$deck" -o b.nc 2> b.err > /dev/null
grep -q "warning" b.err && { cat b.err; fail "a warning for a 120 s lead"; }
CUBIE_SIGNAL_LEAD=30 "$cubie" run "$deck" -o c.nc --set run.max_item_seconds=0 2> c.err > /dev/null
grep -q "warning: run.max_item_seconds is 0 (a work item is a whole chunk)" c.err \
  || { cat c.err; fail "no warning for whole-chunk items"; }
CUBIE_SIGNAL_LEAD=30 "$cubie" run "$deck" -o d.nc -q 2> d.err > /dev/null
[ ! -s d.err ] || { cat d.err; fail "--quiet printed"; }
"$python" "$src/tests/integration/compare_data.py" a.nc b.nc c.nc d.nc
echo ok
