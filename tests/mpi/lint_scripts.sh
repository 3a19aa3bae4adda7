#!/bin/bash
# bash -n and shellcheck on every slurm/*.sh and slurm/*.sbatch.
# usage: lint_scripts.sh SHELLCHECK SLURM_DIR   (exit 77 = skipped: no shellcheck)
set -u
shellcheck_bin=$1
dir=$2
shopt -s nullglob
scripts=("$dir"/*.sh "$dir"/*.sbatch)
if [[ ${#scripts[@]} -eq 0 ]]; then
  echo "no scripts found in $dir" >&2
  exit 1
fi
status=0
for s in "${scripts[@]}"; do
  if ! bash -n "$s"; then
    echo "FAIL bash -n: $s" >&2
    status=1
  fi
done
if [[ -z $shellcheck_bin || ! -x $shellcheck_bin ]]; then
  echo "shellcheck not found; bash -n only" >&2
  [[ $status -eq 0 ]] && exit 77
  exit "$status"
fi
for s in "${scripts[@]}"; do
  if ! "$shellcheck_bin" --external-sources --shell=bash --severity=style "$s"; then
    echo "FAIL shellcheck: $s" >&2
    status=1
  fi
done
[[ $status -eq 0 ]] && echo "ok: ${#scripts[@]} scripts"
exit "$status"
