#!/usr/bin/env bash
# Every decomposition (static, weighted, dynamic) on 1, 2, 3 and 4 ranks gives
# byte-identical data variables, for the Lorenz and van der Pol decks. A small
# memory limit makes several chunks per rank, so dynamic ranks really claim
# blocks one after another; a tiny run.max_item_seconds cuts the work into
# many short items.
# Usage: decompositions.sh MPIEXEC NPFLAG CUBIE PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
mpiexec=$1 npflag=$2 cubie=$3 python=$4 src=$5 work=$6
rm -rf "$work" && mkdir -p "$work"
cores=$(nproc)
for deck in lorenz vanderpol; do
  files=()
  for n in 1 2 3 4; do
    for mode in static weighted dynamic; do
      extra=()
      if [ "$cores" -lt "$n" ]; then extra=(--oversubscribe); fi
      out="$work/$deck-$n-$mode.nc"
      "$mpiexec" "$npflag" "$n" "${extra[@]}" "$cubie" run "$src/inputs/$deck.yaml" -o "$out" -q \
        --set run.decomposition="$mode" --set run.memory_limit=1MiB --set run.dynamic_block=16
      files+=("$out")
    done
  done
  # Work items cut to a few runs each (run.max_item_seconds far below one
  # item's time): the probe, then many short pieces, padded alike on every
  # rank (static, weighted) or sized per rank (dynamic) — the same data.
  for n in 1 3; do
    for mode in static weighted dynamic; do
      [ "$n" -eq 1 ] && [ "$mode" != static ] && continue
      extra=()
      if [ "$cores" -lt "$n" ]; then extra=(--oversubscribe); fi
      out="$work/$deck-$n-$mode-short.nc"
      "$mpiexec" "$npflag" "$n" "${extra[@]}" "$cubie" run "$src/inputs/$deck.yaml" -o "$out" -q \
        --set run.decomposition="$mode" --set run.max_item_seconds=0.0002 --set run.dynamic_block=64
      files+=("$out")
    done
  done
  "$python" "$src/tests/integration/compare_data.py" "${files[@]}"
done
