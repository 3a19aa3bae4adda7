#!/usr/bin/env python3
"""End to end: the IVP Test Set decks of inputs/stiff/ (HIRES, OREGO, ROBER
to 1e11, VDPOL with eps = 1e-6, E5 to 1e13, POLLU) with one method of each
stiff family, through `cubie run` (generated Jacobian, dense LU, the file).

  * rodas5p, radau5 and kvaerno5 at each deck's tolerances (rtol 1e-6 and
    the absolute tolerance its comments justify): every run's status is
    success and every component at the end time is within
    10 x (atol + rtol |ref|) of the test set's published reference solution
    (the "#   reference y1 = ..." lines of the deck, which quote the test
    set's Fortran `solut`), the test set's criterion (issue 9): the
    controller bounds the local error per step by the tolerance, and on
    these dissipative problems the global error stays a small multiple of it;
  * the linear invariants at every save: ROBER's y1 + y2 + y3 = 1 to 1e-12
    (each method changes the sum only by rounding: a few thousand steps of
    unit roundoff on 1), HIRES's y7 + y8 = 0.0057 (dy8 = -dy7) to 1e-15, and
    E5's y2 = y3 + y4 (dy3 = dy2 - dy4) to atol = 1.7e-24: an error c in it
    is carried to the end undamped, where y2 -> c as y3 decays, so it must
    stay below what the end-time check allows;
  * float32: ros23, ros3p, rodas4 and rodas5p solve HIRES (atol 1e-4 rtol,
    the deck's rule) and VDPOL (atol = rtol) at rtol 1e-4 within the same
    10 x (float32's unit roundoff, 6e-8, is 1/1700 of that rtol, so
    rounding over their 100-1200 steps stays below it; at rtol 1e-5 and
    1e-6 it does not: docs/algorithms.md, "Stiff problems: a walk-through").

EXPECTED_FAILURES below lists the method/problem pairs that genuinely miss
the bound, with the reason (docs/algorithms.md): they are still run and
checked, their errors printed, and the test fails if one of them passes (so
the documentation is brought up to date) or if any other pair fails.

usage: stiff_testset.py CUBIE SOURCE_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys

import netCDF4
import numpy as np

DECKS = ["hires", "orego", "rober", "vdpol", "e5", "pollu"]
METHODS = ["rodas5p", "radau5", "kvaerno5"]
ROSENBROCK = ["ros23", "ros3p", "rodas4", "rodas5p"]
COUNTERS = ["status", "accepted_steps", "rejected_steps", "rhs_evaluations",
            "jacobian_evaluations", "lu_factorizations", "newton_iterations"]
# None at present: E5 with the Rosenbrock methods was one until the family
# re-imposed linear derivative lines on its stage solutions (docs/algorithms.md,
# "E5 with a Rosenbrock method").
EXPECTED_FAILURES = {}
FAILURES = []
PAIR_FAILURES = {}


def check(cond, what, pair=None):
    if cond:
        return
    if pair in EXPECTED_FAILURES:
        PAIR_FAILURES.setdefault(pair, []).append(what)
        print("expected FAIL " + what)
    else:
        FAILURES.append(what)
        print("FAIL " + what)


def reference(deck):
    """The published solution the deck quotes: {state: value}."""
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r"^#\s+reference (\w+) = (\S+)$", open(deck).read(), re.M)}


def run(cubie, deck, out, sets):
    cmd = [cubie, "run", deck, "-o", out, "--force", "--backend", "cpu", "--timing"]
    for s in sets:
        cmd += ["--set", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    compute = re.search(r"chunk loop [0-9.]+ s: compute ([0-9.]+) s", p.stderr)
    return p.returncode, p.stderr, float(compute.group(1)) if compute else float("nan")


def solve(cubie, source, work, problem, method, sets, tag):
    """Run PROBLEM's deck with METHOD, check status and every component at
    the end time; returns the saved states (time, state) or None."""
    pair = (problem, method) if "float32" not in tag else None
    deck = os.path.join(source, "inputs", "stiff", problem + ".yaml")
    ref = reference(deck)
    out = os.path.join(work, tag.replace(" ", "_") + ".nc")
    rc, err, compute = run(cubie, deck, out, ["integrator.algorithm=" + method] + sets)
    check(rc == 0, "%s: cubie run exit %d: %s" % (tag, rc, err.strip()), pair)
    if rc != 0:
        return None
    with netCDF4.Dataset(out) as d:
        d.set_auto_mask(False)
        states = [n for n in ref]
        y = np.stack([np.array(d[n][0]) for n in states], axis=-1)
        c = {n: int(np.array(d[n][0])) for n in COUNTERS}
        rtol, atol = float(d.getncattr("cubie_rtol")), float(d.getncattr("cubie_atol"))
    check(c["status"] == 1, "%s: status %d" % (tag, c["status"]), pair)
    r = np.array([ref[n] for n in states])
    ratio = np.abs(y[-1] - r) / (atol + rtol * np.abs(r))
    worst = int(np.argmax(ratio))
    print("%s: worst error %.3g x tolerance (%s), steps %d, rejected %d, f %d, Jacobians %d, "
          "LUs %d, Newton %d, compute %.3f s" % (
              tag, ratio[worst], states[worst], c["accepted_steps"], c["rejected_steps"],
              c["rhs_evaluations"], c["jacobian_evaluations"], c["lu_factorizations"],
              c["newton_iterations"], compute))
    for i, n in enumerate(states):
        check(ratio[i] <= 10.0, "%s: %s at the end %.10e, reference %.10e: %.3g x tolerance"
              % (tag, n, y[-1, i], r[i], ratio[i]), pair)
    return y


def invariants(tag, problem, y, pair):
    if problem == "rober":
        drift, bound, what = np.abs(y.sum(axis=1) - 1.0).max(), 1e-12, "y1 + y2 + y3 = 1"
    elif problem == "hires":
        drift, bound, what = np.abs(y[:, 6] + y[:, 7] - 0.0057).max(), 1e-15, "y7 + y8 = 0.0057"
    elif problem == "e5":
        drift, bound, what = np.abs(y[:, 1] - y[:, 2] - y[:, 3]).max(), 1.7e-24, "y2 = y3 + y4"
    else:
        return
    print("%s: %s off by at most %.2g" % (tag, what, drift))
    check(drift <= bound, "%s: %s off by %.2g (bound %.2g)" % (tag, what, drift, bound), pair)


def main():
    cubie, source, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    for problem in DECKS:
        for method in METHODS:
            tag = "%s %s" % (problem, method)
            y = solve(cubie, source, work, problem, method, [], tag)
            if y is not None:
                invariants(tag, problem, y, (problem, method))
    for problem, atol in (("hires", 1e-8), ("vdpol", 1e-4)):
        for method in ROSENBROCK:
            solve(cubie, source, work, problem, method,
                  ["integrator.precision=float32", "integrator.rtol=1e-4",
                   "integrator.atol=%g" % atol], "%s %s float32" % (problem, method))
    for pair, reason in sorted(EXPECTED_FAILURES.items()):
        if pair in PAIR_FAILURES:
            print("%s %s: expected failure (%d checks; docs/algorithms.md): %s"
                  % (pair[0], pair[1], len(PAIR_FAILURES[pair]), reason))
        else:
            FAILURES.append("%s %s passes: update EXPECTED_FAILURES and docs/algorithms.md" % pair)
            print("FAIL " + FAILURES[-1])
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
