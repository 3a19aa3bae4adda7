#!/usr/bin/env bash
# Backend choice through the real `cubie` when CUDA is not usable: `auto`
# picks cpu and says why, `--backend cuda` is bad input (exit 2) with the
# reason, `cubie info` explains or lists devices. The driver is made absent
# (CUBIE_CUDA_LIBRARY=/nonexistent/...) or replaced by the stand-in
# (fake_cuda.c), so this gives the same answers on machines with a GPU.
# Usage: fallback.sh CUBIE SOURCE_DIR FAKE_LIBCUDA WORK_DIR
set -uo pipefail
cubie=$1 src=$2 fake=$3 work=$4
deck=$src/inputs/lorenz.yaml
small=(--set 'batch.sweep.rho.linspace=[0,50,8]' --set integrator.duration=1.0)
rm -rf "$work" && mkdir -p "$work"
failures=0

# run NAME EXPECTED_STATUS ENV... -- ARGS...: stdout+stderr to $work/NAME.out
run() {
  local name=$1 want=$2
  shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" "$cubie" "$@" > "$work/$name.out" 2>&1
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: exit status $got, expected $want"; cat "$work/$name.out"
    failures=$((failures + 1))
  fi
}
# has NAME TEXT: the output of NAME contains TEXT (fixed string)
has() {
  if ! grep -qF -- "$2" "$work/$1.out"; then
    echo "FAIL $1: output lacks: $2"; cat "$work/$1.out"
    failures=$((failures + 1))
  fi
}

absent=CUBIE_CUDA_LIBRARY=/nonexistent/libcuda.so.1
reason="/nonexistent/libcuda.so.1 not found: no NVIDIA driver on this machine"

run info_absent 0 "$absent" -- info
has info_absent "cuda: not available: $reason"
has info_absent "cpu:  available"
has info_absent "auto: takes cpu (auto: no CUDA device: $reason)"

run check_auto 0 "$absent" -- check "$deck" "${small[@]}"
has check_auto "backend:     cpu (auto: no CUDA device: $reason)"

run check_cuda 2 "$absent" -- check "$deck" "${small[@]}" --backend cuda
has check_cuda "cubie: error: backend 'cuda' was requested but no CUDA device is usable: $reason (use --backend cpu or run.backend: auto)"

run run_cuda 2 "$absent" -- run "$deck" "${small[@]}" --backend cuda -o "$work/never.nc"
has run_cuda "backend 'cuda' was requested but no CUDA device is usable: $reason"
if [ -e "$work/never.nc" ]; then echo "FAIL run_cuda: an output file was created"; failures=$((failures + 1)); fi

run run_deck_cuda 2 "$absent" -- run "$deck" "${small[@]}" --set run.backend=cuda -o "$work/never.nc"
has run_deck_cuda "no CUDA device is usable: $reason"

run run_auto 0 "$absent" -- run "$deck" "${small[@]}" -o "$work/auto.nc"
has run_auto "cubie: backend cpu (auto: no CUDA device: $reason)"
has run_auto "cpu on 1 rank"

# The cpu backend has no device list: the binding table says so, and a
# CUDA_VISIBLE_DEVICES in the environment is not recorded as if it applied.
run run_cpu_binding 0 "$absent" CUDA_VISIBLE_DEVICES=5 -- run "$deck" "${small[@]}" --backend cpu \
  -o "$work/cpu.nc" --timing
has run_cpu_binding "device  devices"
has run_cpu_binding "cpu  -"

# A driver that has no device.
nodev=(CUBIE_CUDA_LIBRARY="$fake" FAKE_CUDA_DEVICES=0)
nodev_reason="cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)"
run info_nodev 0 "${nodev[@]}" -- info
has info_nodev "cuda: not available: $nodev_reason"
run check_nodev 2 "${nodev[@]}" -- check "$deck" "${small[@]}" --backend cuda
has check_nodev "no CUDA device is usable: $nodev_reason"

# A (stand-in) device: listed, and chosen by `auto` when NVRTC loads too.
dev=(CUBIE_CUDA_LIBRARY="$fake" FAKE_CUDA_DEVICES=2)
run info_dev 0 "${dev[@]}" -- info
has info_dev "device 0: Fake GPU 0 (sm_90, 132 SMs, 79.2 GiB)"
has info_dev "device 1: Fake GPU 1 (sm_90, 132 SMs, 79.2 GiB)"
if grep -qF "NVRTC not found" "$work/info_dev.out"; then
  has info_dev "cuda: not available: a CUDA device is present but NVRTC not found"
else
  has info_dev "cuda: available: CUDA device available, NVRTC"
  run check_dev 0 "${dev[@]}" -- check "$deck" "${small[@]}"
  has check_dev "backend:     cuda (auto: a CUDA device is available)"
  has check_dev "cuda: Fake GPU 0 (sm_90, 132 SMs, 79.2 GiB), device 0"
  has check_dev "budget 8.0 GiB per rank"   # free memory (10 GiB) x 0.8
  # The whole run path through the CUDA backend (NVRTC compiles for real;
  # the stand-in records the launch but computes nothing, so only the flow
  # is checked here, not the numbers).
  run run_dev 0 "${dev[@]}" -- run "$deck" "${small[@]}" -o "$work/fake.nc" --timing
  has run_dev "cubie: backend cuda (auto: a CUDA device is available)"
  has run_dev "cuda on 1 rank"
  # One launch of the stand-in's 1.5 ms per work item: the probe piece,
  # then pieces sized by run.max_item_seconds (doubling from the probe).
  items=$(sed -n 's/.*rank 0: \([0-9]*\) work item(s).*/\1/p' "$work/run_dev.out")
  if [ -z "$items" ] || [ "$items" -lt 2 ]; then
    echo "FAIL run_dev: expected the probe and at least one more work item, got '$items'"
    failures=$((failures + 1))
  else
    has run_dev "in kernels $(awk -v n="$items" 'BEGIN { printf "%.6f", n * 0.0015 }') s"
  fi
  has run_dev "device  CUDA_VISIBLE_DEVICES"   # the binding table names cuda's list variable
  has run_dev "     0  (unset)"
  has info_dev "auto: takes cuda (auto: a CUDA device is available)"
fi

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "backend fallback: all cases as expected"
