# shellcheck shell=bash
# slurm_cluster.sh — a real single-node Slurm for one test (sourced, not run).
#
# Starts munged, slurmctld and slurmd from Debian's packages (slurm-wlm,
# munge) on localhost, with every file in a fresh temporary directory and
# ports nobody else on the machine is listening on, so tests (and other
# people's tests) can run side by side. Installs nothing: without the
# packages the test is skipped (exit 77, which CTest reports as skipped).
# The daemons, and any job still running, are stopped when the test exits,
# however it exits; only processes this file started are signalled, by
# their pid files.
#
#   source slurm_cluster.sh
#   slurm_cluster_start            # sets SLURM_CONF; sbatch, squeue, ... use it
#   job=$(sbatch --parsable ...)
#   slurm_wait_job "$job" 120      # until it has left the queue
#   slurm_job_field "$job" JobState
#
# Running as root (a container) is normal for slurmd; Open MPI then needs
# OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM), which the jobs inherit from here.

slurm_skip() {
  echo "SKIP: $*"
  exit 77
}

slurm_cluster_require() {
  local missing=()
  for tool in munged slurmctld slurmd sbatch squeue scontrol scancel srun sinfo; do
    command -v "$tool" > /dev/null 2>&1 || missing+=("$tool")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    slurm_skip "no ${missing[*]}: install Debian's slurm-wlm and munge to run the real-Slurm tests" \
      "(apt-get install slurm-wlm munge; .ci/run does)"
  fi
}

# A TCP port on 127.0.0.1 that nobody accepts connections on now (and the
# one after it).
slurm_free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null &&
       ! (exec 3<> "/dev/tcp/127.0.0.1/$((port + 1))") 2> /dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

slurm_cluster_stop() {
  [[ -n ${SLURM_TEST_DIR:-} && -d $SLURM_TEST_DIR ]] || return 0
  if [[ -n ${SLURM_CONF:-} ]]; then
    scancel --quiet --user="$(id -un)" 2> /dev/null || true
    for _ in $(seq 50); do
      [[ -z $(squeue -h 2> /dev/null) ]] && break
      sleep 0.2
    done
  fi
  local pid
  for daemon in slurmd slurmctld munged; do
    pid=$(cat "$SLURM_TEST_DIR/$daemon.pid" 2> /dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && kill "$pid" 2> /dev/null
  done
  sleep 0.5
  for daemon in slurmd slurmctld munged; do
    pid=$(cat "$SLURM_TEST_DIR/$daemon.pid" 2> /dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2> /dev/null && kill -9 "$pid" 2> /dev/null
  done
  if [[ ${SLURM_KEEP_LOGS:-} != "" ]]; then
    mkdir -p "$SLURM_KEEP_LOGS" && cp "$SLURM_TEST_DIR"/log/*.log "$SLURM_KEEP_LOGS/" 2> /dev/null
  fi
  rm -rf "$SLURM_TEST_DIR"
}

slurm_cluster_start() {
  slurm_cluster_require
  # Short paths: munge's socket path must fit a sockaddr_un.
  SLURM_TEST_DIR=$(mktemp -d /tmp/cubie-slurm.XXXXXX)
  trap slurm_cluster_stop EXIT
  local d=$SLURM_TEST_DIR port user host cpus
  mkdir -p "$d/state" "$d/spool" "$d/log"
  chmod 700 "$d"
  port=$(slurm_free_port) || slurm_skip "no free TCP port on 127.0.0.1"
  user=$(id -un)
  host=$(hostname -s)
  cpus=$(nproc)
  dd if=/dev/urandom of="$d/munge.key" bs=1024 count=1 status=none
  chmod 600 "$d/munge.key"
  munged --force --socket="$d/munge.sock" --key-file="$d/munge.key" --pid-file="$d/munged.pid" \
    --log-file="$d/log/munged.log" --seed-file="$d/munged.seed" \
    || { cat "$d/log/munged.log" 2> /dev/null; echo "FAIL: munged did not start"; exit 1; }
  # Requeued jobs wait cred_expire seconds before they may start again
  # (120 by default); the scheduler looks at pending jobs every second.
  cat > "$d/slurm.conf" <<CONF
ClusterName=cubietest
# Job ids of their own: srun's PMIx directories (/tmp/spmix_appdir_UID_JOB.STEP)
# must not collide with another test cluster's.
FirstJobId=$((port * 10))
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge.sock,cred_expire=5
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MailProg=/bin/true
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
KillWait=30
NodeName=cubienode NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=cubienode Default=YES MaxTime=INFINITE State=UP
CONF
  [[ $user == root ]] || sed -i "s/^SlurmdUser=root$/SlurmdUser=$user/" "$d/slurm.conf"
  export SLURM_CONF=$d/slurm.conf
  slurmctld -f "$SLURM_CONF" -i || { echo "FAIL: slurmctld did not start"; exit 1; }
  slurmd -f "$SLURM_CONF" -N cubienode || { echo "FAIL: slurmd did not start"; exit 1; }
  for _ in $(seq 100); do
    sinfo -h -o %T 2> /dev/null | grep -q idle && break
    sleep 0.2
  done
  if ! sinfo -h -o %T 2> /dev/null | grep -q idle; then
    sinfo 2>&1
    tail -n 20 "$d"/log/*.log
    echo "FAIL: the test cluster's node never became idle"
    exit 1
  fi
  # Open MPI refuses to run as root unless told; the jobs inherit this.
  if [[ $(id -u) -eq 0 ]]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
  echo "slurm test cluster: $SLURM_CONF (port $port, $cpus CPUs)"
}

# slurm_wait_job JOB SECONDS: until JOB has left the queue (0), or time out (1).
slurm_wait_job() {
  local job=$1 limit=$2 start=$SECONDS
  while [[ $((SECONDS - start)) -lt $limit ]]; do
    [[ -z $(squeue -h -j "$job" 2> /dev/null) ]] && return 0
    sleep 0.5
  done
  echo "job $job still queued after $limit s:"
  squeue
  return 1
}

# slurm_job_field JOB FIELD: a field of `scontrol show job` (kept for a
# while after the job ended), e.g. JobState, Restarts, ExitCode.
slurm_job_field() {
  scontrol -o show job "$1" 2> /dev/null | tr ' ' '\n' | awk -F= -v f="$2" '$1 == f {print $2}'
}

# slurm_dump: what to look at when a test fails.
slurm_dump() {
  squeue 2>&1
  tail -n 30 "$SLURM_TEST_DIR"/log/slurmctld.log "$SLURM_TEST_DIR"/log/slurmd.log 2> /dev/null
}
