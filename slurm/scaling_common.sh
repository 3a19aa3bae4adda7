#!/bin/bash
# scaling_common.sh — what strong_scaling.sh and weak_scaling.sh share:
# their common options, one sbatch submission per node count, and the
# manifest that plot_scaling.py reads. Sourced by them; not run on its own.
#
# Common options (both drivers):
#   -g G         GPUs (ranks) per node (default 4)
#   -o OUTDIR    where output files, logs and the manifest go
#   -t TIME      time limit per job (sbatch --time, default 01:00:00)
#   -p PART      partition;  -A ACCOUNT  account
#   -s           serialise: each job starts after the previous one ended, so
#                jobs never share the file system with each other
#   -x OPTS      extra sbatch options (split on spaces)
#   -n           dry run: print the sbatch commands and write the manifest,
#                submit nothing (job id "dry-run")
#
# The manifest (OUTDIR/manifest.tsv) has a header line and one line per job:
#   kind  nodes  ranks  points  job  file  log
# where points is the swept axis length of a weak-scaling job ("-" for strong).

scaling_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
gpus=4
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
    g) gpus=$2 ;;
    o) outdir=$2 ;;
    t) time_limit=$2 ;;
    p) sbatch_extra+=(--partition="$2") ;;
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

# scaling_start DECK: check the common settings, create OUTDIR and the manifest.
scaling_start() {
  scaling_positive "$gpus" "-g"
  [[ -r $1 ]] || scaling_fail "cannot read deck '$1'"
  mkdir -p "$outdir"
  outdir=$(cd "$outdir" && pwd)
  manifest=$outdir/manifest.tsv
  printf 'kind\tnodes\tranks\tpoints\tjob\tfile\tlog\n' > "$manifest"
}

# scaling_submit KIND NODES POINTS DECK FILE [cubie options...]: one job of
# NODES x gpus ranks writing FILE; appends its manifest line.
scaling_submit() {
  local kind=$1 nodes=$2 points=$3 deck=$4 file=$5
  shift 5
  local ranks=$((nodes * gpus)) log=${file%.nc}.log job
  local cmd=(sbatch --parsable --job-name="cubie-$kind-n$nodes" --nodes="$nodes"
             --ntasks-per-node="$gpus" --gpus-per-task=1 --time="$time_limit" --output="$log"
             "${sbatch_extra[@]}")
  if [[ $serial -eq 1 && -n $previous_job ]]; then
    cmd+=(--dependency="afterany:$previous_job")
  fi
  cmd+=("$scaling_dir/run.sbatch" "$deck" -o "$file" --force --timing "$@")
  if [[ $dry_run -eq 1 ]]; then
    printf '%q ' "${cmd[@]}"
    printf '\n'
    job=dry-run
  else
    job=$("${cmd[@]}")
    job=${job%%;*}
    echo "$(basename "$0"): $nodes node(s), $ranks rank(s): job $job -> $file" >&2
  fi
  previous_job=$job
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$nodes" "$ranks" "$points" "$job" "$file" "$log" \
    >> "$manifest"
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
