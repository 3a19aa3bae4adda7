#!/usr/bin/env bash
# Bitwise identity of outputs against an earlier revision: builds REV in a
# temporary folder, runs the same deck variants with both binaries (CPU
# backend; 1 and 3 ranks; every method and controller; float32; run and time
# chunking; static, weighted and dynamic decompositions) and compares every
# data variable byte for byte (tests/integration/compare_data.py).
# For refactors that must not change results. Not a CTest: it builds a
# second cubie. Usage (from the source tree, after building ./build):
#   tests/tools/identity_against.sh REV [NEW_CUBIE]
set -uo pipefail
rev=${1:?revision to compare against}
src=$(git rev-parse --show-toplevel)
new=${2:-$src/build/cubie}
py=/usr/bin/python3
work=$(mktemp -d /tmp/cubie-identity.XXXXXX)
trap 'rm -rf "$work"' EXIT
export OMPI_MCA_rmaps_base_oversubscribe=1
if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi

git -C "$src" archive "$rev" | tar -x -C "$work" --one-top-level=old
cmake -S "$work/old" -B "$work/old/build" -DBUILD_TESTING=OFF >/dev/null &&
  cmake --build "$work/old/build" -j"$(nproc)" --target cubie >/dev/null || { echo "cannot build $rev"; exit 1; }
old=$work/old/build/cubie

cases=$(cat <<'CASES'
decay 1
decay 3
kepler 1
kepler 3
lorenz 1
lorenz 3
oscillator 1
oscillator 3
vanderpol 1
vanderpol 3
lorenz 3 --set run.decomposition=dynamic
lorenz 3 --set run.decomposition=weighted
lorenz 1 --set run.memory_limit=200KiB --set run.chunk_axis=time
lorenz 3 --set run.memory_limit=300KiB --set run.chunk_axis=run
lorenz 1 --set integrator.precision=float32
lorenz 1 --set integrator.precision=float32 --set run.memory_limit=150KiB --set run.chunk_axis=time
lorenz 1 --set integrator.step_control=i
lorenz 1 --set integrator.step_control=pid
lorenz 1 --set integrator.step_control=gustafsson
lorenz 1 --set integrator.step_control=fixed --set integrator.dt=0.001
lorenz 1 --set output.summaries.metrics=[mean,max,min,rms]
lorenz 1 --set output.save_every= --set output.summaries=
vanderpol 1 --set integrator.algorithm=euler --set integrator.dt=0.001
vanderpol 1 --set integrator.algorithm=heun --set integrator.dt=0.001
vanderpol 1 --set integrator.algorithm=ralston --set integrator.dt=0.001
vanderpol 1 --set integrator.algorithm=rk4 --set integrator.dt=0.01
vanderpol 1 --set integrator.algorithm=bs3
vanderpol 1 --set integrator.algorithm=dopri5
vanderpol 1 --set integrator.algorithm=cash-karp
vanderpol 1 --set integrator.algorithm=rkf45
vanderpol 1 --set integrator.algorithm=dop853
vanderpol 1 --set integrator.algorithm=vern7
vanderpol 1 --set integrator.algorithm=dop853 --set integrator.precision=float32 --set integrator.rtol=1e-5 --set integrator.atol=1e-5
vanderpol 1 --set integrator.algorithm=vern7 --set run.memory_limit=56KiB --set run.chunk_axis=time
vanderpol 1 --set integrator.algorithm=bs3 --set run.memory_limit=56KiB --set run.chunk_axis=time
vanderpol 1 --set integrator.algorithm=rk4 --set integrator.dt=0.01 --set run.memory_limit=56KiB --set run.chunk_axis=time
kepler 1 --set integrator.algorithm=dopri5 --set integrator.step_control=pid
oscillator 1 --set buffers.loop.state=shared
lorenz 1 --set integrator.max_steps=50
CASES
)

run_case() { # BINARY OUT DECK NP ARGS...
  local bin=$1 out=$2 deck=$3 np=$4
  shift 4
  if [ "$np" = 1 ]; then
    "$bin" run "$src/inputs/$deck.yaml" -o "$out" --force --quiet --backend cpu "$@" </dev/null
  else
    mpiexec -n "$np" "$bin" run "$src/inputs/$deck.yaml" -o "$out" --force --quiet --backend cpu "$@" </dev/null
  fi
}

i=0 bad=0
while read -r deck np rest; do
  i=$((i + 1))
  eval "args=($rest)"
  for which in old new; do
    CUBIE_CACHE_DIR=$work/cache-$which run_case "${!which}" "$work/$which-$i.nc" "$deck" "$np" "${args[@]}" \
      >"$work/$which-$i.log" 2>&1
  done
  if ! r=$("$py" "$src/tests/tools/compare_common.py" "$work/old-$i.nc" "$work/new-$i.nc" 2>&1); then
    echo "differs: $deck on $np rank(s) $rest: $r"
    bad=$((bad + 1))
  fi
done <<< "$cases"
echo "identity against $rev: $((i - bad))/$i deck variants bitwise identical"
[ "$bad" -eq 0 ]
