#!/usr/bin/env python3
"""End to end: stiff ensembles on 2 ranks, checked run by run against an
independent solver.

  * ROBER (inputs/stiff/rober.yaml, to t = 1e11, rtol 1e-6, atol 1e-14)
    over its three rate constants, each from half to twice its value on a
    logarithmic grid, 22 x 22 x 21 = 10164 runs, with rodas5p;
  * POLLU (inputs/stiff/pollu.yaml, to t = 60, rtol 1e-6, atol 1e-10) over
    all 25 rate constants, each uniform on [k/2, 2k], a scrambled Sobol'
    design of 1024 runs, with rodas5p.

For both: every run's status is exactly `success` (no other bit); ROBER's
y1 + y2 + y3 = 1 in every run (to 1e-12: rounding over ~400 steps); and
20 runs drawn at random (a fixed seed) end within 10 x (atol + rtol |ref|)
of SciPy's LSODA at rtol 1e-10, atol 1e-20 for that run's constants (the
right-hand sides are written here anew from the test set's rober.f and
pollu.f, not read from the decks). LSODA there is first checked against
the test set's published solution at the nominal constants (the decks'
"#   reference" lines): within 1e-7 relative, a tenth of the rtol compared
with, so its own error cannot decide the comparison.

usage: stiff_sweeps.py CUBIE MPIEXEC NUMPROC_FLAG SOURCE_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys
import time

import netCDF4
import numpy as np

try:
    from scipy.integrate import solve_ivp
except ImportError:  # the references need SciPy: skip (ctest SKIP_RETURN_CODE 77)
    print("SciPy is not installed for %s: skipped" % sys.executable)
    sys.exit(77)

FAILURES = []
SAMPLES = 20


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL " + what)


def deck_values(deck, section):
    """name: value pairs of a deck's one-line flow mapping SECTION (states, parameters)."""
    text = open(deck).read()
    block = text[text.index("  %s:" % section):]
    block = block[block.index("{") + 1:block.index("}")]
    return [(n, float(v)) for n, v in re.findall(r"(\w+): ([-+0-9.eE]+)", block)]


def published(deck):
    return np.array([float(v) for v in re.findall(r"^#\s+reference \w+ = (\S+)$",
                                                  open(deck).read(), re.M)])


def rober_f(k):
    k1, k2, k3 = k

    def f(t, y):
        return [-k1 * y[0] + k3 * y[1] * y[2],
                k1 * y[0] - k3 * y[1] * y[2] - k2 * y[1] ** 2,
                k2 * y[1] ** 2]
    return f


def pollu_f(k):
    """pollu.f's feval with the rate constants k[0..24]."""
    def f(t, y):
        r = np.array([k[0] * y[0], k[1] * y[1] * y[3], k[2] * y[4] * y[1], k[3] * y[6],
                      k[4] * y[6], k[5] * y[6] * y[5], k[6] * y[8], k[7] * y[8] * y[5],
                      k[8] * y[10] * y[1], k[9] * y[10] * y[0], k[10] * y[12],
                      k[11] * y[9] * y[1], k[12] * y[13], k[13] * y[0] * y[5], k[14] * y[2],
                      k[15] * y[3], k[16] * y[3], k[17] * y[15], k[18] * y[15],
                      k[19] * y[16] * y[5], k[20] * y[18], k[21] * y[18], k[22] * y[0] * y[3],
                      k[23] * y[18] * y[0], k[24] * y[19]])
        r = np.concatenate(([0.0], r))  # r[1] .. r[25] as in pollu.f
        return [-r[1] - r[10] - r[14] - r[23] - r[24] + r[2] + r[3] + r[9] + r[11] + r[12]
                + r[22] + r[25],
                -r[2] - r[3] - r[9] - r[12] + r[1] + r[21],
                -r[15] + r[1] + r[17] + r[19] + r[22],
                -r[2] - r[16] - r[17] - r[23] + r[15],
                -r[3] + r[4] + r[4] + r[6] + r[7] + r[13] + r[20],
                -r[6] - r[8] - r[14] - r[20] + r[3] + r[18] + r[18],
                -r[4] - r[5] - r[6] + r[13],
                r[4] + r[5] + r[6] + r[7],
                -r[7] - r[8],
                -r[12] + r[7] + r[9],
                -r[9] - r[10] + r[8] + r[11],
                r[9],
                -r[11] + r[10],
                -r[13] + r[12],
                r[14],
                -r[18] - r[19] + r[16],
                -r[20],
                r[20],
                -r[21] - r[22] - r[24] + r[23] + r[25],
                -r[25] + r[24]]
    return f


def lsoda(f, y0, t_end):
    sol = solve_ivp(f, (0.0, t_end), y0, method="LSODA", rtol=1e-10, atol=1e-20)
    return sol.y[:, -1] if sol.status == 0 else None


def ensemble(cubie, mpi, source, work, problem, rhs, t_end, sets, expect_runs):
    deck = os.path.join(source, "inputs", "stiff", problem + ".yaml")
    states = [n for n, _ in deck_values(deck, "states")]
    y0 = [v for _, v in deck_values(deck, "states")]
    params = deck_values(deck, "parameters")
    names = [n for n, _ in params]
    # The reference solver against the published solution, nominal constants.
    ref = lsoda(rhs([v for _, v in params]), y0, t_end)
    pub = published(deck)
    rel = np.abs(ref - pub) / np.abs(pub)
    print("%s: LSODA at the nominal constants vs the published solution: %.2g relative"
          % (problem, rel.max()))
    check(rel.max() <= 1e-7, "%s: LSODA off the published solution by %.2g" % (problem, rel.max()))
    out = os.path.join(work, problem + "_sweep.nc")
    cmd = mpi + [cubie, "run", deck, "-o", out, "--force", "--quiet",
                 "--set", "integrator.algorithm=rodas5p", "--set", "output.save_every=%g" % t_end]
    for s in sets:
        cmd += ["--set", s]
    start = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - start
    check(p.returncode == 0, "%s sweep: exit %d: %s" % (problem, p.returncode, p.stderr.strip()))
    if p.returncode != 0:
        return
    with netCDF4.Dataset(out) as d:
        d.set_auto_mask(False)
        status = np.array(d["status"][:])
        steps = np.array(d["accepted_steps"][:])
        k = np.stack([np.array(d[n][:]) for n in names], axis=1)
        y = np.stack([np.array(d[n][:, -1]) for n in states], axis=1)
        rtol, atol = float(d.getncattr("cubie_rtol")), float(d.getncattr("cubie_atol"))
    print("%s sweep: %d runs on 2 ranks in %.1f s (cubie run, wall, with the kernel build when "
          "not cached), accepted steps %d .. %d" % (problem, status.size, wall, steps.min(),
                                                    steps.max()))
    check(status.size == expect_runs, "%s sweep: %d runs, not %d" % (problem, status.size,
                                                                     expect_runs))
    check(np.all(status == 1), "%s sweep: status other than success: %s" % (
        problem, dict(zip(*np.unique(status, return_counts=True)))))
    if problem == "rober":
        drift = np.abs(y.sum(axis=1) - 1.0).max()
        print("rober sweep: y1 + y2 + y3 = 1 off by at most %.2g" % drift)
        check(drift <= 1e-12, "rober sweep: y1 + y2 + y3 = 1 off by %.2g" % drift)
    worst = 0.0
    start = time.time()
    for run in np.random.default_rng(2026).choice(status.size, SAMPLES, replace=False):
        ref = lsoda(rhs(k[run]), y0, t_end)
        check(ref is not None, "%s run %d: LSODA failed" % (problem, run))
        if ref is None:
            continue
        ratio = np.abs(y[run] - ref) / (atol + rtol * np.abs(ref))
        worst = max(worst, ratio.max())
        check(ratio.max() <= 10.0, "%s run %d (%s): %s at the end %.3g x tolerance off LSODA" % (
            problem, run, k[run], states[int(np.argmax(ratio))], ratio.max()))
    print("%s sweep: %d runs drawn at random within %.3g x tolerance of LSODA (%.1f s of SciPy)"
          % (problem, SAMPLES, worst, time.time() - start))


def main():
    cubie, mpiexec, npflag, source, work = sys.argv[1:6]
    os.makedirs(work, exist_ok=True)
    mpi = [mpiexec, npflag, "2"]
    ensemble(cubie, mpi, source, work, "rober", rober_f, 1.0e11,
             ["batch.sweep.k1.logspace=[0.02, 0.08, 22]",
              "batch.sweep.k2.logspace=[1.5e7, 6.0e7, 22]",
              "batch.sweep.k3.logspace=[5.0e3, 2.0e4, 21]"], 22 * 22 * 21)
    deck = os.path.join(source, "inputs", "stiff", "pollu.yaml")
    sobol = ["batch.sweep.%s.sobol={low: %r, high: %r}" % (n, v / 2, v * 2)
             for n, v in deck_values(deck, "parameters")]
    ensemble(cubie, mpi, source, work, "pollu", pollu_f, 60.0,
             ["batch.samples=1024", "batch.seed=2026"] + sobol, 1024)
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
