#!/bin/bash
# scaling_common.sh — what strong_scaling.sh and weak_scaling.sh share:
# their common options, one sbatch submission (a job array of repeats) per
# node count, and the manifest that plot_scaling.py reads. Sourced by them;
# not run on its own.
#
# Common options (both drivers):
#   -g R         ranks per node (default 4)
#   -G N         GPUs per rank: 1 on GPU nodes, 0 on CPU nodes (default:
#                detected — 1 when `sinfo` shows gpu GRES on the partition's
#                nodes, else 0)
#   -c N         CPUs per rank (default: unset with GPUs; on CPU nodes the
#                node's CPUs shared by its ranks, from `sinfo`)
#   -R K         repeats: each node count is one job array of K elements
#                (--array=1-K), each writing its own file; plot_scaling.py
#                keeps the fastest per rank count (default 1: a plain job)
#   -o OUTDIR    where output files, logs and the manifest go
#   -t TIME      time limit per job (sbatch --time, default 01:00:00)
#   -p PART      partition;  -A ACCOUNT  account
#   -s           serialise: each job starts after the previous one ended
#                (and the repeats of an array one at a time), so jobs never
#                share the file system with each other
#   -x OPTS      extra sbatch options (split on spaces)
#   -n           dry run: print the sbatch commands and write the manifest,
#                submit nothing (job id "dry-run")
#
# The manifest (OUTDIR/manifest.tsv) has a header line and one line per job
# (per array element):
#   kind  nodes  ranks  points  job  file  log
# where points is the swept axis length of a weak-scaling job ("-" for
# strong) and job is JOBID or JOBID_INDEX.

scaling_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ranks_per_node=4
gpus_per_rank=auto
cpus_per_rank=auto
repeats=1
partition=""
outdir=""
time_limit=01:00:00
dry_run=0
serial=0
sbatch_extra=()
previous_job=""
manifest=""

# The calling script's header comment, as its usage text.
scaling_usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

scaling_fail() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

# scaling_option LETTER VALUE: handle a common option; status 1 if not one.
scaling_option() {
  local more=()
  case $1 in
    g) ranks_per_node=$2 ;;
    G) gpus_per_rank=$2 ;;
    c) cpus_per_rank=$2 ;;
    R) repeats=$2 ;;
    o) outdir=$2 ;;
    t) time_limit=$2 ;;
    p) partition=$2; sbatch_extra+=(--partition="$2") ;;
    A) sbatch_extra+=(--account="$2") ;;
    x) read -r -a more <<< "$2"; sbatch_extra+=("${more[@]}") ;;
    s) serial=1 ;;
    n) dry_run=1 ;;
    *) return 1 ;;
  esac
}

scaling_positive() {
  [[ $1 =~ ^[1-9][0-9]*$ ]] || scaling_fail "$2 '$1' is not a positive integer"
}

# What the partition's nodes have (sinfo): sets gpus_per_rank and
# cpus_per_rank where they are "auto". Without sinfo (a dry run away from
# the cluster) it assumes CPU nodes and leaves the CPUs to Slurm.
scaling_detect() {
  local part=() gres cpus
  [[ -n $partition ]] && part=(-p "$partition")
  if ! command -v sinfo > /dev/null 2>&1; then
    [[ $gpus_per_rank == auto ]] && gpus_per_rank=0
    [[ $cpus_per_rank == auto ]] && cpus_per_rank=""
    echo "$(basename "$0"): no sinfo here: assuming CPU nodes (give -G/-c to say otherwise)" >&2
    return 0
  fi
  if [[ $gpus_per_rank == auto ]]; then
    gres=$(sinfo -h "${part[@]}" -o %G 2> /dev/null | tr '\n' ' ' || true)
    if [[ $gres == *gpu* ]]; then gpus_per_rank=1; else gpus_per_rank=0; fi
  fi
  if [[ $cpus_per_rank == auto ]]; then
    cpus_per_rank=""
    if [[ $gpus_per_rank -eq 0 ]]; then
      # The smallest node of the partition, shared by its ranks.
      cpus=$(sinfo -h "${part[@]}" -o %c 2> /dev/null | tr -dc '0-9\n' | sort -n | head -n 1 || true)
      if [[ $cpus =~ ^[0-9]+$ ]] && [[ $cpus -ge $ranks_per_node ]]; then
        cpus_per_rank=$((cpus / ranks_per_node))
      fi
    fi
  fi
  echo "$(basename "$0"): $ranks_per_node rank(s) per node, ${gpus_per_rank} GPU(s) per rank," \
       "${cpus_per_rank:-the default number of} CPU(s) per rank" >&2
}

# scaling_start DECK: check the common settings, create OUTDIR and the manifest.
scaling_start() {
  scaling_positive "$ranks_per_node" "-g"
  scaling_positive "$repeats" "-R"
  [[ $gpus_per_rank == auto || $gpus_per_rank =~ ^[0-9]+$ ]] || scaling_fail "-G '$gpus_per_rank' is not a number"
  [[ $cpus_per_rank == auto ]] || scaling_positive "$cpus_per_rank" "-c"
  scaling_detect
  [[ -r $1 ]] || scaling_fail "cannot read deck '$1'"
  mkdir -p "$outdir"
  outdir=$(cd "$outdir" && pwd)
  manifest=$outdir/manifest.tsv
  printf 'kind\tnodes\tranks\tpoints\tjob\tfile\tlog\n' > "$manifest"
}

# scaling_submit KIND NODES POINTS DECK FILE [cubie options...]: one job
# (an array of `repeats` elements) of NODES x ranks_per_node ranks writing
# FILE (with _rK before .nc per repeat); appends its manifest lines.
scaling_submit() {
  local kind=$1 nodes=$2 points=$3 deck=$4 file=$5
  shift 5
  local ranks=$((nodes * ranks_per_node)) job out log k
  out=$file
  log=${file%.nc}.log
  if [[ $repeats -gt 1 ]]; then
    # sbatch expands %a in --output; run.sbatch in the cubie options.
    out=${file%.nc}_r%a.nc
    log=${file%.nc}_r%a.log
  fi
  local cmd=(sbatch --parsable --job-name="cubie-$kind-n$nodes" --nodes="$nodes"
             --ntasks-per-node="$ranks_per_node" --time="$time_limit" --output="$log")
  [[ $gpus_per_rank -gt 0 ]] && cmd+=(--gpus-per-task="$gpus_per_rank")
  [[ -n $cpus_per_rank ]] && cmd+=(--cpus-per-task="$cpus_per_rank")
  if [[ $repeats -gt 1 ]]; then
    if [[ $serial -eq 1 ]]; then cmd+=(--array="1-$repeats%1"); else cmd+=(--array="1-$repeats"); fi
  fi
  cmd+=("${sbatch_extra[@]}")
  if [[ $serial -eq 1 && -n $previous_job ]]; then
    cmd+=(--dependency="afterany:$previous_job")
  fi
  cmd+=("$scaling_dir/run.sbatch" "$deck" -o "$out" --force --timing "$@")
  if [[ $dry_run -eq 1 ]]; then
    printf '%q ' "${cmd[@]}"
    printf '\n'
    job=dry-run
  else
    job=$("${cmd[@]}")
    job=${job%%;*}
    echo "$(basename "$0"): $nodes node(s), $ranks rank(s): job $job -> $out" >&2
  fi
  previous_job=$job
  if [[ $repeats -le 1 ]]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$nodes" "$ranks" "$points" "$job" "$out" "$log" \
      >> "$manifest"
    return 0
  fi
  for k in $(seq 1 "$repeats"); do
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$nodes" "$ranks" "$points" "${job}_$k" \
      "${out//%a/$k}" "${log//%a/$k}" >> "$manifest"
  done
}

scaling_finish() {
  echo "$(basename "$0"): manifest $manifest" >&2
  echo "$(basename "$0"): when the jobs are done: $scaling_dir/plot_scaling.py --manifest $manifest --out $outdir" >&2
}

# Read "NODES... [-- CUBIE_ARGS...]" into the globals nodes_list (node
# counts, each checked) and cubie_args (what follows --).
scaling_read_nodes() {
  nodes_list=()
  cubie_args=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    scaling_positive "$1" "node count"
    nodes_list+=("$1")
    shift
  done
  [[ ${1:-} == -- ]] && shift
  # shellcheck disable=SC2034  # nodes_list and cubie_args are for the caller
  cubie_args=("$@")
  [[ ${#nodes_list[@]} -gt 0 ]] || scaling_usage
}
