#!/usr/bin/env bash
# Interrupting a 2-rank job of slurm/run.sbatch on a real single-node Slurm,
# then finishing it; the final file must be byte-identical to an
# uninterrupted run, and plot_scaling.py must read it as all its runs over
# all its attempts.
#   requeue    SIGUSR1 to the batch script (what --signal=B:USR1@N sends
#              before the time limit, here sent at once with scancel -b):
#              cubie stops after its work item, exits 3, the script
#              requeues the job, the restart resumes the file.
#   scancel    scancel (SIGTERM): the job stops resumable and is NOT
#              requeued; `sbatch run.sbatch DECK --resume` finishes it.
#   timelimit  the real thing: --time=1 with SBATCH_SIGNAL=B:USR1@58, so
#              Slurm itself signals every attempt until the file is done.
#              Slurm checks time limits about every 30 s, so the signal
#              comes 2 to ~32 s into an attempt: the job (one rank, so it
#              lasts about twice as long as the 2-rank reference) must run
#              longer than that.
# Usage: slurm_interrupt.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR MODE
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6 mode=$7
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# shellcheck source-path=SCRIPTDIR source=slurm_cluster.sh
source "$src/tests/slurm/slurm_cluster.sh"
slurm_cluster_start

deck=$src/tests/slurm/slurm_lorenz.yaml
sets=()
total=12000
# Long enough that Slurm's signal (up to ~30 s late) finds it running.
ranks=2
if [[ $mode == timelimit ]]; then
  # Size the sweep so one rank needs about 50 s on this machine: time 2000
  # runs first (the same deck, so the same cost per run).
  t0=$(date +%s.%N)
  "$cubie" run "$deck" --set 'batch.sweep.rho.linspace=[0.0,50.0,2000]' -o calibrate.nc -q
  t1=$(date +%s.%N)
  total=$(awk -v a="$t0" -v b="$t1" 'BEGIN { n = int(50 * 2000 / (b - a) / 1000 + 1) * 1000;
                                             if (n < 12000) n = 12000; if (n > 400000) n = 400000; print n }')
  echo "2000 runs took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s: the job gets $total runs"
  ranks=1
  sets=(--set "batch.sweep.rho.linspace=[0.0,50.0,$total]")
fi
two=("$mpiexec" "$npflag" 2)
[[ $(nproc) -lt 2 ]] && two+=(--oversubscribe)
"${two[@]}" "$cubie" run "$deck" "${sets[@]}" -o reference.nc -q
export CUBIE=$cubie

fail() {
  echo "FAIL: $*"
  cat "$work"/job*.log 2> /dev/null
  slurm_dump
  exit 1
}

# Wait until the job's file has at least $2 runs, then return.
wait_for_runs() {
  for _ in $(seq 600); do
    if [[ -f $1 ]] && "$python" "$src/tests/reliability/count_done.py" "$1" --at-least "$2" > /dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  fail "no runs appeared in $1"
}

submit=(sbatch --parsable -n "$ranks" -o "$work/job.log")
case $mode in
  requeue)
    # A lead time shorter than an item must be warned about in the log.
    job=$(CUBIE_SIGNAL_LEAD=1 "${submit[@]}" "$src/slurm/run.sbatch" "$deck" -o "$work/out.nc" --force)
    wait_for_runs out.nc 1000
    scancel --signal=USR1 --batch "$job"
    slurm_wait_job "$job" 240 || fail "job $job did not finish"
    cat job.log
    [[ $(slurm_job_field "$job" JobState) == COMPLETED ]] || fail "job ended $(slurm_job_field "$job" JobState)"
    [[ $(slurm_job_field "$job" Restarts) -ge 1 ]] || fail "the job was not requeued"
    grep -q "caught SIGUSR1" job.log || fail "the signal did not reach the script"
    grep -q "^run.sbatch: requeued" job.log || fail "no requeue in the log"
    grep -q "(restart 1)" job.log || fail "no restart in the log"
    grep -q "cubie: resumed .*out.nc" job.log || fail "the restart did not resume"
    grep -q "cubie: warning: run.max_item_seconds (1 s) is not shorter than the 1 s" job.log \
      || fail "no warning about the signal lead time"
    attempts=2
    ;;
  scancel)
    job=$("${submit[@]}" "$src/slurm/run.sbatch" "$deck" -o "$work/out.nc" --force)
    wait_for_runs out.nc 1000
    scancel "$job"
    slurm_wait_job "$job" 120 || fail "job $job did not stop"
    cat job.log
    [[ $(slurm_job_field "$job" Restarts) -eq 0 ]] || fail "scancel requeued the job"
    grep -q "stopped by SIGTERM; the file is resumable" job.log || fail "not stopped cleanly"
    done_before=$("$python" "$src/tests/reliability/count_done.py" out.nc --complete 0)
    echo "stopped with $done_before runs on disk"
    job=$(sbatch --parsable -n 2 -o "$work/job2.log" "$src/slurm/run.sbatch" "$deck" -o "$work/out.nc" --resume)
    slurm_wait_job "$job" 240 || fail "the --resume job did not finish"
    cat job2.log
    [[ $(slurm_job_field "$job" JobState) == COMPLETED ]] || fail "--resume job ended $(slurm_job_field "$job" JobState)"
    grep -q "cubie: resumed .*out.nc" job2.log || fail "--resume did not resume"
    attempts=2
    ;;
  timelimit)
    job=$(SBATCH_SIGNAL=B:USR1@58 "${submit[@]}" --time=1 "$src/slurm/run.sbatch" "$deck" "${sets[@]}" \
            -o "$work/out.nc" --force)
    slurm_wait_job "$job" 600 || fail "job $job did not finish"
    cat job.log
    [[ $(slurm_job_field "$job" JobState) == COMPLETED ]] || fail "job ended $(slurm_job_field "$job" JobState)"
    restarts=$(slurm_job_field "$job" Restarts)
    [[ $restarts -ge 1 ]] || fail "the time limit never requeued the job"
    grep -q "signal lead 58 s" job.log || fail "the lead time did not reach the script"
    grep -q "^run.sbatch: requeued" job.log || fail "no requeue in the log"
    grep -q "CANCELLED .* DUE TO TIME LIMIT" job.log && fail "an attempt was killed by the time limit"
    attempts=$((restarts + 1))
    ;;
  *) fail "unknown mode $mode" ;;
esac

"$python" "$src/tests/integration/compare_data.py" reference.nc out.nc
# All runs over all attempts, not the last attempt's share.
"$python" "$src/slurm/plot_scaling.py" --out plots out.nc
"$python" - plots/scaling.csv "$attempts" "$total" <<'PY'
import csv, sys
row = list(csv.DictReader(open(sys.argv[1])))[0]
assert int(row["attempts"]) == int(sys.argv[2]), row
assert int(row["runs"]) == int(sys.argv[3]), row
print("plot_scaling read", row["runs"], "runs over", row["attempts"], "attempts in", row["time_s"], "s")
PY
echo ok
