#!/bin/bash
# gpu_compile.sh — every kernel variant (11 methods x 2 precisions, every
# controller for tsit5, one with buffers in shared memory) compiles with
# nvcc as CUDA C++ for sm_70, sm_80 and sm_90 (those this nvcc still
# supports; CUDA 13 dropped sm_70, sm_75 is then the oldest tried). The
# translation units are assembled as the host assembles them for NVRTC
# (prologue, model, run.h, entry_cuda.h). No GPU needed.
# usage: gpu_compile.sh KERNELS_DIR TEST_DIR WORK_DIR   (exit 77 without nvcc)
set -u
kernels=$1 tests=$2 work=$3
nvcc=$(command -v nvcc || true)
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then echo "nvcc not found: skipped"; exit 77; fi
supported=$("$nvcc" --list-gpu-arch 2>/dev/null | tr '\n' ' ')
gencode=() archs=()
for sm in 70 75 80 90; do
  case " $supported " in *" compute_$sm "*)
    if [ "$sm" = 75 ] && [[ " ${archs[*]-} " == *" 70 "* ]]; then continue; fi
    gencode+=(-gencode "arch=compute_$sm,code=sm_$sm"); archs+=("$sm");;
  esac
done
[ ${#archs[@]} -eq 0 ] && { echo "nvcc supports none of sm_70/75/80/90"; exit 1; }
echo "nvcc: $nvcc; architectures: ${archs[*]}"
mkdir -p "$work"

variants=()
for prec in FLOAT32 FLOAT64; do
  for alg in EULER HEUN RALSTON RK4; do variants+=("$alg:FIXED:$prec:local"); done
  for alg in BS3 DOPRI5 TSIT5 CASH_KARP RKF45 DOP853 VERN7; do variants+=("$alg:PI:$prec:local"); done
  for ctl in FIXED I PID GUSTAFSSON; do variants+=("TSIT5:$ctl:$prec:local"); done
  variants+=("DOPRI5:PI:$prec:shared")
done

compile() { # variant
  IFS=: read -r alg ctl prec buffers <<< "$1"
  local tu="$work/${alg}_${ctl}_${prec}_${buffers}.cu"
  {
    echo "#define CUBIE_JIT_PASS 1"
    echo "#define CUBIE_PRECISION_$prec 1"
    echo "#define CUBIE_ALGORITHM_$alg 1"
    echo "#define CUBIE_CONTROLLER_$ctl 1"
    if [ "$buffers" = shared ]; then
      echo '#define CUBIE_BUF_STEP_STAGES_LOC CUBIE_LOC_SHARED'
      echo '#define CUBIE_BUF_STEP_STAGES_OFFSET 0'
      echo '#define CUBIE_BUF_LOOP_STATE_LOC CUBIE_LOC_SHARED'
      echo '#define CUBIE_BUF_LOOP_STATE_OFFSET (CUBIE_RK_STAGES * CUBIE_N_STATES)'
      echo '#define CUBIE_SHARED_PER_RUN ((CUBIE_RK_STAGES + 1) * CUBIE_N_STATES)'
      echo '#define CUBIE_BUF_LOOP_OUTPUTS_LOC CUBIE_LOC_PERSISTENT'
      echo '#define CUBIE_BUF_LOOP_OUTPUTS_OFFSET 0'
      echo '#define CUBIE_PERSISTENT_PER_RUN CUBIE_N_OUTPUTS'
    fi
    echo '#include "tu_prologue.h"'
    echo '#include "vdp_model.h"'
    echo '#include "run.h"'
    echo '#include "entry_cuda.h"'
  } > "$tu"
  if "$nvcc" -x cu -std=c++17 "${gencode[@]}" -I"$kernels" -I"$tests" -c "$tu" -o "${tu%.cu}.o" \
       > "${tu%.cu}.log" 2>&1 && [ -s "${tu%.cu}.o" ]; then
    echo "ok   $1"
  else
    echo "FAIL $1"; cat "${tu%.cu}.log"; return 1
  fi
}

failed=0
running=0
for v in "${variants[@]}"; do
  compile "$v" &
  running=$((running + 1))
  if [ $running -ge 2 ]; then wait -n || failed=1; running=$((running - 1)); fi
done
while [ $running -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
[ $failed -eq 0 ] && echo "all ${#variants[@]} variants compiled" || echo "some variants failed"
exit $failed
