#!/usr/bin/env bash
# A full disk, at creation and in the writer thread (issue 13 §6, §12, §13):
# never a crash, the whole message, the old file kept, no temporary left,
# and a file cut short by a full disk resumes to the uninterrupted result.
# Usage: disk_full.sh CUBIE PYTHON SHIM SOURCE_DIR WORK_DIR
set -uo pipefail
cubie=$1 python=$2 shim=$3 src=$4 work=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
deck="$src/inputs/lorenz.yaml"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Run cubie with writes to $1 refused once $2 bytes went in; the rest are args.
full_disk() {
  local file=$1 after=$2
  shift 2
  LD_PRELOAD=$shim CUBIE_TEST_ENOSPC_PATH="$work/$file" CUBIE_TEST_ENOSPC_AFTER=$after \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" timeout -s KILL 120 "$cubie" "$@"
}
complete() { "$python" -c "import netCDF4,sys; print(int(netCDF4.Dataset(sys.argv[1]).getncattr('complete')))" "$1"; }

"$cubie" run "$deck" -o reference.nc -q || { echo "the reference run failed"; exit 1; }
cp reference.nc old.nc

# 1. The file cannot even be created: exit 1 with the reason, no signal, and
#    --force has not cost the old file.
full_disk old.nc 0 run "$deck" -o old.nc --force -q 2> create.err
status=$?
cat create.err
[ "$status" -eq 1 ] || fail "creation on a full disk exited $status, expected 1"
grep -q "Segmentation\|signal" create.err && fail "creation on a full disk crashed"
grep -q "cubie: NetCDF error: cannot .*'old.nc'" create.err || fail "no message naming old.nc"
cmp -s old.nc reference.nc || fail "the old file was changed by a failed --force"
ls -a | grep -q 'cubie-tmp' && fail "a temporary file was left: $(ls -a)"

# 2. The disk fills while the writer thread writes: its own message, in
#    full; the file stays incomplete and --resume completes it.
full_disk cut.nc 300000 run "$deck" -o cut.nc -q 2> write.err
status=$?
cat write.err
[ "$status" -eq 1 ] || fail "a full disk while writing exited $status, expected 1"
grep -q "Segmentation\|signal" write.err && fail "a full disk while writing crashed"
grep -q "cubie: NetCDF error: cannot write variable '[a-z]*' of 'cut.nc': " write.err ||
  fail "the writer thread's message did not reach the user"
[ "$(complete cut.nc)" = 0 ] || fail "cut.nc is marked complete"
"$cubie" run "$deck" -o cut.nc --resume -q || fail "--resume after the disk was freed failed"
"$python" "$src/tests/integration/compare_data.py" reference.nc cut.nc || fail "the resumed file differs"

# 3. A device is never an output: not even with --force (/dev/full crashed HDF5).
"$cubie" run "$deck" -o /dev/full --force -q 2> dev.err
status=$?
cat dev.err
[ "$status" -eq 2 ] || fail "-o /dev/full exited $status, expected 2"
grep -q "not a regular file" dev.err || fail "-o /dev/full: no reason given"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: full disks at creation and while writing are reported and recovered from"
