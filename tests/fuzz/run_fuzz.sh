#!/usr/bin/env bash
# Run the deck fuzzer for a bounded time (the `fuzz` label).
# Usage: run_fuzz.sh FUZZ_DECK SECONDS WORK_DIR DICT SEED_DIR...
# New inputs go to WORK_DIR/corpus, crashes to WORK_DIR/crash-*; a crash
# fails the test and is printed so it can become a regression deck.
set -uo pipefail
fuzzer=$1 seconds=$2 work=$3 dict=$4
shift 4
mkdir -p "$work/corpus" || exit 1
cd "$work" || exit 1
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
"$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=8192 \
  -dict="$dict" -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" "$@"
status=$?
for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
  [ -e "$crash" ] || continue
  echo "---- $crash (keep it in tests/fuzz/regressions/ once fixed):"
  head -c 2000 "$crash"
  echo
done
exit "$status"
