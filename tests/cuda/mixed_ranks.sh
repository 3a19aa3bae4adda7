#!/usr/bin/env bash
# Ranks whose `auto` choices differ (one sees a usable stand-in GPU, the
# other no driver) all run the lower choice, cpu, and say why; the binding
# table then shows no device for either. Skips (77) when NVRTC is missing,
# since then no rank can choose cuda.
# Usage: mixed_ranks.sh MPIEXEC NPFLAG CUBIE FAKE_LIBCUDA SOURCE_DIR WORK_DIR
set -uo pipefail
mpiexec=$1 npflag=$2 cubie=$3 fake=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
deck="$src/inputs/decay.yaml"
extra=()
if [ "$(nproc)" -lt 2 ]; then extra=(--oversubscribe); fi
if ! CUBIE_CUDA_LIBRARY=$fake FAKE_CUDA_DEVICES=1 "$cubie" info | grep -qF "cuda: available"; then
  echo "SKIPPED: NVRTC not found, so no rank can choose cuda"
  exit 77
fi
"$mpiexec" "${extra[@]}" -x FAKE_CUDA_DEVICES=1 \
  "$npflag" 1 -x CUBIE_CUDA_LIBRARY="$fake" "$cubie" run "$deck" -o "$work/mixed.nc" --timing : \
  "$npflag" 1 -x CUBIE_CUDA_LIBRARY=/nonexistent/libcuda.so.1 "$cubie" run "$deck" \
  -o "$work/mixed.nc" --timing > "$work/mixed.log" 2>&1 || { cat "$work/mixed.log"; exit 1; }
failures=0
for want in "cubie: backend cpu (auto: not every rank can use cuda)" "cpu on 2 ranks" \
            "     0     0" "     1     0"; do
  grep -qF -- "$want" "$work/mixed.log" || { echo "FAIL: output lacks: $want"; failures=1; }
done
if [ "$(grep -cE '^ +[01] +0 .* cpu  -$' "$work/mixed.log")" != 2 ]; then
  echo "FAIL: both ranks should be bound to no device"; failures=1
fi
if [ $failures -ne 0 ]; then cat "$work/mixed.log"; exit 1; fi
echo "mixed ranks: both on cpu, as expected"
