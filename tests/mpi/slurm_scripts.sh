#!/bin/bash
# The slurm/ scripts' behaviour without Slurm:
# - strong_scaling.sh / weak_scaling.sh -n (dry run): one sbatch line per
#   node count with the right --nodes / --ntasks-per-node / output file, the
#   weak series' --set growing with the ranks, and the manifest;
# - run.sbatch with fake srun / scontrol / cubie on PATH: SIGUSR1 to the
#   batch script reaches cubie, status 3 requeues the job; a restart passes
#   --resume and drops --force; SIGTERM stops without requeueing.
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

# ---- strong series, dry run ----
"$slurm/strong_scaling.sh" -n -g 4 -o "$work/strong" "$deck" 1 2 8 -- --set run.memory_limit=1GiB \
  > "$work/strong.out" 2> "$work/strong.err" || fail "strong_scaling.sh -n exited $?"
[[ $(wc -l < "$work/strong.out") -eq 3 ]] || fail "strong: expected 3 sbatch lines"
expect_line "$work/strong.out" "^sbatch .*--nodes=8 --ntasks-per-node=4 --gpus-per-task=1 .*run\.sbatch .*deck\.yaml -o .*/strong_n8\.nc --force --timing --set run\.memory_limit=1GiB"
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
# fake srun: drop srun's own options, become the task (one task)
while [[ $# -gt 0 && $1 == -* ]]; do shift; done
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

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "ok"
