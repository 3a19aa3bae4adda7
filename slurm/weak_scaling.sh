#!/bin/bash
# weak_scaling.sh — submit a weak-scaling series: the runs grow with the
# ranks (a fixed number of sweep points per rank), one job per node count.
#
#   slurm/weak_scaling.sh [options] -a AXIS -r START,STOP -k POINTS_PER_RANK DECK NODES...
#                         [-- cubie run options]
#   slurm/weak_scaling.sh -a rho -r 0,50 -k 25000 -o scaling/weak sweep.yaml 1 2 4 8 16
#
# Job N has R = N x G ranks (G ranks per node) and replaces the deck's
# sweep axis AXIS with
#   --set batch.sweep.AXIS.KIND=[START,STOP,K x R]
# so the runs per rank stay the same (total runs = K x R x the product of
# the deck's other axes). It writes OUTDIR/weak_nN.nc with --timing and its
# log; with -R REPEATS each node count is one job array (--array=1-REPEATS,
# every element the same shape, as Slurm requires of an array) writing
# weak_nN_rK.nc, and plot_scaling.py keeps the fastest of the repeats.
# OUTDIR/manifest.tsv lists the jobs (points = K x R). Then:
#   slurm/plot_scaling.py --manifest OUTDIR/manifest.tsv --out OUTDIR
#
# options: -a AXIS (a swept symbol), -r START,STOP (the axis range),
# -k POINTS_PER_RANK, -l linspace|logspace (default linspace), and the
# common ones (see scaling_common.sh): -g RANKS_PER_NODE, -G GPUS_PER_RANK,
# -c CPUS_PER_RANK (both detected by default), -R REPEATS, -o OUTDIR
# (default scaling-weak), -t TIME, -p PARTITION, -A ACCOUNT, -s
# (serialise), -x "SBATCH OPTIONS", -n (dry run)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=scaling_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/scaling_common.sh"

outdir=scaling-weak
axis=""
range=""
per_rank=""
kind=linspace
while getopts "a:r:k:l:g:G:c:R:o:t:p:A:x:snh" opt; do
  case $opt in
    a) axis=$OPTARG ;;
    r) range=$OPTARG ;;
    k) per_rank=$OPTARG ;;
    l) kind=$OPTARG ;;
    *) scaling_option "$opt" "${OPTARG:-}" || scaling_usage ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -ge 2 ]] || scaling_usage
[[ $axis =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || scaling_fail "-a needs the name of a swept symbol"
[[ $range =~ ^[^,]+,[^,]+$ ]] || scaling_fail "-r needs START,STOP (e.g. -r 0,50)"
scaling_positive "$per_rank" "-k"
[[ $kind == linspace || $kind == logspace ]] || scaling_fail "-l needs linspace or logspace"
deck=$1
shift
scaling_read_nodes "$@"

scaling_start "$deck"
for nodes in "${nodes_list[@]}"; do
  points=$((per_rank * nodes * ranks_per_node))
  scaling_submit weak "$nodes" "$points" "$deck" "$outdir/weak_n$nodes.nc" \
    --set "batch.sweep.$axis.$kind=[$range,$points]" "${cubie_args[@]}"
done
scaling_finish
