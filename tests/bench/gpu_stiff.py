#!/usr/bin/env python3
"""Stiff GPU benchmark (issue 9): the ROBER and POLLU ensembles of
cpu_stiff.py on one GPU, cubie's stiff methods against CuBIE's implicit
solvers (the Python package `cubie`, 0.17 from PyPI) in the same run.

Usage: gpu_stiff.py --cubie CUBIE --work-dir DIR [--problems rober,pollu]
                    [--rober-runs 10000] [--pollu-runs 1000] [--scale 1]
                    [--methods rodas5p,radau5,kvaerno5,rodas4] [--repeats 3]
                    [--cubie-python PY] [--csv FILE] [--markdown FILE]

The same decks (inputs/stiff/*.yaml), sweeps (tests/bench/*_sweep.yaml),
rtol = 1e-6 and the decks' atol as the CPU benchmark, float64, final state
only; --scale multiplies the run counts (a GPU wants 10^5 or more runs to
fill it).
  cubie   `cubie run --backend cuda` per method; kernel = CUDA events around
          the launches (`--timing`, "in kernels"), end to end = the whole
          process; warm compile cache; median of --repeats after a warm-up.
  CuBIE   in its own process after cubie's runs (never sharing the GPU):
          create_ODE_system from the deck's own equations (`^` written as
          `**`), the rate constants cubie's file records for each run as a
          verbatim grid, float64, the same rtol/atol, dt_min = 1e-12 and
          dt_max = t_end as cubie's defaults (CuBIE's own, 1e-6 and 1, cannot
          reach t = 1e11), each method with CuBIE's default linear solver
          (matrix-free minimal residual) and with linear_correction_type="lu";
          a warm solve timed by wall clock, and its kernel time from its own
          time logger when it names one.
Accuracy: as in cpu_stiff.py, on an evenly spaced sample of runs against
scipy Radau at rtol 1e-10 (cached in the work directory; its own error
bounded by cubie radau5 at the same tolerances on the GPU).

Exits 77 (ctest: skipped) when cubie sees no usable CUDA device. Never run
on the machine that wrote it (no GPU there): see docs/benchmarks.md.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import yaml

from cpu_stiff import (ROOT, DeckLoader, checked_reference, cubie_command, load_sweep,
                       reference_sample, run_cubie)
from cpu_lorenz import timed
from stiff_problems import MODELS, scaled_error

METHODS = ("rodas5p", "radau5", "kvaerno5", "rodas4")
# cubie's method -> CuBIE 0.17's name for the same tableau
# (cubie/integrators/algorithms/*_tableaus.py of the 0.17 wheel).
CUBIE_PY_NAMES = {"rodas5p": "rodas5p", "rodas4": "rodas4", "kvaerno5": "kvaerno5",
                  "radau5": "radau_iia_5"}

CUBIE_PY = r'''
import contextlib, io, json, re, sys, time
import numpy as np
import cubie

spec = json.load(open(sys.argv[1]))
k = np.load(spec["k_path"])
system = cubie.create_ODE_system(
    spec["equations"], states=spec["states"], parameters=spec["parameters"],
    precision=np.float64, name=spec["name"], swept_parameters=spec["param_names"])
params = {p: np.ascontiguousarray(k[:, j]) for j, p in enumerate(spec["param_names"])}
n_states = len(spec["states"])
out = {"cubie_py": getattr(cubie, "__version__", "?"), "methods": {}}
for label, algorithm, extra in spec["methods"]:
    try:
        solver = cubie.Solver(system, algorithm=algorithm, atol=spec["atol"], rtol=spec["rtol"],
                              dt_min=1e-12, dt_max=spec["t_end"], output_types=["state"],
                              time_logging_level="verbose", **extra)
        solve = lambda: solver.solve(None, params, duration=spec["t_end"], grid_type="verbatim")
        t = time.perf_counter()
        solve()  # compile and warm up
        first = time.perf_counter() - t
        walls, kernels = [], []
        for _ in range(spec["repeats"]):
            text = io.StringIO()
            with contextlib.redirect_stdout(text):
                t = time.perf_counter()
                result = solve()
                walls.append(time.perf_counter() - t)
                try:
                    cubie.default_timelogger.print_summary()
                except Exception:
                    pass
            for line in text.getvalue().splitlines():
                # CuBIE 0.17 prints "device: 0.7ms h2d, 6356.7ms kernel, 0.2ms d2h": the
                # number before "kernel" (the one after it is the copy back).
                m = (re.search(r"([0-9.]+(?:e-?[0-9]+)?)\s*(ms|s)\s+kernel", line, re.I)
                     or re.search(r"kernel[^0-9]*([0-9.]+(?:e-?[0-9]+)?)\s*(ms|s)\b", line, re.I))
                if m:
                    kernels.append(float(m.group(1)) * (1e-3 if m.group(2) == "ms" else 1.0))
                    break
        state = np.asarray(result.state, dtype=np.float64)  # (time, variable, run)
        final = state[-1, :n_states, :].T
        np.save(spec["out_dir"] + "/" + label + ".npy", final)
        status = np.asarray(result.status_codes)
        out["methods"][label] = {
            "walls": walls, "kernels": kernels, "first_solve": first,
            "state_shape": list(state.shape), "failed": int(np.count_nonzero(status)),
            "nan_runs": int(np.count_nonzero(~np.isfinite(final).all(axis=1)))}
    except Exception as e:  # a method CuBIE cannot run is a row, not the end
        out["methods"][label] = {"error": (type(e).__name__ + ": " + str(e))[:400]}
print("CUBIE_PY_JSON " + json.dumps(out))
'''


def run_cubie_py(python, spec_path, timeout):
    try:
        p = subprocess.run([python, "-c", CUBIE_PY, spec_path], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s"
    for line in p.stdout.splitlines():
        if line.startswith("CUBIE_PY_JSON "):
            return json.loads(line[len("CUBIE_PY_JSON "):]), None
    return None, (p.stderr.strip().splitlines() or ["no output"])[-1]


def cubie_py_spec(deck_path, model, k, p, a, work):
    """What the CuBIE process needs: the deck's own model, the runs' rate
    constants, the tolerances, and the methods to try."""
    with open(deck_path) as f:
        deck = yaml.load(f, Loader=DeckLoader)["model"]
    k_path = os.path.join(work, "rate_constants.npy")
    np.save(k_path, k)
    methods = []
    for m in a.methods.split(","):
        if m in CUBIE_PY_NAMES:
            methods.append([f"{m}", CUBIE_PY_NAMES[m], {}])
            methods.append([f"{m}-lu", CUBIE_PY_NAMES[m], {"linear_correction_type": "lu"}])
    spec = {"name": f"{model.name}_bench",
            "equations": [ln.strip().replace("^", "**")
                          for ln in deck["equations"].splitlines() if ln.strip()],
            "states": {s: float(v) for s, v in deck["states"].items()},
            "parameters": {q: float(v) for q, v in deck["parameters"].items()},
            "param_names": model.params, "k_path": k_path, "t_end": p["t_end"],
            "rtol": a.rtol, "atol": p["atol"], "repeats": a.repeats, "out_dir": work,
            "methods": methods}
    path = os.path.join(work, "cubie_py_spec.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    return path


def run_problem(a, name, deck, runs, cache_dir):
    model = MODELS[name]
    batch = load_sweep(name, runs)
    work = os.path.join(a.work_dir, name)
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, CUBIE_CACHE_DIR=cache_dir)
    rows, p = [], {"runs": runs}
    finals = {}
    for method in a.methods.split(","):
        cmd = cubie_command(a, deck, os.path.join(work, f"cubie_{method}.nc"), 0, method, a.rtol,
                            batch, backend=a.backend)
        samples = []
        for rep in range(a.repeats + 1):  # rep 0 fills the compile cache
            wall, c, states = run_cubie(cmd, model, env)
            if rep > 0:
                samples.append((wall, c["compute"]))
        p.update(k=c["k"], t_end=c["t_end"], atol=c["atol"])
        finals[f"cubie {method}"] = states
        rows.append({"contender": f"cubie {method} ({a.backend})", "failed": c["failed"],
                     "kernel": statistics.median(s[1] for s in samples),
                     "wall": statistics.median(s[0] for s in samples),
                     "steps": c["accepted"] / runs, "jacobians": c["jacobians"] / runs})
        print(f"{name} cubie {method}: kernel {rows[-1]['kernel']:.4f} s, end to end "
              f"{rows[-1]['wall']:.3f} s, {c['failed']} failed", file=sys.stderr, flush=True)
    sample = reference_sample(runs, a.reference_runs)
    ref, spread = checked_reference(a, model, deck, p["k"][sample], p, work, env, 0, a.backend)
    for r in rows:
        err = scaled_error(finals[r["contender"].rsplit(" (", 1)[0]][sample], ref, a.rtol,
                           p["atol"])
        r.update(err_max=float(np.max(err)), err_median=float(np.median(err)))

    have = subprocess.run([a.cubie_python, "-c", "import cubie"], capture_output=True).returncode
    note = f"the Python package cubie is not importable in {a.cubie_python}"
    if have == 0:
        got, why = run_cubie_py(a.cubie_python, cubie_py_spec(deck, model, p["k"], p, a, work),
                                a.cubie_py_timeout)
        note = f"CuBIE {got['cubie_py']}" if got else f"CuBIE failed: {why}"
        for label, m in (got or {"methods": {}})["methods"].items():
            row = {"contender": f"CuBIE {label}", "steps": None, "jacobians": None}
            if "error" in m:
                row.update(failed=None, kernel=None, wall=None, err_max=None, err_median=None,
                           error=m["error"])
            else:
                final = np.load(os.path.join(work, label + ".npy"))
                err = scaled_error(final[sample], ref, a.rtol, p["atol"])
                row.update(failed=m["failed"], wall=statistics.median(m["walls"]),
                           kernel=statistics.median(m["kernels"]) if m["kernels"] else None,
                           err_max=float(np.nanmax(err)) if np.isfinite(err).any() else None,
                           err_median=float(np.nanmedian(err)) if np.isfinite(err).any() else None,
                           first_solve=m["first_solve"], state_shape=m["state_shape"])
            rows.append(row)
    return {"name": name, "runs": runs, "t_end": p["t_end"], "atol": p["atol"],
            "spread": spread, "sample": len(sample), "note": note}, rows


def fmt(v, spec, none="—"):
    return none if v is None else spec % v


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cubie", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--problems", default="rober,pollu")
    ap.add_argument("--rober-deck", default=os.path.join(ROOT, "inputs", "stiff", "rober.yaml"))
    ap.add_argument("--pollu-deck", default=os.path.join(ROOT, "inputs", "stiff", "pollu.yaml"))
    ap.add_argument("--rober-runs", type=int, default=10000)
    ap.add_argument("--pollu-runs", type=int, default=1000)
    ap.add_argument("--scale", type=int, default=1, help="multiplies both run counts")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--reference-runs", type=int, default=64)
    ap.add_argument("--cubie-python", default=sys.executable)
    ap.add_argument("--cubie-py-timeout", type=int, default=600)
    ap.add_argument("--csv")
    ap.add_argument("--markdown")
    ap.add_argument("--backend", choices=("cuda", "cpu"), default="cuda",
                    help="cpu: try the script's plumbing without a GPU (not a benchmark)")
    a = ap.parse_args()

    info = timed([a.cubie, "info"])[1].stdout
    if a.backend == "cuda" and "cuda: available" not in info:
        print("SKIPPED: no usable CUDA device\n" + info)
        return 77
    device = next((ln.strip() for ln in info.splitlines() if ln.strip().startswith("device 0:")),
                  "?")
    os.makedirs(a.work_dir, exist_ok=True)
    cache_dir = os.path.join(a.work_dir, "jit-cache")
    os.makedirs(cache_dir, exist_ok=True)
    started = time.perf_counter()
    results = []
    for name in a.problems.split(","):
        runs = getattr(a, f"{name}_runs") * a.scale
        results.append(run_problem(a, name, getattr(a, f"{name}_deck"), runs, cache_dir))

    lines = [f"GPU: {device}. Median of {a.repeats} timed runs after a warm-up; the benchmark "
             f"took {time.perf_counter() - started:.0f} s.", ""]
    for facts, rows in results:
        best = min((r["kernel"] for r in rows if r["contender"].startswith("cubie")
                    and r["kernel"] and not r["failed"]), default=None)
        lines += [f"**{facts['name'].upper()}**: {facts['runs']} runs, t_end = {facts['t_end']:g},"
                  f" rtol = {a.rtol:g}, atol = {facts['atol']:g}, float64; errors on "
                  f"{facts['sample']} sampled runs (reference spread {facts['spread']:.1e}); "
                  f"{facts['note']}.", "",
                  "| contender | kernel | end to end / solve | it / best cubie kernel | "
                  "steps / run | Jacobians / run | failed runs | max error | median error |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            if r.get("error"):
                lines.append(f"| {r['contender']} | could not run: {r['error'][:120]} "
                             "| | | | | | | |")
                continue
            ratio = r["kernel"] / best if r["kernel"] and best else None
            lines.append(f"| {r['contender']} | {fmt(r['kernel'], '%.4f s')} | "
                         f"{fmt(r['wall'], '%.3f s')} | {fmt(ratio, '%.2fx')} | "
                         f"{fmt(r['steps'], '%.1f')} | {fmt(r['jacobians'], '%.1f')} | "
                         f"{fmt(r['failed'], '%d')} | {fmt(r['err_max'], '%.2g')} | "
                         f"{fmt(r['err_median'], '%.2g')} |")
        lines.append("")
    lines.append("Target (issue 9): cubie faster than CuBIE at equal accuracy. Error: per run "
                 "max_i |y_i - ref_i| / (atol + rtol |ref_i|) at the end time.")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text)
    path = a.csv or os.path.join(a.work_dir, "gpu_stiff.csv")
    keys = ["problem", "runs", "contender", "kernel", "wall", "steps", "jacobians", "failed",
            "err_max", "err_median", "error"]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        for facts, rows in results:
            for r in rows:
                w.writerow(dict(r, problem=facts["name"], runs=facts["runs"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
