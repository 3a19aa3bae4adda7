#!/usr/bin/env bash
# No source file in src/, mpi/ or kernels/ is over 700 lines (issue 8): one
# concept per file, small enough to read whole. Prints each file over the
# limit and fails; an empty tree also fails, so the test cannot pass by
# finding nothing.
# Usage: source_file_lengths.sh SOURCE_DIR [LIMIT]
set -uo pipefail
root=${1:?source dir}
limit=${2:-700}
cd "$root" || exit 1
files=$(find src mpi kernels -type f \( -name '*.c' -o -name '*.h' \) | sort)
if [ -z "$files" ]; then
  echo "no sources found under $root"
  exit 1
fi
bad=0
while read -r f; do
  n=$(wc -l < "$f")
  if [ "$n" -gt "$limit" ]; then
    echo "$f: $n lines (limit $limit): split it by concept"
    bad=1
  fi
done <<< "$files"
[ "$bad" -eq 0 ] && echo "$(echo "$files" | wc -l) files, none over $limit lines"
exit "$bad"
