#!/usr/bin/env bash
# A 2-rank job through slurm/run.sbatch on a real single-node Slurm: no GPU
# or CPU count in the script, the ranks started by srun (--mpi=pmix picked
# because this cluster has no MpiDefault), the file byte-identical to an
# uninterrupted local run, two ranks in its records, and plot_scaling.py
# reads it beside the 1-rank file.
# Usage: slurm_job.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# shellcheck source-path=SCRIPTDIR source=slurm_cluster.sh
source "$src/tests/slurm/slurm_cluster.sh"
slurm_cluster_start
: "$mpiexec" "$npflag"

deck=$src/inputs/lorenz.yaml
"$cubie" run "$deck" -o reference.nc -q --timing 2> /dev/null

job=$(CUBIE=$cubie sbatch --parsable -n 2 -o "$work/job.log" "$src/slurm/run.sbatch" "$deck" \
        -o "$work/sbatch.nc" --force --timing)
slurm_wait_job "$job" 120 || { cat job.log; slurm_dump; exit 1; }
cat job.log
state=$(slurm_job_field "$job" JobState)
[[ $state == COMPLETED ]] || { echo "FAIL: job $job ended $state"; slurm_dump; exit 1; }
grep -q "2 rank(s), 1 CPU(s) per rank" job.log || { echo "FAIL: job shape not in the log"; exit 1; }
grep -q "cpu on 2 ranks" job.log || { echo "FAIL: cubie did not run as 2 ranks"; exit 1; }
grep -q "^run.sbatch: cubie finished" job.log || { echo "FAIL: no success line"; exit 1; }
"$python" "$src/tests/integration/compare_data.py" reference.nc sbatch.nc
"$python" - sbatch.nc <<'PY'
import sys, netCDF4, numpy as np
with netCDF4.Dataset(sys.argv[1]) as ds:
    assert len(ds.dimensions["rank"]) == 2, "rank records"
    assert int(np.asarray(ds["rank_runs"][:]).sum()) == len(ds.dimensions["run"])
    assert int(ds["timing_attempts"][...]) == 1
PY
"$python" "$src/slurm/plot_scaling.py" --out plots reference.nc sbatch.nc
echo ok
