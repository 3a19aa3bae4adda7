#!/usr/bin/env python3
"""End to end: `cubie run` solves stiff test problems with radau5 (Radau
IIA, Hairer's RADAU5 strategy) through the host path (the model's generated
Jacobian, the linear solver's real and complex LU, the chunk loop, the file).

  * ROBER to t = 1e11 (inputs/stiff/rober.yaml, the IVP Test Set's
    problem, Bari): rtol 1e-6 and atol 1e-14 (y2 falls to 8e-14
    and y1 to 2e-8 by t = 1e11: a larger atol would leave them unchecked);
    y(1e11) within 10 x (atol + rtol |ref|) of the test set's published
    solution (which SciPy's Radau at rtol 1e-12 reproduces to 1e-11
    relative); y1 + y2 + y3 = 1 to 1e-12 at every save (Radau IIA keeps
    linear invariants: w^T f = 0 gives w^T J = 0, so every Newton
    increment, hence every Z_i and y_new - y, is orthogonal to w);
  * VDPOL, ε = 1e-3 .. 1e-6 (tests/integration/stiff/vdpol.yaml), rtol 1e-6,
    atol 1e-10: every save within 10 x the tolerance of SciPy's Radau at
    rtol 1e-12 (tests/kernels/stiff_reference.h), and ε = 1e-6's y(2)
    within 10 x of the test set's published value;
    why 10 x: the controller bounds the local error per step; the global
    error of these stiffly damped problems stays a small multiple of it,
    and it is the IVP Test Set criterion issue 9 asks for;
  * float32 at rtol 1e-4: VDPOL (atol 1e-4) and ROBER to 1e5
    (tests/integration/stiff/rober.yaml, atol 1e-8) within 10 x, the
    invariant to 1e-5;
  * the counters add up: LUs in pairs (real and complex), at most one
    Jacobian per attempt, at least one Newton iteration per attempt;
  * chunked along time in small windows, and with linear_solver: dense, the
    file's data are byte-identical to one window / auto.
usage: stiff_radau.py CUBIE SOURCE_DIR WORK_DIR
"""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stiff_decks import data, reference, run  # noqa: E402

FAILURES = []
ROBER_1E11 = [0.2083340149701255e-07, 0.8333360770334713e-13, 0.9999999791665050]
VDPOL_2 = [0.1706167732170483e+01, -0.8928097010247975e+00]  # ε = 1e-6, t = 2
COUNTERS = ["status", "accepted_steps", "rejected_steps", "jacobian_evaluations",
            "lu_factorizations", "newton_iterations"]


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL " + what)


def counters_add_up(tag, d):
    attempts = d["accepted_steps"] + d["rejected_steps"]
    check(np.all(d["lu_factorizations"] % 2 == 0), tag + ": LUs in pairs")
    check(np.all(d["jacobian_evaluations"] <= attempts), tag + ": at most one Jacobian per attempt")
    check(np.all(d["newton_iterations"] >= attempts), tag + ": Newton iterations")


def case(cubie, source, work, problem, states, sets, tag, limit=None):
    """PROBLEM: a deck of tests/integration/stiff/, or a path under SOURCE."""
    deck = os.path.join(source, "tests/integration/stiff", problem + ".yaml")
    if "/" in problem:
        deck = os.path.join(source, problem)
    out = os.path.join(work, tag.replace(" ", "_") + ".nc")
    rc, err = run(cubie, deck, out, ["integrator.algorithm=radau5"] + sets)
    check(rc == 0, "%s: cubie run exit %d: %s" % (tag, rc, err.strip()))
    if rc != 0:
        return None
    d = data(out, states + COUNTERS)
    check(np.all(d["status"] == 1), "%s: status %s" % (tag, d["status"]))
    counters_add_up(tag, d)
    print("%s: steps %s, rejected %s, Jacobians %s, LUs %s, Newton %s" % (
        tag, d["accepted_steps"], d["rejected_steps"], d["jacobian_evaluations"],
        d["lu_factorizations"], d["newton_iterations"]))
    if limit:
        for extra, what in ((["run.memory_limit=" + limit, "run.chunk_axis=time"], "windows"),
                            (["integrator.linear_solver=dense"], "linear_solver dense")):
            out2 = out.replace(".nc", "_%s.nc" % what.split()[0])
            rc, err = run(cubie, deck, out2, ["integrator.algorithm=radau5"] + sets + extra, True)
            check(rc == 0, "%s, %s: exit %d: %s" % (tag, what, rc, err.strip()))
            windows = re.search(r"x (\d+) window", err)
            if what == "windows":
                check(windows and int(windows.group(1)) >= 2, "%s: not chunked along time" % tag)
            if rc == 0:
                d2 = data(out2, states + COUNTERS)
                check(all(np.array_equal(d[n], d2[n]) for n in d),
                      "%s: %s differ from one window / auto" % (tag, what))
    return np.stack([d[s] for s in states], axis=-1)  # (run, time, state)


def within(tag, got, ref, rtol, atol):
    ratio = np.abs(got - ref) / (atol + rtol * np.abs(ref))
    print("%s: worst error %.3f x tolerance" % (tag, ratio.max()))
    check(ratio.max() <= 10.0, "%s: error %.2f x tolerance" % (tag, ratio.max()))


def invariant(tag, got, bound):
    drift = np.abs(got.sum(axis=-1) - 1.0).max()
    print("%s: |y1 + y2 + y3 - 1| <= %.1e" % (tag, drift))
    check(drift <= bound, "%s: invariant off by %.1e" % (tag, drift))


def main():
    cubie, source, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rober = ["y1", "y2", "y3"]
    got = case(cubie, source, work, "inputs/stiff/rober.yaml", rober, [], "rober 1e11",
               limit="600")
    if got is not None:
        within("rober 1e11, y(1e11) vs the test set", got[0, -1], np.array(ROBER_1E11), 1e-6, 1e-14)
        invariant("rober 1e11", got, 1e-12)
    # Saves every 0.01 (every 25th is a reference point): dense output
    # between steps, and a trajectory long enough to need windows.
    sets = ["integrator.rtol=1e-6", "integrator.atol=1e-10", "output.save_every=0.01"]
    got = case(cubie, source, work, "vdpol", ["y1", "y2"], sets, "vdpol", limit="4000")
    if got is not None:
        got = got[:, ::25]
        within("vdpol vs SciPy", got, reference(source, "VDPOL"), 1e-6, 1e-10)
        within("vdpol eps 1e-6, y(2) vs the test set", got[3, -1], np.array(VDPOL_2), 1e-6, 1e-10)
    f32 = ["integrator.precision=float32", "integrator.rtol=1e-4"]
    got = case(cubie, source, work, "vdpol", ["y1", "y2"], f32 + ["integrator.atol=1e-4"],
               "vdpol float32")
    if got is not None:
        within("vdpol float32", got, reference(source, "VDPOL"), 1e-4, 1e-4)
    got = case(cubie, source, work, "rober", rober, f32 + ["integrator.atol=1e-8"], "rober float32")
    if got is not None:
        within("rober float32", got, reference(source, "ROBER"), 1e-4, 1e-8)
        invariant("rober float32", got, 1e-5)
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
