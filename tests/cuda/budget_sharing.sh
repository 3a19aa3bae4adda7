#!/usr/bin/env bash
# The memory budget is split only among ranks that share a physical device.
# With the stand-in driver (each device: 10 GiB free, 80 % usable = 8 GiB):
# 1 rank -> 8 GiB; 2 ranks on 2 devices -> 8 GiB each; 2 ranks on 1 device
# -> 4 GiB each; 2 ranks each given its own device through CUDA_VISIBLE_DEVICES
# (as Slurm's --gpus-per-task does) -> 8 GiB each.
# Usage: budget_sharing.sh MPIEXEC NPFLAG CUBIE FAKE_LIBCUDA SOURCE_DIR WORK_DIR
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 fake=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
deck="$src/inputs/decay.yaml"
export CUBIE_CUDA_LIBRARY=$fake
budget() { grep -o "memory budget [0-9.]* [A-Za-z]*" "$1" | sort -u; }
extra=()
if [ "$(nproc)" -lt 2 ]; then extra=(--oversubscribe); fi

FAKE_CUDA_DEVICES=1 "$cubie" run "$deck" --backend cuda -o "$work/one.nc" --timing -q 2> "$work/one.log"
FAKE_CUDA_DEVICES=2 "$mpiexec" "$npflag" 2 "${extra[@]}" -x CUBIE_CUDA_LIBRARY -x FAKE_CUDA_DEVICES=2 \
  "$cubie" run "$deck" --backend cuda -o "$work/two.nc" --timing -q 2> "$work/two.log"
"$mpiexec" "$npflag" 2 "${extra[@]}" -x CUBIE_CUDA_LIBRARY -x FAKE_CUDA_DEVICES=1 \
  "$cubie" run "$deck" --backend cuda -o "$work/shared.nc" --timing -q 2> "$work/shared.log"
"$mpiexec" "${extra[@]}" -x CUBIE_CUDA_LIBRARY -x FAKE_CUDA_DEVICES=1 \
  "$npflag" 1 -x CUDA_VISIBLE_DEVICES=0 "$cubie" run "$deck" --backend cuda -o "$work/pertask.nc" --timing -q : \
  "$npflag" 1 -x CUDA_VISIBLE_DEVICES=1 "$cubie" run "$deck" --backend cuda -o "$work/pertask.nc" --timing -q \
  2> "$work/pertask.log"

one=$(budget "$work/one.log")
echo "1 rank: $one; 2 ranks, 2 devices: $(budget "$work/two.log"); 2 ranks, 1 device: $(budget "$work/shared.log"); per-task devices: $(budget "$work/pertask.log")"
[ "$one" = "memory budget 8.0 GiB" ] || { echo "unexpected single-rank budget"; exit 1; }
[ "$(budget "$work/two.log")" = "$one" ] || { echo "ranks on different devices must not split a budget"; exit 1; }
[ "$(budget "$work/shared.log")" = "memory budget 4.0 GiB" ] || { echo "ranks sharing a device must split it"; exit 1; }
[ "$(budget "$work/pertask.log")" = "$one" ] || { echo "per-task devices must not split a budget"; exit 1; }
