#!/bin/bash
# The slurm/ scripts' behaviour without Slurm:
# - strong_scaling.sh / weak_scaling.sh -n (dry run): one sbatch line per
#   node count with the right --nodes / --ntasks-per-node / output file, the
#   weak series' --set growing with the ranks, and the manifest;
# - run.sbatch with fake srun / scontrol / cubie on PATH: SIGUSR1 to the
#   batch script reaches cubie, status 3 requeues the job; a restart passes
#   --resume and drops --force; SIGTERM stops without requeueing; the job's
#   CPUs reach srun and OMP_NUM_THREADS, never a GPU request; the signal
#   lead reaches cubie; %a is the array index; srun's own failure is named.
# - the drivers' detection of GPU or CPU nodes (fake sinfo) and job arrays
#   of repeats.
# tests/slurm/ runs the same scripts against a real Slurm.
# usage: slurm_scripts.sh SLURM_DIR WORK_DIR
set -u
slurm=$1
work=$2
rm -rf "$work"
mkdir -p "$work/bin"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
expect_line() { # FILE REGEX
  grep -Eq -- "$2" "$1" || fail "$1 has no line matching '$2'"
}

deck=$work/deck.yaml
echo "model: {}" > "$deck"

# A fake sinfo for the drivers' detection: FAKE_GRES (%G) and FAKE_CPUS (%c).
cat > "$work/bin/sinfo" <<'FAKE'
#!/bin/bash
case "$*" in
  *%G*) echo "${FAKE_GRES:-(null)}" ;;
  *%c*) echo "${FAKE_CPUS:-2}" ;;
esac
FAKE
chmod +x "$work/bin/sinfo"
PATH="$work/bin:$PATH"

# ---- strong series, dry run, on GPU nodes (sinfo shows gpu GRES) ----
FAKE_GRES=gpu:4 "$slurm/strong_scaling.sh" -n -g 4 -o "$work/strong" "$deck" 1 2 8 -- --set run.memory_limit=1GiB \
  > "$work/strong.out" 2> "$work/strong.err" || fail "strong_scaling.sh -n exited $?"
[[ $(wc -l < "$work/strong.out") -eq 3 ]] || fail "strong: expected 3 sbatch lines"
expect_line "$work/strong.out" "^sbatch .*--nodes=8 --ntasks-per-node=4 .*--gpus-per-task=1 .*run\.sbatch .*deck\.yaml -o .*/strong_n8\.nc --force --timing --set run\.memory_limit=1GiB"
grep -q -- '--cpus-per-task' "$work/strong.out" && fail "strong on GPU nodes set --cpus-per-task"
# ... and on CPU nodes (no GRES, 64 CPUs): no GPU asked for, the node's CPUs
# shared by its ranks; -R 3: one array of three repeats per node count,
# serialised (-s) one at a time, each writing its own file.
FAKE_CPUS=64 "$slurm/strong_scaling.sh" -n -s -g 2 -R 3 -o "$work/cpu" "$deck" 1 4 \
  > "$work/cpu.out" 2> "$work/cpu.err" || fail "strong_scaling.sh on CPU nodes exited $?"
grep -q -- '--gpus' "$work/cpu.out" && fail "strong on CPU nodes asked for GPUs"
expect_line "$work/cpu.out" "^sbatch .*--nodes=4 --ntasks-per-node=2 .*--cpus-per-task=32 --array=1-3%1 .*-o .*/strong_n4_r%a\.nc --force --timing"
expect_line "$work/cpu.out" "--output=.*/strong_n1_r%a\.log"
[[ $(wc -l < "$work/cpu/manifest.tsv") -eq 7 ]] || fail "cpu: manifest should have a header and 6 lines"
expect_line "$work/cpu/manifest.tsv" $'^strong\t4\t8\t-\tdry-run_2\t.*/strong_n4_r2\\.nc\t.*/strong_n4_r2\\.log$'
# The array index reaches cubie: run.sbatch replaces %a in its arguments.
[[ $(wc -l < "$work/strong/manifest.tsv") -eq 4 ]] || fail "strong: manifest should have a header and 3 lines"
expect_line "$work/strong/manifest.tsv" $'^strong\t2\t8\t-\tdry-run\t.*/strong_n2\\.nc\t.*/strong_n2\\.log$'
# a bad node count is refused
"$slurm/strong_scaling.sh" -n -o "$work/bad" "$deck" 1 two 2> /dev/null && fail "strong accepted node count 'two'"

# ---- weak series, dry run ----
"$slurm/weak_scaling.sh" -n -g 2 -a rho -r 0,50 -k 100 -o "$work/weak" "$deck" 1 4 \
  > "$work/weak.out" 2> "$work/weak.err" || fail "weak_scaling.sh -n exited $?"
expect_line "$work/weak.out" 'weak_n1\.nc --force --timing --set batch\.sweep\.rho\.linspace=\\\[0\\,50\\,200\\\]'
expect_line "$work/weak.out" '--nodes=4 --ntasks-per-node=2 .*weak_n4\.nc --force --timing --set batch\.sweep\.rho\.linspace=\\\[0\\,50\\,800\\\]'
expect_line "$work/weak/manifest.tsv" $'^weak\t4\t8\t800\tdry-run\t'
"$slurm/weak_scaling.sh" -n -a rho -r 0 -k 10 -o "$work/bad" "$deck" 1 2> /dev/null && fail "weak accepted -r 0"

# ---- run.sbatch with fakes ----
cat > "$work/bin/srun" <<'FAKE'
#!/bin/bash
# fake srun: record and drop srun's own options, become the task (one
# task); FAKE_SRUN_FAIL=1: fail as srun does on a bad resource request
opts=()
while [[ $# -gt 0 && $1 == -* ]]; do opts+=("$1"); shift; done
printf '%s\n' "${opts[@]}" > "$FAKE_DIR/srun.args"
if [[ ${FAKE_SRUN_FAIL:-0} == 1 ]]; then
  echo "srun: error: Invalid generic resource (gres) specification" >&2
  exit 1
fi
exec "$@"
FAKE
cat > "$work/bin/scontrol" <<'FAKE'
#!/bin/bash
# fake scontrol: records requeues; `show` (config, node) says nothing
[[ $1 == requeue ]] && echo "$*" >> "$FAKE_DIR/scontrol.log"
exit 0
FAKE
cat > "$work/bin/cubie" <<'FAKE'
#!/bin/bash
# fake cubie: records its arguments, stops with status 3 on USR1/TERM
printf '%s\n' "$@" > "$FAKE_DIR/cubie.args"
echo "OMP_NUM_THREADS=${OMP_NUM_THREADS:-} CUBIE_SIGNAL_LEAD=${CUBIE_SIGNAL_LEAD:-}" > "$FAKE_DIR/cubie.env"
stop=""
trap 'stop=USR1' USR1
trap 'stop=TERM' TERM
touch "$FAKE_DIR/started"
[[ ${FAKE_QUICK:-0} == 1 ]] && exit 0
for _ in $(seq 300); do
  if [[ -n $stop ]]; then
    echo "$stop" > "$FAKE_DIR/cubie.signal"
    exit 3
  fi
  sleep 0.05
done
exit 0
FAKE
chmod +x "$work/bin/"*
export FAKE_DIR=$work CUBIE=$work/bin/cubie SLURM_JOB_ID=4242 PATH="$work/bin:$PATH"

# run_batch SIGNAL RESTART_COUNT: start run.sbatch, signal it once cubie runs.
run_batch() {
  rm -f "$work/started" "$work/cubie.signal" "$work/scontrol.log" "$work/cubie.args"
  SLURM_RESTART_COUNT=$2 bash "$slurm/run.sbatch" "$deck" --force -o "$work/out.nc" \
    > "$work/batch.out" 2> "$work/batch.err" &
  local pid=$!
  for _ in $(seq 200); do
    [[ -e $work/started ]] && break
    sleep 0.05
  done
  [[ -n $1 ]] && kill -s "$1" "$pid"
  wait "$pid"
}

run_batch USR1 0
status=$?
[[ $status -eq 3 ]] || fail "USR1: run.sbatch exited $status, expected 3"
[[ $(cat "$work/cubie.signal" 2> /dev/null) == USR1 ]] || fail "USR1 did not reach cubie"
[[ $(cat "$work/scontrol.log" 2> /dev/null) == "requeue 4242" ]] || fail "USR1 + status 3 did not requeue"
expect_line "$work/cubie.args" '^--force$'
grep -q -- '--resume' "$work/cubie.args" && fail "first start passed --resume"

FAKE_QUICK=1 run_batch "" 1
status=$?
[[ $status -eq 0 ]] || fail "restart: run.sbatch exited $status"
expect_line "$work/cubie.args" '^--resume$'
grep -q -- '--force' "$work/cubie.args" && fail "restart kept --force"
expect_line "$work/cubie.args" '^-o$'
[[ -e $work/scontrol.log ]] && fail "a finished restart requeued"

run_batch TERM 0
status=$?
[[ $status -eq 3 ]] || fail "TERM: run.sbatch exited $status, expected 3"
[[ $(cat "$work/cubie.signal" 2> /dev/null) == TERM ]] || fail "TERM did not reach cubie"
[[ -e $work/scontrol.log ]] && fail "TERM (scancel) requeued the job"

CUBIE_MAX_RESTARTS=2 run_batch USR1 2
[[ -e $work/scontrol.log ]] && fail "requeued past CUBIE_MAX_RESTARTS"

# The job's shape reaches srun and cubie: 8 CPUs on the node for 2 tasks
# -> 4 each; the signal lead from SBATCH_SIGNAL; %a -> the array index.
FAKE_QUICK=1 SLURM_CPUS_ON_NODE=8 SLURM_TASKS_PER_NODE='2(x3)' SBATCH_SIGNAL=B:USR1@300 \
  SLURM_ARRAY_TASK_ID=7 bash "$slurm/run.sbatch" "$deck" -o "$work/out_%a.nc" \
  > "$work/shape.out" 2> "$work/shape.err" || fail "shape: run.sbatch exited $?"
expect_line "$work/srun.args" '^--cpus-per-task=4$'
grep -q -- '--gpus' "$work/srun.args" && fail "run.sbatch asked srun for GPUs"
expect_line "$work/cubie.env" '^OMP_NUM_THREADS=4 CUBIE_SIGNAL_LEAD=300$'
expect_line "$work/cubie.args" '/out_7\.nc$'
FAKE_QUICK=1 SLURM_CPUS_PER_TASK=6 SLURM_CPUS_ON_NODE=24 bash "$slurm/run.sbatch" "$deck" \
  > "$work/shape.out" 2> "$work/shape.err" || fail "shape: run.sbatch exited $?"
expect_line "$work/srun.args" '^--cpus-per-task=6$'
expect_line "$work/cubie.env" '^OMP_NUM_THREADS=6 CUBIE_SIGNAL_LEAD=120$'

# srun failing on its own is said to be srun's failure, not cubie's.
FAKE_SRUN_FAIL=1 bash "$slurm/run.sbatch" "$deck" > "$work/srunfail.out" 2> "$work/srunfail.err"
status=$?
[[ $status -eq 1 ]] || fail "srun failure: run.sbatch exited $status, expected 1"
expect_line "$work/srunfail.err" '^run\.sbatch: srun itself failed \(status 1\)'
expect_line "$work/srunfail.err" 'Invalid generic resource'
grep -q "cubie failed" "$work/srunfail.err" && fail "srun's failure was blamed on cubie"

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "ok"
