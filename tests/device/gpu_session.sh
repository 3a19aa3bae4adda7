#!/usr/bin/env bash
# One session on a lent GPU machine (see ../../docs/gpu.md, "Running on a
# lent GPU"): the machine has CUDA, CMake and Python with JAX/diffrax but no
# MPI, HDF5 or NetCDF and no network, so the Debian packages (.devdebs,
# fetched with ../shared/device/fetch-debs.sh) and the netCDF4/cftime wheels
# (.whl) travel with the tree. Usage, from the repository root:
#   tests/device/gpu_session.sh OUT_DIR [STEPS...]
# STEPS: build info gpu params bench stiff (default: all but stiff). Logs go to
# OUT_DIR. stiff: tests/bench/gpu_stiff.py (needs PyYAML among the .whl wheels;
# CuBIE through STIFF_ARGS="--cubie-python python3 ...", docs/benchmarks.md).
set -uo pipefail
out=${1:?output directory}
shift
steps=${*:-build info gpu params bench}
mkdir -p "$out"
P=/opt/deps
mkdir -p "$P"
for f in .devdebs/*.deb; do dpkg -x "$f" "$P"; done
export CMAKE_PREFIX_PATH=$P/usr PATH=$P/usr/bin:$PATH OPAL_PREFIX=$P/usr
export LD_LIBRARY_PATH=$P/usr/lib/x86_64-linux-gnu:$P/usr/lib/x86_64-linux-gnu/openmpi/lib:$P/usr/lib/x86_64-linux-gnu/hdf5/openmpi:${LD_LIBRARY_PATH:-}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export PKG_CONFIG_PATH=$P/usr/lib/x86_64-linux-gnu/pkgconfig PKG_CONFIG_SYSROOT_DIR=$P
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  && export PYTHONPATH=/tmp/site
export CUBIE_CACHE_DIR=/tmp/cubie-cache
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv > "$out/nvidia-smi.txt" 2>&1

for step in $steps; do
  case $step in
    build)
      { mpicc --showme && mpiexec -n 2 hostname; } > "$out/mpi.log" 2>&1
      rm -rf build-gpu
      timeout 300 bash -c "cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DCUBIE_NCDUMP=/bin/true \
        -DCUBIE_PYTHON=$(command -v python3) && cmake --build build-gpu -j16" > "$out/build.log" 2>&1
      echo "build: $?" >> "$out/summary.txt" ;;
    info)
      ./build-gpu/cubie info > "$out/info.log" 2>&1
      echo "info: $?" >> "$out/summary.txt" ;;
    gpu)
      timeout 300 ctest --test-dir build-gpu -L "${GPU_LABEL:-^gpu$}" --output-on-failure > "$out/ctest-gpu.log" 2>&1
      echo "ctest -L gpu: $?" >> "$out/summary.txt" ;;
    params)
      # Single-GPU parameters of the scaling model (docs/scaling.md §5).
      anchor=(inputs/lorenz.yaml --set model.parameters.beta=2.666 --set integrator.duration=1
              --set integrator.algorithm=tsit5 --set integrator.step_control=fixed
              --set integrator.dt=1e-3 --set integrator.precision=float32
              --set output.save_every= --set output.summaries= --set "output.save=[x, y, z]"
              --backend cuda --force --timing)
      rm -rf /tmp/cold-cache
      CUBIE_CACHE_DIR=/tmp/cold-cache ./build-gpu/cubie run "${anchor[@]}" -o /tmp/p-cold.nc \
        --set "batch.sweep.rho.linspace=[0, 21, 1024]" > "$out/params.log" 2>&1
      ls -la /tmp/cold-cache >> "$out/params.log"
      for e in 16 18 20 22; do
        echo "== N=2^$e" >> "$out/params.log"
        ./build-gpu/cubie run "${anchor[@]}" -o /tmp/p.nc --set "batch.sweep.rho.linspace=[0, 21, $((1 << e))]" >> "$out/params.log" 2>&1
      done
      echo "== N=2^22, 64 MiB memory limit (many chunks)" >> "$out/params.log"
      ./build-gpu/cubie check "${anchor[@]}" --set "batch.sweep.rho.linspace=[0, 21, 4194304]" \
        --set run.memory_limit=64MiB | grep memory >> "$out/params.log" 2>&1
      ./build-gpu/cubie run "${anchor[@]}" -o /tmp/p.nc --set "batch.sweep.rho.linspace=[0, 21, 4194304]" \
        --set run.memory_limit=64MiB >> "$out/params.log" 2>&1
      echo "== Lorenz example deck, 2 ranks on one GPU" >> "$out/params.log"
      mpiexec -n 2 ./build-gpu/cubie run inputs/lorenz.yaml --backend cuda -o /tmp/p2.nc --force --timing >> "$out/params.log" 2>&1
      echo "== Kepler, time-chunked on the GPU" >> "$out/params.log"
      ./build-gpu/cubie run inputs/kepler.yaml --backend cuda -o /tmp/k1.nc --force --timing >> "$out/params.log" 2>&1
      ./build-gpu/cubie run inputs/kepler.yaml --backend cuda -o /tmp/k2.nc --force -q --set run.memory_limit=2MiB >> "$out/params.log" 2>&1
      python3 tests/integration/compare_data.py /tmp/k1.nc /tmp/k2.nc >> "$out/params.log" 2>&1
      echo "params: $?" >> "$out/summary.txt" ;;
    bench)
      # shellcheck disable=SC2086  # BENCH_ARGS is a list of options
      timeout "${BENCH_TIMEOUT:-420}" python3 tests/bench/gpu_anchor.py build-gpu/cubie /tmp/anchor \
        --min-exp "${BENCH_MIN_EXP:-10}" --max-exp "${BENCH_MAX_EXP:-23}" --repeat "${BENCH_REPEAT:-3}" \
        ${BENCH_ARGS:-} --csv "$out/gpu_anchor.csv" > "$out/gpu_anchor.md" 2> "$out/gpu_anchor.err"
      echo "bench: $?" >> "$out/summary.txt" ;;
    stiff)
      # shellcheck disable=SC2086  # STIFF_ARGS is a list of options
      timeout "${BENCH_TIMEOUT:-420}" python3 tests/bench/gpu_stiff.py --cubie build-gpu/cubie \
        --work-dir "${STIFF_WORK:-/tmp/stiff}" --repeats "${BENCH_REPEAT:-3}" ${STIFF_ARGS:-} \
        --csv "$out/gpu_stiff.csv" --markdown "$out/gpu_stiff.md" > "$out/gpu_stiff.log" 2>&1
      echo "stiff: $?" >> "$out/summary.txt" ;;
  esac
done
tail -n 3 "$out"/*.log "$out"/*.md 2>/dev/null | tail -n 60
cat "$out/summary.txt"
