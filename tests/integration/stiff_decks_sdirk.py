#!/usr/bin/env python3
"""End to end: `cubie run` solves the stiff decks of tests/integration/stiff/
with the SDIRK family (generated Jacobian, the deck's linear solver, the
chunk loop and the file), as stiff_decks.py does for the Rosenbrock family
(whose helpers this script uses).

ROBER (t to 1e5) and VDPOL (ε = 1e-3 .. 1e-6), per method and tolerance
below (the methods and problems the kernel tests kernel_stiff_* show within
10 x the tolerance; docs/algorithms.md gives the others' measured errors):
  * every run's status is success, and every saved value is within
    10 x (atol + rtol |reference|) of SciPy's Radau at rtol 1e-12 (the
    arrays of tests/kernels/stiff_reference.h);
  * Newton iterations were counted (>= one per implicit stage and step),
    Jacobians <= accepted + rejected attempts (J is kept across steps);
  * chunked along time in small windows (run.memory_limit), and with
    linear_solver: dense, the file's data are byte-identical to one window
    (J and M are rebuilt from the persisted point);
  * float32: kvaerno5 solves ROBER at rtol 1e-4 within 10 x the tolerance.
usage: stiff_decks_sdirk.py CUBIE SOURCE_DIR WORK_DIR
"""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stiff_decks import data, reference, run  # noqa: E402

# (problem, method, precision, rtol)
CASES = [("rober", "kvaerno3", "float64", 1e-6), ("rober", "sdirk4", "float64", 1e-6),
         ("rober", "kvaerno5", "float64", 1e-6), ("rober", "trbdf2", "float64", 1e-4),
         ("rober", "crank-nicolson", "float64", 1e-4), ("rober", "kvaerno5", "float32", 1e-4),
         ("vdpol", "kvaerno3", "float64", 1e-6), ("vdpol", "kvaerno5", "float64", 1e-6),
         ("vdpol", "crank-nicolson", "float64", 1e-4)]
STATES = {"rober": ["y1", "y2", "y3"], "vdpol": ["y1", "y2"]}
LIMITS = {"rober": "2KiB", "vdpol": "1464"}  # several time windows (stiff_decks.py)
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL " + what)


def main():
    cubie, source, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    counters = ["status", "accepted_steps", "rejected_steps", "newton_iterations",
                "jacobian_evaluations", "lu_factorizations"]
    for problem, method, precision, rtol in CASES:
        deck = os.path.join(source, "tests/integration/stiff", problem + ".yaml")
        ref = reference(source, problem.upper())
        atol = rtol if (problem == "vdpol" and precision == "float32") else rtol * 1e-4
        sets = ["integrator.algorithm=" + method, "integrator.precision=" + precision,
                "integrator.rtol=%g" % rtol, "integrator.atol=%g" % atol]
        tag = "%s %s %s" % (problem, method, precision)
        out = os.path.join(work, "%s_%s_%s.nc" % (problem, method, precision))
        rc, err = run(cubie, deck, out, sets)
        check(rc == 0, "%s: cubie run exit %d: %s" % (tag, rc, err.strip()))
        if rc != 0:
            continue
        states = STATES[problem]
        d = data(out, states + counters)
        check(np.all(d["status"] == 1), "%s: status %s" % (tag, d["status"]))
        got = np.stack([d[s] for s in states], axis=-1)
        ratio = np.abs(got - ref) / (atol + rtol * np.abs(ref))
        print("%s: worst error %.2f x tolerance, steps %s, Newton %s, Jacobians %s, LUs %s"
              % (tag, ratio.max(), d["accepted_steps"], d["newton_iterations"],
                 d["jacobian_evaluations"], d["lu_factorizations"]))
        check(ratio.max() <= 10.0, "%s: error %.2f x tolerance" % (tag, ratio.max()))
        check(np.all(d["newton_iterations"] >= d["accepted_steps"]), tag + ": Newton iterations")
        check(np.all(d["jacobian_evaluations"] <= d["accepted_steps"] + d["rejected_steps"]),
              tag + ": Jacobians")
        if precision != "float64":
            continue
        for extra, what in ((["run.memory_limit=" + LIMITS[problem], "run.chunk_axis=time"],
                             "windows"),
                            (["integrator.linear_solver=dense"], "linear_solver dense")):
            out2 = out.replace(".nc", "_%s.nc" % what.split()[0])
            rc, err = run(cubie, deck, out2, sets + extra, timing=True)
            check(rc == 0, "%s, %s: exit %d: %s" % (tag, what, rc, err.strip()))
            windows = re.search(r"x (\d+) window", err)
            if what == "windows":
                check(windows and int(windows.group(1)) >= 2,
                      "%s: not chunked along time: %s" % (tag, err.strip()))
            if rc == 0:
                d2 = data(out2, states + counters)
                same = all(np.array_equal(d[n], d2[n]) for n in d)
                check(same, "%s: %s differ from one window / auto" % (tag, what))
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
