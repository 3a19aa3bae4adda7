#!/usr/bin/env bash
# Only src/backends/ names a backend's hardware (issue 8, section 3).
#
# The rule: no file under src/ outside src/backends/, and no file under mpi/,
# contains "cuda" in any letter case — sources, headers, .def lists and
# READMEs alike. Everything else reaches a backend through its operations
# table (src/backends/backend.h) and the list src/backends/backends.def.
# Not covered, on purpose: kernels/ (the kernel's own device switch —
# entry_cuda.h, the __CUDACC__ guards of prelude.h and types.h — is how one
# kernel text compiles for every backend), tests/, docs/ and the build files.
# Allow-list: empty. A line that must name CUDA belongs in src/backends/.
#
# The scan is first run on a planted tree, so the test fails if the scan
# itself stops finding anything.
# Usage: only_backends_name_cuda.sh SOURCE_DIR
set -uo pipefail
root=${1:?source dir}

# scan ROOT: print every offending line (path relative to ROOT).
scan() {
  (cd "$1" && grep -rniI -- cuda src mpi 2>/dev/null | grep -v '^src/backends/')
}

plant=$(mktemp -d)
trap 'rm -rf "$plant"' EXIT
mkdir -p "$plant/src/run" "$plant/src/backends/cuda" "$plant/mpi"
echo '#include "backends/cuda/cuda_driver.h"' > "$plant/src/run/runner.c"
echo '/* CUDA_VISIBLE_DEVICES */' > "$plant/mpi/binding.h"
echo 'const char *v = "CUDA_VISIBLE_DEVICES";' > "$plant/src/backends/cuda/backend_cuda.c"
found=$(scan "$plant" | cut -d: -f1 | sort | tr '\n' ' ')
if [ "$found" != "mpi/binding.h src/run/runner.c " ]; then
  echo "FAIL: the scan of a planted tree found '$found', expected 'mpi/binding.h src/run/runner.c '"
  exit 1
fi

hits=$(scan "$root")
if [ -n "$hits" ]; then
  echo "FAIL: files outside src/backends/ name CUDA (move the code behind the backend's"
  echo "operations table, src/backends/backend.h, or reword the comment):"
  echo "$hits"
  exit 1
fi
echo "only src/backends/ names CUDA: $(cd "$root" && find src mpi -type f | grep -vc '^src/backends/') files checked"
