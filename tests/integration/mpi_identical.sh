#!/usr/bin/env bash
# The same deck on 1, 2 and 3 ranks (and with extra --set arguments) must
# give byte-identical data variables.
# Usage: mpi_identical.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR DECK WORK_DIR [--set ...]
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 name=$6 work=$7
shift 7
rm -rf "$work" && mkdir -p "$work"
cores=$(nproc)
files=()
for n in 1 2 3; do
  extra=()
  if [ "$cores" -lt "$n" ]; then extra=(--oversubscribe); fi
  "$mpiexec" "$npflag" "$n" "${extra[@]}" "$cubie" run "$src/inputs/$name.yaml" \
    -o "$work/$name-$n.nc" "$@"
  files+=("$work/$name-$n.nc")
done
"$python" "$src/tests/integration/compare_data.py" "${files[@]}"
