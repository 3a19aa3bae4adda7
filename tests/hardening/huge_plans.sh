#!/usr/bin/env bash
# Sweeps far too large to write (issue 13 §9). 2^62 runs: refused by check
# and run at the sweep (exit 2; before: a plan of "1 chunk, 0 B each" and a
# run that hung ignoring SIGTERM). 2^40 runs (~90 TiB of output): the plan is
# sane, and run refuses it before compiling because no disk here holds it
# (before: a million empty collective writes, then a crash).
# Usage: huge_plans.sh CUBIE WORK_DIR
set -uo pipefail
cubie=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
write_deck() {
  cat > "$1" <<DECK
model:
  states: {x: 1.0}
  parameters: {a: 1.0, b: 1.0}
  equations: dx = -a * b * x
integrator:
  duration: 1.0
batch:
  sweep:
    a: {linspace: [0.0, 1.0, $2]}
    b: {linspace: [0.0, 1.0, $2]}
output:
  file: huge.nc
DECK
}

write_deck e62.yaml 2147483648
for command in check run; do
  timeout -s KILL 60 "$cubie" $command e62.yaml > e62.out 2>&1
  status=$?
  [ "$status" -eq 2 ] || fail "2^62 runs: $command exited $status, expected 2"
  grep -q "e62.yaml:9:5: this plan cannot be written" e62.out || fail "2^62 runs: $command: $(cat e62.out)"
done

write_deck e40.yaml 1048576
timeout -s KILL 60 "$cubie" check e40.yaml > check.out 2>&1 || fail "2^40 runs: check failed: $(cat check.out)"
grep -q "chunks of [1-9][0-9]* runs, [1-9][0-9.]* [KMGT]iB each" check.out ||
  fail "2^40 runs: check shows no sane chunk plan: $(grep memory: check.out)"
start=$(date +%s)
timeout -s KILL 60 "$cubie" run e40.yaml > run.out 2>&1
status=$?
[ "$status" -eq 1 ] || fail "2^40 runs: run exited $status, expected 1 ($(cat run.out))"
grep -q "needs [1-9][0-9.]* TiB (uncompressed) but the file system of '.' has .* free: it cannot be written" run.out ||
  fail "2^40 runs: no reason given: $(cat run.out)"
[ $(($(date +%s) - start)) -lt 30 ] || fail "2^40 runs: refusing took $(($(date +%s) - start)) s"
ls -a | grep -q "huge.nc" && fail "a file was left: $(ls -a)"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: plans that cannot be written are refused up front"
