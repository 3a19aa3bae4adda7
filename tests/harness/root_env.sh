#!/usr/bin/env bash
# usage: root_env.sh CTEST BUILD_DIR
# As root: the MPI probe test passes from an environment without Open MPI's
# run-as-root permission (the harness must add it). Not root: skipped (77).
set -u
ctest=$1 build=$2
if [ "$(id -u)" != 0 ]; then
  echo "harness_root_env: skipped: not running as root (nothing to add)"
  exit 77
fi
out=$(env -u OMPI_ALLOW_RUN_AS_ROOT -u OMPI_ALLOW_RUN_AS_ROOT_CONFIRM \
      "$ctest" --test-dir "$build" -R '^harness_mpi_probe$' --output-on-failure 2>&1)
rc=$?
echo "$out"
if [ $rc -ne 0 ] || ! echo "$out" | grep -q "100% tests passed, 0 tests failed out of 1"; then
  echo "harness_root_env: the MPI probe failed as root without OMPI_ALLOW_RUN_AS_ROOT in the environment"
  exit 1
fi
echo "harness_root_env: MPI tests run as root without the caller's help"
