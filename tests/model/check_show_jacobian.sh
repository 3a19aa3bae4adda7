#!/usr/bin/env bash
# `cubie check DECK --show jacobian` through the real command line: exit 0,
# the van der Pol model's pattern (dx = y: row x has only column y; dy
# depends on both) and code sizes after the plan; without --show there is
# no such section (an explicit deck never differentiates).
# Usage: check_show_jacobian.sh CUBIE DECK
set -uo pipefail
cubie=${1:?cubie binary} deck=${2:?deck}
fail() { echo "FAIL: $*"; exit 1; }
out=$("$cubie" check "$deck" --show jacobian) || fail "cubie check --show jacobian exited $?"
grep -qxF "jacobian:    df/dy is 2 x 2 with 3 structural non-zeros (75.0%); autonomous (df/dt = 0)" \
  <<<"$out" || fail "no summary line in: $out"
grep -qE '^ +0 x +\.#$' <<<"$out" || fail "row x is not '.#' in: $out"
grep -qE '^ +1 y +##$' <<<"$out" || fail "row y is not '##' in: $out"
grep -qE '^ +f and J \(rhs_jacobian\) +[0-9]+ +[0-9]+$' <<<"$out" || fail "no code sizes in: $out"
plain=$("$cubie" check "$deck") || fail "cubie check exited $?"
grep -q '^jacobian:' <<<"$plain" && fail "plain check shows a jacobian"
echo "ok"
