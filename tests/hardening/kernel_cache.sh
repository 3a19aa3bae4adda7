#!/usr/bin/env bash
# The kernel cache under attack (issue 13 §1, docs/security.md). Before:
# a shared object planted under the cache key ran its constructor in the
# victim's `cubie run`, a truncated one gave SIGBUS, any directory was used.
# Now: a planted or truncated object is never loaded but rebuilt (on every
# rank: ranks > 0 load the bytes rank 0 broadcast), results are unchanged,
# a new cache is 0700, and a group/world-writable or foreign-owned cache is
# refused (exit 2) before anything in it is read.
# Usage: kernel_cache.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -uo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
deck="$src/inputs/decay.yaml"
export CUBIE_CACHE_DIR="$work/cache/kernels"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
same() { # same.nc other.nc: every saved variable equal, bit for bit
  "$python" - "$1" "$2" <<'PY'
import sys, numpy as np, netCDF4
a, b = (netCDF4.Dataset(p) for p in sys.argv[1:3])
for v in ("y", "exact", "error", "status"):
    if not np.array_equal(a[v][:], b[v][:]): sys.exit(f"{v} differs")
if int(b.getncattr("complete")) != 1: sys.exit("not complete")
PY
}

"$cubie" run "$deck" -o ref.nc -q || fail "the first run failed"
[ "$(stat -c %a "$work/cache/kernels")" = 700 ] || fail "new cache is not 0700"
[ "$(stat -c %a "$work/cache")" = 700 ] || fail "new cache parent is not 0700"
so=$(ls "$CUBIE_CACHE_DIR"/cpu-*.so 2>/dev/null | head -1)
[ -n "$so" ] && [ -f "$so.sha256" ] || fail "no object with its digest in the cache"
ls -d "$CUBIE_CACHE_DIR"/build-* 2>/dev/null && fail "build directories left in the cache"
[ "$(sha256sum < "$so" | cut -c1-64)" = "$(cut -c1-64 "$so.sha256")" ] || fail "digest is not the object's"

# A planted object: its constructor must never run.
cat > evil.c <<C
#include <stdio.h>
__attribute__((constructor)) static void planted(void) {
  FILE *f = fopen("$work/PLANTED", "a"); if (f) { fputs("ran\n", f); fclose(f); }
}
int cubie_cpu_run_chunk(void) { return 0; }
C
cc -shared -fPIC -o evil.so evil.c || fail "cannot build the planted object"
cp evil.so "$so"
"$cubie" run "$deck" -o planted.nc -q 2> planted.err || fail "run over a planted object failed: $(cat planted.err)"
[ -e PLANTED ] && fail "the planted object's constructor ran"
same ref.nc planted.nc || fail "results over a planted object differ"
cmp -s "$so" evil.so && fail "the planted object was left in the cache"
# ... nor on the other ranks, which load what rank 0 broadcast.
cp evil.so "$so"
"$mpiexec" "$npflag" 2 "$cubie" run "$deck" -o planted2.nc -q 2> planted2.err ||
  fail "2-rank run over a planted object failed: $(cat planted2.err)"
[ -e PLANTED ] && fail "the planted object's constructor ran under mpiexec"
same ref.nc planted2.nc || fail "2-rank results over a planted object differ"

# A truncated object (SIGBUS before) is rebuilt.
truncate -s 4096 "$so"
"$cubie" run "$deck" -o truncated.nc -q 2> truncated.err
status=$?
[ "$status" -eq 0 ] || fail "run over a truncated object exited $status: $(cat truncated.err)"
same ref.nc truncated.nc || fail "results over a truncated object differ"

# Shared directories are refused before anything in them is read.
cp evil.so "$so"
chmod 777 "$CUBIE_CACHE_DIR"
"$cubie" run "$deck" -o shared.nc -q 2> shared.err
status=$?
[ "$status" -eq 2 ] || fail "a world-writable cache: exit $status, expected 2"
grep -q "kernel cache '$CUBIE_CACHE_DIR' is writable by everyone" shared.err ||
  fail "no clear message for a world-writable cache: $(cat shared.err)"
[ -e shared.nc ] && fail "output left by a refused run"
chmod 770 "$CUBIE_CACHE_DIR"
"$cubie" run "$deck" -o group.nc -q 2> group.err
[ $? -eq 2 ] && grep -q "writable by its group" group.err || fail "a group-writable cache was used"
chmod 700 "$CUBIE_CACHE_DIR"
if [ "$(id -u)" = 0 ]; then
  chown 65534 "$CUBIE_CACHE_DIR"
  "$cubie" run "$deck" -o foreign.nc -q 2> foreign.err
  status=$?
  [ "$status" -eq 2 ] || fail "a foreign-owned cache: exit $status, expected 2"
  grep -q "belongs to another user" foreign.err || fail "no clear message: $(cat foreign.err)"
  chown 0 "$CUBIE_CACHE_DIR"
fi
"$cubie" run "$deck" --set "run.cache_dir=$work/deck-cache" -o deckdir.nc -q || fail "run.cache_dir run failed"
[ "$(stat -c %a "$work/deck-cache")" = 700 ] || fail "run.cache_dir is not created 0700"
[ -e PLANTED ] && fail "the planted object's constructor ran"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: planted and truncated kernels are rebuilt, shared caches refused"
