#!/usr/bin/env bash
# The JIT compiler on a leash (issue 13 §2). Before: SIGTERM was ignored
# while the compiler ran, SIGKILL left the compiler's processes and a
# build-* folder behind, and nothing bounded its time. With a compiler that
# never finishes (fake_cc.sh, which starts a child like cc1):
#   - run.compile_timeout ends it: exit 1 naming the key, no process left;
#   - SIGTERM to cubie ends it: exit 3 within seconds, no process left;
#   - SIGKILL to cubie: the compiler's whole group still goes, and the
#     build folder with it;
# and no build-* folder is ever left in the cache.
# Usage: compiler_leash.sh CUBIE SOURCE_DIR WORK_DIR
set -uo pipefail
cubie=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
deck="$src/inputs/decay.yaml"
export CUBIE_CACHE_DIR="$work/cache" CUBIE_CC="$src/tests/hardening/fake_cc.sh"
export FAKE_CC_PIDS="$work/pids"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
alive() { for p in $(cat "$FAKE_CC_PIDS" 2>/dev/null); do kill -0 "$p" 2>/dev/null && echo "$p"; done; }
gone() { # the fake compiler and its child end within a few seconds
  for _ in $(seq 1 100); do [ -z "$(alive)" ] && return 0; sleep 0.05; done
  fail "$1: compiler processes left running: $(alive)"
  for p in $(alive); do kill -9 "$p"; done
}
started() { for _ in $(seq 1 200); do [ -s "$FAKE_CC_PIDS" ] && return 0; sleep 0.05; done; fail "$1: the compiler never started"; }
no_build_dirs() { ls -d "$CUBIE_CACHE_DIR"/build-* 2>/dev/null && fail "$1: build folders left in the cache"; }

# The time limit.
: > "$FAKE_CC_PIDS"
start=$(date +%s)
"$cubie" run "$deck" -o t.nc -q --set run.compile_timeout=1 2> timeout.err
status=$?
[ "$status" -eq 1 ] || fail "compile_timeout: exit $status, expected 1"
grep -q "did not finish the kernel within run.compile_timeout (1 s)" timeout.err ||
  fail "compile_timeout: no clear message: $(cat timeout.err)"
[ $(( $(date +%s) - start )) -lt 30 ] || fail "compile_timeout took too long"
gone "compile_timeout"
no_build_dirs "compile_timeout"
"$cubie" check "$deck" --set run.compile_timeout=0 > zero.out 2>&1
[ $? -eq 2 ] && grep -q "run.compile_timeout must be > 0" zero.out || fail "compile_timeout 0 accepted"

# SIGTERM while compiling: exit 3 ("interrupted") promptly.
: > "$FAKE_CC_PIDS"
"$cubie" run "$deck" -o s.nc -q 2> term.err &
job=$!
started SIGTERM
kill -TERM "$job"
for _ in $(seq 1 200); do kill -0 "$job" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$job" 2>/dev/null; then fail "SIGTERM during the compile was ignored"; kill -9 "$job"; fi
wait "$job"
status=$?
[ "$status" -eq 3 ] || fail "SIGTERM during the compile: exit $status, expected 3 ($(cat term.err))"
gone SIGTERM
no_build_dirs SIGTERM
[ -e s.nc ] && fail "SIGTERM during the compile left an output file"

# SIGKILL: nothing can be forwarded, yet nothing is left behind.
: > "$FAKE_CC_PIDS"
"$cubie" run "$deck" -o k.nc -q 2> kill.err &
job=$!
started SIGKILL
kill -KILL "$job"
wait "$job" 2>/dev/null
gone SIGKILL
for _ in $(seq 1 60); do ls -d "$CUBIE_CACHE_DIR"/build-* > /dev/null 2>&1 || break; sleep 0.05; done
no_build_dirs SIGKILL

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: the compiler is bounded in time, stopped by signals and never orphaned"
