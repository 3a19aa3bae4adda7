#!/usr/bin/env python3
"""Benchmark (bench label; docs/algorithms.md#linear-solvers): the dense,
sparse and Krylov linear solvers on the method-of-lines Brusselator, CPU
backend, one thread, in the same run.

  1. inputs/stiff/brusselator.yaml (N = 50 grid points, 100 states) swept
     over 16 diffusion coefficients alpha in [0.005, 0.02], with rodas5p,
     radau5 and kvaerno5, each with linear_solver dense, sparse and krylov:
     time in the kernel (cubie run --timing), steps, LU factorisations,
     linear iterations, and the time relative to dense;
  2. the same problem on 3 .. 64 grid points (6 .. 128 states), 256 runs,
     rodas5p, dense against sparse, the better of two runs each: where
     sparse starts to pay (the `auto` rule's 8 states, docs/algorithms.md).
It asserts only that every run succeeds; times are printed, not judged.

usage: linear_solvers.py CUBIE SOURCE_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys

import netCDF4
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import brusselator_deck  # noqa: E402

FAILED = []


def run(cubie, deck, out, sets):
    cmd = [cubie, "run", deck, "-o", out, "--force", "--backend", "cpu", "--threads", "1",
           "--timing"]
    for s in sets:
        cmd += ["--set", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    kernel = re.search(r"in kernels ([0-9.eE+-]+) s", p.stderr)
    if p.returncode != 0 or not kernel:
        FAILED.append(" ".join(cmd))
        print("FAILED: %s\n%s" % (" ".join(cmd), p.stderr))
        return None, None
    with netCDF4.Dataset(out) as d:
        d.set_auto_mask(False)
        c = {n: np.array(d[n][:]) for n in ("status", "accepted_steps", "lu_factorizations",
                                            "linear_iterations")}
    if not np.all(c["status"] == 1):
        FAILED.append(out)
        print("FAILED runs in %s: %s" % (out, c["status"]))
    return float(kernel.group(1)), c


def deck_with_sweep(source_text, path, runs):
    text = source_text.replace("    alpha: [0.02, 0.01]",
                               "    alpha: {linspace: [0.005, 0.02, %d]}" % runs)
    with open(path, "w") as f:
        f.write(text)


def main():
    cubie, source, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    runs = 16
    deck = os.path.join(work, "brusselator16.yaml")
    deck_with_sweep(open(os.path.join(source, "inputs/stiff/brusselator.yaml")).read(), deck, runs)
    print("Brusselator, N = 50 (100 states), %d runs, CPU, 1 thread, rtol = atol = 1e-6" % runs)
    print("%-9s %-7s %10s %8s %9s %9s %12s" % ("method", "solver", "kernel s", "x dense", "steps",
                                               "LUs", "lin. iters"))
    for method in ("rodas5p", "radau5", "kvaerno5"):
        dense = None
        for solver in ("dense", "sparse", "krylov"):
            t, c = run(cubie, deck, os.path.join(work, "%s_%s.nc" % (method, solver)),
                       ["integrator.algorithm=" + method, "integrator.linear_solver=" + solver])
            if t is None:
                continue
            dense = t if solver == "dense" else dense
            print("%-9s %-7s %10.3f %8s %9d %9d %12d" % (
                method, solver, t, "%.2f" % (t / dense) if dense else "-",
                c["accepted_steps"].sum(), c["lu_factorizations"].sum(),
                c["linear_iterations"].sum()))
    print()
    print("rodas5p, dense vs sparse by size (256 runs each, best of 2)")
    print("%6s %7s %10s %10s %8s" % ("grid", "states", "dense s", "sparse s", "sparse/dense"))
    for n in (3, 4, 5, 8, 16, 32, 64):
        deck_n = os.path.join(work, "brusselator_n%d.yaml" % n)
        deck_with_sweep(brusselator_deck.deck(n), deck_n, 256)
        best = {}
        for solver in ("dense", "sparse", "dense", "sparse"):
            t, _ = run(cubie, deck_n, os.path.join(work, "n%d_%s.nc" % (n, solver)),
                       ["integrator.linear_solver=" + solver])
            if t is not None:
                best[solver] = min(best.get(solver, t), t)
        if len(best) == 2:
            print("%6d %7d %10.4f %10.4f %8.2f" % (n, 2 * n, best["dense"], best["sparse"],
                                                   best["sparse"] / best["dense"]))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
