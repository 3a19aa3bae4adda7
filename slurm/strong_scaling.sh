#!/bin/bash
# strong_scaling.sh — submit a strong-scaling series: the same deck (the same
# runs) on a growing number of nodes, one job per node count.
#
#   slurm/strong_scaling.sh [options] DECK NODES... [-- cubie run options]
#   slurm/strong_scaling.sh -g 4 -o scaling/strong sweep.yaml 1 2 4 8 16
#   slurm/strong_scaling.sh sweep.yaml 1 2 4 -- --set run.memory_limit=8GiB
#
# Job N runs slurm/run.sbatch with --nodes=N --ntasks-per-node=R (and one
# GPU per rank on GPU nodes) and writes OUTDIR/strong_nN.nc with --timing
# (its timing_* variables are what plot_scaling.py reads) and its log next
# to it; with -R K it is a job array of K repeats writing strong_nN_rK.nc.
# OUTDIR/manifest.tsv lists the jobs. Then, once they have finished:
#   slurm/plot_scaling.py --manifest OUTDIR/manifest.tsv --out OUTDIR
#
# options (see scaling_common.sh): -g RANKS_PER_NODE, -G GPUS_PER_RANK,
# -c CPUS_PER_RANK (both detected by default), -R REPEATS (a job array per
# node count), -o OUTDIR (default scaling-strong), -t TIME, -p PARTITION,
# -A ACCOUNT, -s (serialise), -x "SBATCH OPTIONS", -n (dry run: print the
# sbatch lines, write the manifest, submit nothing)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=scaling_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/scaling_common.sh"

outdir=scaling-strong
while getopts "g:G:c:R:o:t:p:A:x:snh" opt; do
  scaling_option "$opt" "${OPTARG:-}" || scaling_usage
done
shift $((OPTIND - 1))
[[ $# -ge 2 ]] || scaling_usage
deck=$1
shift
scaling_read_nodes "$@"

scaling_start "$deck"
for nodes in "${nodes_list[@]}"; do
  scaling_submit strong "$nodes" - "$deck" "$outdir/strong_n$nodes.nc" "${cubie_args[@]}"
done
scaling_finish
