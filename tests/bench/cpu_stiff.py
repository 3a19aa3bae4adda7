#!/usr/bin/python3
"""Stiff CPU benchmark (issue 9): ROBER and POLLU ensembles swept over their
rate constants, cubie's stiff methods on the CPU against SUNDIALS CVODE and
scipy's Radau, measured in one run and reported as ratios against CVODE.

Problems: the IVP Test Set decks inputs/stiff/rober.yaml (t to 1e11) and
inputs/stiff/pollu.yaml (t to 60) with their absolute tolerances, rtol = 1e-6
(--rtol), final state only. Sweeps: tests/bench/rober_sweep.yaml (10^4 runs)
and pollu_sweep.yaml (10^3 runs), applied with `--set batch=...` (a deck cannot
include another, so the model is never copied); every contender integrates
the rate constants cubie's file records for each run.

Contenders, all with T threads (default: every usable core):
  cubie    `cubie run --backend cpu --threads T` per method (default rodas5p,
           radau5, kvaerno5, rodas4; each at its default controller), warm
           JIT cache; compute = the `in kernels` time of --timing.
  CVODE    tests/bench/stiff_cvode.c: BDF, dense direct solver, analytic
           Jacobian, one integrator per OpenMP thread; compute = its own
           omp_get_wtime() around the parallel loop.
  scipy    solve_ivp(method="Radau", analytic jac) on a subsample of runs in
           this process, one run at a time; its compute is the time per run
           times N / T (perfect scaling over T threads assumed, which favours
           it) and says so.
Each contender runs once untimed, then --repeats times interleaved (so
drifting load hits all alike); medians are reported.

Accuracy: on a sample of runs (--reference-runs, evenly spaced) against scipy
Radau at rtol = 1e-10, atol = 1e-4 x the deck's (the same sample re-solved by
cubie radau5 at those tolerances bounds the reference's own error). Measure
per run: max_i |y_i - ref_i| / (atol + rtol |ref_i|) at the end time; the
table gives its max and median over the sampled runs.

Usage (ctest -C bench -L bench -R bench_cpu_stiff runs it with the paths):
  /usr/bin/python3 tests/bench/cpu_stiff.py --cubie build/cubie \
      --cvode build/tests/bench/bench_stiff_cvode --work-dir /tmp/cpu_stiff \
      --csv cpu_stiff.csv [--markdown cpu_stiff.md] [--rober-runs 10000]
Exit status 1 when a contender fails a run or is far off the reference.
"""

import argparse
import csv
import datetime
import json
import os
import re
import statistics
import sys
import time

import numpy as np
import yaml

from cpu_lorenz import machine_model, thread_env, timed, usable_cores, parse_counts
from stiff_problems import MODELS, radau, scaled_error

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
METHODS = ("rodas5p", "radau5", "kvaerno5", "rodas4")
# status.def: SUCCESS 0x01, EVENT_TERMINATED 0x200 end a run well; these end it badly.
STATUS_DONE, STATUS_FAILURE = 0x201, 0x02 | 0x04 | 0x08 | 0x10 | 0x40 | 0x80
REFERENCE_RTOL, REFERENCE_ATOL_FACTOR = 1e-10, 1e-4
# A contender fails the benchmark beyond this many tolerances of error at the
# end time: global errors of a few to a few hundred tolerances are normal
# for rtol = 1e-6 over these problems' many decades of time, while a wrong
# rate constant, state order or end time is off by far more.
MAX_SCALED_ERROR = 1e3
# The reference must be well inside the measure's unit to measure errors.
MAX_REFERENCE_SPREAD = 0.05


class DeckLoader(yaml.SafeLoader):
    """YAML as the deck reads it: 1.5e7 is a number (PyYAML's YAML 1.1 rules
    would make it a string, which cubie rejects where a number belongs)."""


DeckLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))


def load_sweep(name, runs):
    """The problem's sweep (tests/bench/NAME_sweep.yaml) as the mapping that
    `--set batch=` takes, with `runs` samples."""
    with open(os.path.join(HERE, f"{name}_sweep.yaml")) as f:
        batch = yaml.load(f, Loader=DeckLoader)["batch"]
    batch["samples"] = runs
    return batch


def reference_sample(runs, wanted):
    """Indices of the runs the errors are measured on: evenly spaced, both ends."""
    return np.unique(np.linspace(0, runs - 1, min(wanted, runs)).round().astype(int))


def cubie_command(a, deck, nc, threads, method, rtol, batch, atol=None, backend="cpu"):
    """`cubie run` of the deck with the benchmark's overrides (threads: CPU only)."""
    cmd = [a.cubie, "run", deck, "-o", nc, "--force", "--timing", "--backend", backend]
    if backend == "cpu":
        cmd += ["--threads", str(threads)]
    cmd += ["--set", f"integrator.algorithm={method}", "--set", f"integrator.rtol={rtol!r}",
           "--set", "integrator.step_control=",  # the method's own default controller
           "--set", "output.save_every=", "--set", "output.save=", "--set", "output.summaries=",
           "--set", "batch=" + json.dumps(batch)]
    if atol is not None:
        cmd += ["--set", f"integrator.atol={atol!r}"]
    return cmd


def run_cubie(cmd, model, env):
    import netCDF4
    wall, proc = timed(cmd, env)
    compile_m = re.search(r"timing \(rank 0\): compile ([0-9.]+) s( \(cached\))?", proc.stderr)
    compute_m = re.search(r"compute ([0-9.]+) s", proc.stderr)
    kernel_m = re.search(r"in kernels ([0-9.]+) s", proc.stderr)
    write_m = re.search(r"write ([0-9.]+) s", proc.stderr)
    if not compile_m or not compute_m or not kernel_m:
        raise RuntimeError(f"cubie --timing printed no compile/compute/kernel times:\n{proc.stderr}")
    nc_path = cmd[cmd.index("-o") + 1]
    with netCDF4.Dataset(nc_path) as nc:
        nc.set_auto_mask(False)
        if int(nc.getncattr("complete")) != 1:
            raise RuntimeError(f"{nc_path} is not complete")
        status = np.asarray(nc["status"][:])
        total = lambda v: int(np.sum(nc[v][:], dtype=np.uint64))
        c = {"compute": float(kernel_m.group(1)), "loop_compute": float(compute_m.group(1)),
             "compile": float(compile_m.group(1)), "cached": bool(compile_m.group(2)),
             "write": float(write_m.group(1)) if write_m else None, "runs": len(status),
             "accepted": total("accepted_steps"), "rejected": total("rejected_steps"),
             "rhs": total("rhs_evaluations"), "jacobians": total("jacobian_evaluations"),
             "lu": total("lu_factorizations"), "newton": total("newton_iterations"),
             "failed": int(np.sum(((status & STATUS_FAILURE) != 0) | ((status & STATUS_DONE) == 0))),
             "k": np.stack([np.asarray(nc[p][:], dtype=np.float64) for p in model.params], axis=1),
             "y0": np.array([float(nc[f"{s}_initial"][...]) for s in model.states]),
             "t_end": float(np.max(nc["t_final"][:])),
             "rtol": float(nc.getncattr("cubie_rtol")), "atol": float(nc.getncattr("cubie_atol"))}
        states = np.stack([np.asarray(nc[f"{s}_final"][:], dtype=np.float64)
                           for s in model.states], axis=1)
    return wall, c, states


def run_cvode(a, model, params_path, out_path, threads, rtol, atol, t_end, n, env):
    wall, proc = timed([a.cvode, model.name, params_path, out_path, str(threads), repr(rtol),
                        repr(atol), repr(t_end)], env)
    c = parse_counts(proc.stdout)
    m = re.search(r"jacobians=(\d+) lu=(\d+) newton=(\d+)", proc.stdout)
    if not m or c["runs"] != n or c["threads"] != threads:
        raise RuntimeError(f"{a.cvode}: unexpected output (wanted {n} runs on {threads} "
                           f"threads):\n{proc.stdout}")
    c.update(jacobians=int(m.group(1)), lu=int(m.group(2)), newton=int(m.group(3)))
    return wall, c, np.fromfile(out_path, dtype=np.float64).reshape(n, model.n)


def reference(model, k, t_end, atol, work_dir):
    """Final states of the sampled runs from scipy Radau at tight tolerances,
    cached by the rate constants, end time and tolerances."""
    ref_atol = atol * REFERENCE_ATOL_FACTOR
    path = os.path.join(work_dir, f"reference_{model.name}_{len(k)}.npz")
    if os.path.exists(path):
        cached = np.load(path)
        if (np.array_equal(cached["k"], k) and cached["t_end"] == t_end
                and cached["rtol"] == REFERENCE_RTOL and cached["atol"] == ref_atol):
            return cached["states"]
    states = np.array([radau(model, ki, t_end, REFERENCE_RTOL, ref_atol)[0] for ki in k])
    np.savez(path, k=k, t_end=t_end, rtol=REFERENCE_RTOL, atol=ref_atol, states=states)
    return states


def checked_reference(a, model, deck, k, p, work, env, threads, backend="cpu"):
    """The reference final states of the runs with rate constants k, and
    their own error: the largest scaled difference (at the benchmark's rtol
    and the deck's atol) from cubie radau5 at the reference tolerances."""
    ref = reference(model, k, p["t_end"], p["atol"], work)
    tight = {"grid": "verbatim",
             "sweep": {q: [float(v) for v in k[:, j]] for j, q in enumerate(model.params)}}
    cmd = cubie_command(a, deck, os.path.join(work, "cubie_reference.nc"), threads, "radau5",
                        REFERENCE_RTOL, tight, atol=p["atol"] * REFERENCE_ATOL_FACTOR,
                        backend=backend)
    _, check, states = run_cubie(cmd, model, env)
    if not np.array_equal(check["k"], k) or check["failed"]:
        raise RuntimeError("cubie radau5 at the reference tolerances did not run the sample")
    return ref, float(np.max(scaled_error(states, ref, a.rtol, p["atol"])))


def fmt_ms(s):
    return "—" if s is None else (f"{s:.2f} s" if s >= 10 else f"{s * 1e3:.0f} ms")


def problem_table(p, rows, threads):
    """Markdown lines for one problem; rows: the contenders' result dicts."""
    cvode = next(r for r in rows if r["contender"] == "CVODE BDF")
    lines = [f"**{p['model'].name.upper()}**: {p['runs']} runs, t_end = {p['t_end']:g}, "
             f"rtol = {p['rtol']:g}, atol = {p['atol']:g}, {threads} threads; errors on "
             f"{len(p['sample'])} sampled runs (reference's own spread {p['spread']:.1e}).", "",
             "| contender | wall | compute | CVODE / it: compute | CVODE / it: wall | "
             "steps / run | rejected / run | RHS / run | Jacobians / run | LU / run | "
             "Newton / run | failed runs | max error | median error |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        def per(key):
            return "—" if r.get(key) is None else f"{r[key] / r['counted_runs']:.1f}"
        scipy = r["contender"].startswith("scipy")
        wall_ratio = "—" if r["wall"] is None else f"{cvode['wall'] / r['wall']:.2f}x"
        lines.append(
            f"| {r['contender']} | {fmt_ms(r['wall'])} | {fmt_ms(r['compute'])}"
            f"{' (scaled)' if scipy else ''} | {cvode['compute'] / r['compute']:.2f}x | "
            f"{wall_ratio} | {per('accepted')} | {per('rejected')} | {per('rhs')} | "
            f"{per('jacobians')} | {per('lu')} | {per('newton')} | {r['failed']} | "
            f"{r['err_max']:.2g} | {r['err_median']:.2g} |")
    return lines


def verdict(name, rows):
    """The issue's target in words: cubie's best method >= 3x faster than
    CVODE at equal or better accuracy (max error over the sample)."""
    cvode = next(r for r in rows if r["contender"] == "CVODE BDF")
    cubie = [r for r in rows if r["contender"].startswith("cubie") and r["failed"] == 0]
    if not cubie:
        return f"{name}: no cubie method finished every run"
    fastest = min(cubie, key=lambda r: r["compute"])
    accurate = [r for r in cubie if r["err_max"] <= cvode["err_max"]]
    if not accurate:
        return (f"{name}: no cubie method is as accurate as CVODE (max error "
                f"{cvode['err_max']:.2g}); fastest cubie method {fastest['contender']} at "
                f"{cvode['compute'] / fastest['compute']:.2f}x CVODE's speed with max error "
                f"{fastest['err_max']:.2g}")
    best = min(accurate, key=lambda r: r["compute"])
    ratio = cvode["compute"] / best["compute"]
    return (f"{name}: best cubie method at equal or better accuracy: {best['contender']}, "
            f"{ratio:.2f}x CVODE's speed (compute; wall {cvode['wall'] / best['wall']:.2f}x), "
            f"max error {best['err_max']:.2g} vs CVODE's {cvode['err_max']:.2g}: target >= 3x "
            f"{'met' if ratio >= 3.0 else 'NOT met'}")


def run_problem(a, name, deck, runs, threads, cache_dir, notes):
    """Runs every contender on one problem; returns (problem facts, rows, ok)."""
    model = MODELS[name]
    batch = load_sweep(name, runs)
    work = os.path.join(a.work_dir, name)
    os.makedirs(work, exist_ok=True)
    env = thread_env(threads, a.bind, {"CUBIE_CACHE_DIR": cache_dir})
    params_path = os.path.join(work, "rate_constants.bin")
    contenders = [f"cubie {m}" for m in a.methods.split(",")] + ["CVODE BDF"]
    # CVODE at tighter tolerances too (--cvode-extra-rtols; atol scaled by the
    # same factor, or atol alone would bound the error): where its error at
    # the benchmark's tolerances is larger than cubie's, these rows show what
    # it costs CVODE to reach cubie's accuracy.
    extra = {f"CVODE BDF rtol={float(r):g}": float(r) for r in a.cvode_extra_rtols.split(",") if r}
    contenders += list(extra)
    p = {"model": model, "runs": runs}

    def one(c):
        if c.startswith("cubie"):
            method = c.split()[1]
            cmd = cubie_command(a, deck, os.path.join(work, f"cubie_{method}.nc"), threads, method,
                                a.rtol, batch)
            return run_cubie(cmd, model, env)
        rtol = extra.get(c, a.rtol)
        return run_cvode(a, model, params_path, os.path.join(work, "cvode.bin"), threads, rtol,
                         p["atol"] * rtol / a.rtol, p["t_end"], runs, env)

    samples = {c: [] for c in contenders}
    last = {}
    for rep in range(a.repeats + 1):  # rep 0 is the warm-up (cubie: fills the JIT cache)
        for c in contenders:
            wall, counts, states = one(c)
            if c.startswith("cubie"):
                if "k" not in p:  # the first run fixes the ensemble every contender integrates
                    p.update(k=counts["k"], t_end=counts["t_end"], atol=counts["atol"],
                             rtol=counts["rtol"])
                    if counts["rtol"] != a.rtol or not np.array_equal(counts["y0"], model.y0):
                        raise RuntimeError(f"{deck}: rtol {counts['rtol']} or initial state "
                                           f"{counts['y0']} is not the benchmark's")
                    np.ascontiguousarray(p["k"]).tofile(params_path)
                elif not np.array_equal(counts["k"], p["k"]):
                    raise RuntimeError(f"{c}: ran other rate constants than the first run")
                if rep > 0 and not counts["cached"]:
                    raise RuntimeError(f"{c} compiled its kernel in a timed run")
            if rep > 0:
                samples[c].append((wall, counts["compute"], counts.get("loop_compute")))
            last[c] = (counts, states)
            print(f"{name} rep {rep} {c:16s} wall {wall:7.3f} s  compute {counts['compute']:7.3f} s"
                  f"  failed {counts['failed']}", flush=True)

    # Reference on an evenly spaced sample of runs, and its own error.
    k = p["k"]
    sample = reference_sample(runs, a.reference_runs)
    p["sample"] = sample
    t0 = time.perf_counter()
    ref, p["spread"] = checked_reference(a, model, deck, k[sample], p, work, env, threads)
    print(f"{name}: reference on {len(sample)} runs in {time.perf_counter() - t0:.1f} s, "
          f"spread vs cubie radau5 {p['spread']:.1e}", flush=True)

    rows = []
    for c in contenders:
        counts, states = last[c]
        err = scaled_error(states[sample], ref, a.rtol, p["atol"])
        r = {key: counts.get(key) for key in ("accepted", "rejected", "rhs", "jacobians", "lu",
                                              "newton", "failed")}
        r.update(contender=c, counted_runs=runs, walls=[s[0] for s in samples[c]],
                 computes=[s[1] for s in samples[c]], err_max=float(np.max(err)),
                 err_median=float(np.median(err)))
        r.update(wall=statistics.median(r["walls"]), compute=statistics.median(r["computes"]))
        if c.startswith("cubie"):
            loop = statistics.median(s[2] for s in samples[c])
            notes.append(f"{name}, {c}: median wall {r['wall']:.3f} s = kernel {r['compute']:.3f} s"
                         f" + chunk loop's other work {loop - r['compute']:.3f} s + the rest "
                         f"(start-up, deck, cached kernel load, NetCDF write: "
                         f"{r['wall'] - loop:.3f} s)")
        rows.append(r)

    # scipy Radau on a subsample (evenly spaced within the sample), one run at
    # a time in this process.
    picks = reference_sample(len(sample), a.scipy_runs)
    sub = sample[picks]
    totals, counts, finals = [], {}, []
    for rep in range(a.repeats + 1):
        seconds, finals, counts = 0.0, [], {"accepted": 0, "rhs": 0, "jacobians": 0, "lu": 0}
        for i in sub:
            y, cnt, s = radau(model, k[i], p["t_end"], a.rtol, p["atol"])
            seconds += s
            finals.append(y)
            for key in counts:
                counts[key] += cnt[key]
        if rep > 0:
            totals.append(seconds)
        print(f"{name} rep {rep} scipy Radau      {len(sub)} runs in {seconds:.3f} s", flush=True)
    err = scaled_error(np.array(finals), ref[picks], a.rtol, p["atol"])
    per_run = [t / len(sub) for t in totals]
    r = dict(counts, contender=f"scipy Radau ({len(sub)} runs)", counted_runs=len(sub),
             rejected=None, newton=None, failed=0, wall=None, walls=[],
             computes=[t * runs / threads for t in per_run],
             compute=statistics.median(per_run) * runs / threads,
             err_max=float(np.max(err)), err_median=float(np.median(err)))
    rows.append(r)
    notes.append(f"{name}, scipy Radau: {statistics.median(per_run) * 1e3:.1f} ms per run (median "
                 f"of {a.repeats} passes over {len(sub)} runs, one process); its compute is that "
                 f"times {runs} runs / {threads} threads, as if it scaled perfectly")

    ok = p["spread"] <= MAX_REFERENCE_SPREAD
    if not ok:
        print(f"FAIL {name}: reference spread {p['spread']:.1e} > {MAX_REFERENCE_SPREAD}",
              file=sys.stderr)
    for r in rows:
        bad = ([f"{r['failed']} failed runs"] if r["failed"] else []) + (
            [f"max error {r['err_max']:.2g} > {MAX_SCALED_ERROR:g}"]
            if not r["err_max"] <= MAX_SCALED_ERROR else [])
        if bad:
            ok = False
            print(f"FAIL {name} {r['contender']}: {', '.join(bad)}", file=sys.stderr)
    return p, rows, ok


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cubie", required=True, help="the cubie executable")
    ap.add_argument("--cvode", required=True, help="bench_stiff_cvode")
    ap.add_argument("--work-dir", required=True, help="scratch directory (outputs, JIT cache)")
    ap.add_argument("--csv", required=True, help="CSV file to write")
    ap.add_argument("--markdown", help="also write the markdown tables here")
    ap.add_argument("--problems", default="rober,pollu")
    ap.add_argument("--rober-deck", default=os.path.join(ROOT, "inputs", "stiff", "rober.yaml"))
    ap.add_argument("--pollu-deck", default=os.path.join(ROOT, "inputs", "stiff", "pollu.yaml"))
    ap.add_argument("--rober-runs", type=int, default=10000)
    ap.add_argument("--pollu-runs", type=int, default=1000)
    ap.add_argument("--methods", default=",".join(METHODS), help="cubie methods, comma-separated")
    ap.add_argument("--threads", type=int, default=None, help="default: every usable core")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--cvode-extra-rtols", default="",
                    help="comma-separated tighter rtols CVODE also runs at, its atol scaled "
                         "alike (errors are still measured at the benchmark's tolerances)")
    ap.add_argument("--reference-runs", type=int, default=64, help="runs the errors are taken on")
    ap.add_argument("--scipy-runs", type=int, default=32, help="runs scipy Radau integrates")
    ap.add_argument("--bind", choices=("auto", "always", "never"), default="auto",
                    help="OMP_PROC_BIND=true for every contender: auto = only with > 1 thread")
    a = ap.parse_args()

    threads = a.threads or usable_cores()
    model_name = machine_model()
    os.makedirs(a.work_dir, exist_ok=True)
    cache_dir = os.path.join(a.work_dir, "jit-cache")
    os.makedirs(cache_dir, exist_ok=True)
    for name in a.problems.split(","):
        check = timed([a.cvode, "check", name])[1].stdout.strip()
        print(check, flush=True)
    notes = []
    info_env = thread_env(1, a.bind, {"CUBIE_CACHE_DIR": cache_dir})
    floor = statistics.median(timed([a.cubie, "info"], info_env)[0] for _ in range(a.repeats))
    notes.append(f"cubie's fixed start-up cost (`cubie info`: process start, MPI_Init and "
                 f"MPI_Finalize, backend probe): {floor * 1e3:.0f} ms median")
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    results, ok = [], True
    for name in a.problems.split(","):
        deck = getattr(a, f"{name}_deck")
        runs = getattr(a, f"{name}_runs")
        p, rows, good = run_problem(a, name, deck, runs, threads, cache_dir, notes)
        results.append((name, deck, p, rows))
        ok = ok and good
    load = (load_start, os.getloadavg()[0])

    today = datetime.date.today().isoformat()
    binding = {"auto": "OMP_PROC_BIND=true when T > 1", "always": "OMP_PROC_BIND=true",
               "never": "OMP_PROC_BIND unset"}[a.bind]
    lines = [f"Machine: {model_name}, {usable_cores()} usable cores. Date: {today}. Median of "
             f"{a.repeats} timed runs after one warm-up each (cubie: warm JIT cache); {binding}. "
             f"Load average (1 min) at start / end: {load[0]:.2f} / {load[1]:.2f}; the benchmark "
             f"took {time.perf_counter() - started:.0f} s.", ""]
    for name, deck, p, rows in results:
        lines += problem_table(p, rows, threads) + [""]
    lines += ["Ratios are CVODE's time over the contender's (> 1: faster than CVODE). compute: "
              "cubie's `in kernels` time, CVODE's own timer around its parallel loop, scipy's "
              "time per run scaled to the ensemble. Error: per run max_i |y_i - ref_i| / "
              "(atol + rtol |ref_i|) at the end time, max and median over the sampled runs; "
              f"reference scipy Radau at rtol {REFERENCE_RTOL:g}, atol "
              f"{REFERENCE_ATOL_FACTOR:g} x the deck's; its spread is the largest such "
              "difference between it and cubie radau5 at the same tolerances.", ""]
    lines += [verdict(name, rows) for name, _, _, rows in results] + [""]
    for name, _, _, rows in results:
        # The least disturbed samples: on a shared machine the minimum of each
        # contender's compute times is the steadier estimate of its cost.
        cvode = next(r for r in rows if r["contender"] == "CVODE BDF")
        best = ", ".join(f"{r['contender']} {min(cvode['computes']) / min(r['computes']):.2f}x"
                         for r in rows if r["contender"].startswith("cubie"))
        lines.append(f"{name}: CVODE's fastest compute over each contender's fastest: {best}")
    lines.append("")
    lines += [f"Note: {n}" for n in notes]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text)
    with open(a.csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["date", "machine", "cores", "threads", "problem", "runs", "contender",
                    "wall_median_s", "compute_median_s", "wall_samples_s", "compute_samples_s",
                    "accepted", "rejected", "rhs", "jacobians", "lu", "newton", "failed",
                    "err_max", "err_median", "counted_runs"])
        for name, _, p, rows in results:
            for r in rows:
                w.writerow([today, model_name, usable_cores(), threads, name, p["runs"],
                            r["contender"], "" if r["wall"] is None else f"{r['wall']:.6f}",
                            f"{r['compute']:.6f}", " ".join(f"{x:.6f}" for x in r["walls"]),
                            " ".join(f"{x:.6f}" for x in r["computes"])] +
                           ["" if r[key] is None else r[key] for key in
                            ("accepted", "rejected", "rhs", "jacobians", "lu", "newton", "failed")] +
                           [f"{r['err_max']:.3e}", f"{r['err_median']:.3e}", r["counted_runs"]])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
