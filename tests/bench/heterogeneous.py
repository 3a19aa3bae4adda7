"""Dynamic vs static decomposition on a sweep whose runs differ >= 10x in cost.

Usage: heterogeneous.py CUBIE MPIEXEC WORK_DIR [--runs N] [--repeat R] [--ranks P]

The van der Pol oscillator swept over mu = linspace(0.1, 300, N) with an
explicit method (tsit5): as mu grows the problem stiffens and an explicit
method needs ever more steps, so a run's cost rises with mu (the file's
rhs_evaluations counter shows the spread; this script checks it is >= 10x).
Static contiguous blocks give the last rank the most expensive runs; dynamic
self-scheduling (MPI-3 fetch-and-add on a shared counter) evens that out.
Each decomposition runs R times on P ranks (one OpenMP thread each); the
median wall time of `mpiexec -n P cubie run` is compared in this one script.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import netCDF4
import numpy as np


def run(cmd, env):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cubie")
    ap.add_argument("mpiexec")
    ap.add_argument("work")
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ranks", type=int, default=2)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    deck = os.path.join(src, "inputs", "vanderpol.yaml")
    out = os.path.join(a.work, "heterogeneous.nc")
    sets = ["--set", "batch.sweep.mu.linspace=[0.1, 300.0, %d]" % a.runs,
            "--set", "output.summaries=", "--set", "integrator.settling_time=0",
            "--set", "integrator.duration=100", "--set", "output.save_every=1.0",
            "--set", "run.memory_limit=2MiB", "--threads", "1", "-q", "--force"]
    launcher = [a.mpiexec, "-n", str(a.ranks)]
    if (os.cpu_count() or 1) < a.ranks:
        launcher.append("--oversubscribe")
    env = dict(os.environ, OMP_PROC_BIND="false")
    base = launcher + [a.cubie, "run", deck, "-o", out] + sets
    run(base, env)  # warm the JIT cache
    with netCDF4.Dataset(out) as ds:
        cost = np.asarray(ds["rhs_evaluations"][:], dtype=float)
        ok = np.all(np.asarray(ds["status"][:]) == 1)
    spread = cost.max() / cost.min()
    half = len(cost) // a.ranks
    share = [cost[i * half:(i + 1) * half].sum() for i in range(a.ranks)]
    times = {}
    for mode in ("static", "weighted", "dynamic"):
        times[mode] = statistics.median(
            run(base + ["--set", "run.decomposition=" + mode], env) for _ in range(a.repeat))
    print("| runs | ranks | cost spread (max/min RHS evaluations) | static share of work on the last rank "
          "| static | weighted | dynamic | static / dynamic |")
    print("|---|---|---|---|---|---|---|---|")
    print("| %d | %d | %.1fx | %.0f%% | %.2f s | %.2f s | %.2f s | %.2f |" % (
        a.runs, a.ranks, spread, 100 * share[-1] / cost.sum(), times["static"], times["weighted"],
        times["dynamic"], times["static"] / times["dynamic"]))
    if not ok:
        sys.exit("some runs failed")
    if spread < 10:
        sys.exit("the sweep's cost spread is only %.1fx (need >= 10x)" % spread)
    if times["dynamic"] >= times["static"]:
        sys.exit("dynamic was not faster than static")


if __name__ == "__main__":
    main()
