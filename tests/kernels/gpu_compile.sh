#!/bin/bash
# gpu_compile.sh — every kernel variant (every method of kernels/methods.def
# x 2 precisions, methods that form a Jacobian also with fixed steps, every
# controller of kernels/controllers.def for tsit5, one explicit method, the
# last implicit method of each family with buffers in shared
# memory, dop853 with every summary metric) compiles with
# nvcc as CUDA C++ for sm_70, sm_80 and sm_90 (those this nvcc still
# supports; CUDA 13 dropped sm_70, sm_75 is then the oldest tried). The
# translation units are assembled as the host assembles them for NVRTC
# (prologue, model, run.h, entry_cuda.h). No GPU needed.
# usage: gpu_compile.sh KERNELS_DIR GENERATED_DIR TEST_DIR WORK_DIR   (exit 77 without nvcc)
#   GENERATED_DIR holds lists_generated.h (the build's generated/kernels)
set -u
kernels=$1 generated=$2 tests=$3 work=$4
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

# Rows: M(ID, "name", "aliases", "description", FAMILY, stages, order,
# error_order, fsal, dense_order, dense_degree, jacobian, dense_stages) and
# C(ID, "name", adaptive, ...).
methods=$(sed -n 's/^ *M(\([A-Z0-9_]*\),.*, \([A-Z0-9_]*\), [0-9]*, [0-9]*, \([0-9]*\), [0-9]*, [0-9]*, [0-9]*, \([0-9]*\), [0-9]*).*$/\1:\3:\4:\2/p' "$kernels/methods.def")
controllers=$(sed -n 's/^ *C(\([A-Z0-9_]*\), "[a-z]*", [01],.*$/\1/p' "$kernels/controllers.def")
[ -z "$methods" ] || [ -z "$controllers" ] && { echo "cannot read methods.def / controllers.def"; exit 1; }
variants=()
for prec in FLOAT32 FLOAT64; do
  declare -A implicit=() # the last implicit method of each family
  for m in $methods; do
    IFS=: read -r alg error_order jacobian family <<< "$m"
    if [ "$error_order" = 0 ]; then variants+=("$alg:FIXED:$prec:local"); else variants+=("$alg:PI:$prec:local"); fi
    if [ "$jacobian" != 0 ]; then variants+=("$alg:FIXED:$prec:local"); implicit[$family]=$alg; fi
  done
  for ctl in $controllers; do [ "$ctl" = PI ] || variants+=("TSIT5:$ctl:$prec:local"); done
  variants+=("DOPRI5:PI:$prec:shared" "DOP853:PI:$prec:allmetrics")
  for family in "${!implicit[@]}"; do variants+=("${implicit[$family]}:PI:$prec:shared:$family"); done
  unset implicit
done

compile() { # variant
  IFS=: read -r alg ctl prec buffers family <<< "$1"
  local tu="$work/${alg}_${ctl}_${prec}_${buffers}.cu"
  {
    echo "#define CUBIE_JIT_PASS 1"
    echo "#define CUBIE_PRECISION_$prec 1"
    echo "#define CUBIE_ALGORITHM_$alg 1"
    echo "#define CUBIE_CONTROLLER_$ctl 1"
    if [ "$buffers" = shared ] && [ "$alg" != DOPRI5 ]; then
      # an implicit method: its stages and the linear solver's LU shared
      # (the family's first buffer: Radau IIA's stage increments Z, the
      # other families' stages)
      # (auto: rodas5p's stages, owner RODAS5P, as many as the auto row's)
      first=STAGES owner=$family
      [ "$family" = RADAU ] && first=Z
      [ "$family" = AUTO ] && owner=RODAS5P
      echo "#define CUBIE_BUF_${owner}_${first}_LOC CUBIE_LOC_SHARED"
      echo "#define CUBIE_BUF_${owner}_${first}_OFFSET 0"
      echo '#define CUBIE_BUF_LINSOLVE_LU_LOC CUBIE_LOC_SHARED'
      echo '#define CUBIE_BUF_LINSOLVE_LU_OFFSET (CUBIE_METHOD_STAGES * CUBIE_N_STATES)'
      echo '#define CUBIE_SHARED_PER_RUN ((CUBIE_METHOD_STAGES + CUBIE_N_STATES) * CUBIE_N_STATES)'
      echo '#define CUBIE_BUF_LINSOLVE_JACOBIAN_LOC CUBIE_LOC_PERSISTENT'
      echo '#define CUBIE_BUF_LINSOLVE_JACOBIAN_OFFSET 0'
      echo '#define CUBIE_PERSISTENT_PER_RUN (CUBIE_N_STATES * CUBIE_N_STATES)'
    elif [ "$buffers" = shared ]; then
      echo '#define CUBIE_BUF_ERK_STAGES_LOC CUBIE_LOC_SHARED'
      echo '#define CUBIE_BUF_ERK_STAGES_OFFSET 0'
      echo '#define CUBIE_BUF_LOOP_STATE_LOC CUBIE_LOC_SHARED'
      echo '#define CUBIE_BUF_LOOP_STATE_OFFSET CUBIE_BUF_ERK_STAGES_SIZE'
      echo '#define CUBIE_SHARED_PER_RUN (CUBIE_BUF_ERK_STAGES_SIZE + CUBIE_N_STATES)'
      echo '#define CUBIE_BUF_LOOP_OUTPUTS_LOC CUBIE_LOC_PERSISTENT'
      echo '#define CUBIE_BUF_LOOP_OUTPUTS_OFFSET 0'
      echo '#define CUBIE_PERSISTENT_PER_RUN CUBIE_N_OUTPUTS'
    fi
    if [ "$buffers" = allmetrics ]; then echo '#define CUBIE_TEST_METRICS 3'; fi
    echo '#include "tu_prologue.h"'
    echo '#include "vdp_model.h"'
    echo '#include "summary_items.h"'
    echo '#include "run.h"'
    echo '#include "entry_cuda.h"'
  } > "$tu"
  if "$nvcc" -x cu -std=c++17 "${gencode[@]}" -I"$kernels" -I"$generated" -I"$tests" -c "$tu" -o "${tu%.cu}.o" \
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
