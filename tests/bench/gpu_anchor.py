"""GPU benchmark on the anchor problem, with CuBIE and diffrax side by side.

Usage: gpu_anchor.py CUBIE WORK_DIR [--min-exp 10] [--max-exp 23] [--repeat 3]
                     [--cases fixed,adaptive,io] [--io-exp 20] [--csv FILE]
                     [--jax-python PY] [--cubie-python PY]

Lorenz, sigma = 10, beta = 2.666, rho = linspace(0, 21, N), u0 = (1, 0, 0),
t in [0, 1], float32, only the final state saved, N = 2^min-exp .. 2^max-exp:
  fixed     tsit5, fixed dt = 1e-3
  adaptive  tsit5, rtol = atol = 1e-8, I controller (diffrax's default
            PIDController is an I controller), at most 100000 steps per run
cubie is timed twice: the kernel alone (CUDA events around each launch,
`cubie run --timing`: "in kernels ... s") and end to end (wall time of the
whole `cubie run` process: start-up, MPI, cached kernel load, inputs,
copies, NetCDF file). Each is the best of --repeat runs after one warm-up
run that fills the compile cache.

diffrax (when `jax` and `diffrax` import in --jax-python, default this
Python) solves the same problem: jax.vmap over rho of diffeqsolve(Tsit5,
same dt / tolerances, SaveAt(t1=True), float32), jit-compiled, warmed up,
timed with block_until_ready (best of --repeat). It runs in its own process
after cubie's runs, with XLA's memory preallocation off, so the two never
share the GPU at once. Ratio = diffrax time / cubie time (> 1: cubie is
faster).

CuBIE (the Python package `cubie`, 0.17 from PyPI, when it imports in
--cubie-python, default this Python) solves the same problem in its own
process after cubie's runs: cubie.Solver(tsit5, same step control), rho as a
verbatim grid, a warm solve timed by wall clock (best of --repeat) and its
own kernel time from CUDA events (its time logger at "verbose", when its
summary names the kernel). Ratio = CuBIE time / cubie time.

io (the I/O-heavy job of issue 10): N = 2^--io-exp runs saving x, y, z at
101 points (t = 0, 0.01, ..., 1; 1.3 GB of float32 at 2^20), adaptive as
above. cubie on the GPU and cubie's CPU backend (all cores) on the same
node are timed end to end with --timing's breakdown (compute, transfer,
write); CuBIE solves it to host arrays (no file). Target: cubie's GPU
total <= 1.3 x max(device-to-host copy, NetCDF write) + start-up, and
never slower than the CPU backend.

Writes a markdown table to stdout and a CSV (default WORK_DIR/gpu_anchor.csv).
Exits 77 when cubie sees no usable CUDA device.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time

DECK = """# Anchor benchmark (tests/bench/gpu_anchor.py)
model:
  name: lorenz_anchor
  states: {x: 1.0, y: 0.0, z: 0.0}
  parameters: {sigma: 10.0, rho: 0.0, beta: 2.666}
  equations: |
    dx = sigma * (y - x)
    dy = x * (rho - z) - y
    dz = x * y - beta * z
integrator:
  algorithm: tsit5
  precision: float32
  duration: 1.0
%(integrator)s
batch:
  sweep:
    rho: {linspace: [0.0, 21.0, %(n)d]}
output:
  file: anchor.nc
%(save_every)s  save: [x, y, z]
run:
  backend: cuda
"""

CASES = {
    "fixed": "  step_control: fixed\n  dt: 1.0e-3",
    "adaptive": "  step_control: i\n  rtol: 1.0e-8\n  atol: 1.0e-8\n  dt: 1.0e-3\n  max_steps: 100000",
    "io": "  step_control: i\n  rtol: 1.0e-8\n  atol: 1.0e-8\n  dt: 1.0e-3\n  max_steps: 100000",
}
SAVE_EVERY = {"io": "  save_every: 0.01\n"}

CUBIE_PY = r'''
import io, json, re, sys, time, contextlib
import numpy as np
import cubie

case, exps, repeat = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
system = cubie.create_ODE_system(
    ["dx = sigma*(y - x)", "dy = x*(rho - z) - y", "dz = x*y - beta*z"],
    states={"x": 1.0, "y": 0.0, "z": 0.0},
    parameters={"rho": 0.0, "sigma": 10.0, "beta": 2.666}, precision=np.float32)
if case == "fixed":
    control = dict(step_controller="fixed", dt=1e-3)
else:
    control = dict(step_controller="i", dt=1e-3, atol=1e-8, rtol=1e-8)
saving = dict(dt_save=0.01) if case == "io" else {}
solver = cubie.Solver(system, algorithm="tsit5", save_variables=["x", "y", "z"],
                      output_types=["state"], time_logging_level="verbose", **control, **saving)
out = {"cubie_py": getattr(cubie, "__version__", "?"), "times": {}, "kernel": {}}
for e in exps:
    rho = np.linspace(0.0, 21.0, 2 ** e, dtype=np.float32)
    solver.solve(None, {"rho": rho}, duration=1.0, grid_type="verbatim")  # compile, warm up
    best = kbest = None
    for _ in range(repeat):
        text = io.StringIO()
        t = time.perf_counter()
        with contextlib.redirect_stdout(text):
            solver.solve(None, {"rho": rho}, duration=1.0, grid_type="verbatim")
            dt = time.perf_counter() - t
            try:
                cubie.default_timelogger.print_summary()
            except Exception:
                pass
        best = dt if best is None else min(best, dt)
        for line in text.getvalue().splitlines():
            # CuBIE 0.17 prints "device: 0.7ms h2d, 6356.7ms kernel, 0.2ms d2h": the
            # number before "kernel" (the one after it is the copy back).
            m = (re.search(r"([0-9.]+(?:e-?[0-9]+)?)\s*(ms|s)\s+kernel", line, re.I)
                 or re.search(r"kernel[^0-9]*([0-9.]+(?:e-?[0-9]+)?)\s*(ms|s)\b", line, re.I))
            if m:
                k = float(m.group(1)) * (1e-3 if m.group(2) == "ms" else 1.0)
                kbest = k if kbest is None else min(kbest, k)
    out["times"][str(e)] = best
    out["kernel"][str(e)] = kbest
print("CUBIE_PY_JSON " + json.dumps(out))
'''

DIFFRAX = r'''
import json, sys, time
import jax
import jax.numpy as jnp
import diffrax

case, exps, repeat = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])

def rhs(t, u, args):
    sigma, rho, beta = args
    x, y, z = u[0], u[1], u[2]
    return jnp.stack([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])

term = diffrax.ODETerm(rhs)
if case == "fixed":
    controller, max_steps = diffrax.ConstantStepSize(), 2000
else:
    controller, max_steps = diffrax.PIDController(rtol=1e-8, atol=1e-8), 100000

def one(rho):
    u0 = jnp.array([1.0, 0.0, 0.0], dtype=jnp.float32)
    args = (jnp.float32(10.0), rho, jnp.float32(2.666))
    sol = diffrax.diffeqsolve(term, diffrax.Tsit5(), t0=0.0, t1=1.0, dt0=1e-3, y0=u0, args=args,
                              saveat=diffrax.SaveAt(t1=True), stepsize_controller=controller,
                              max_steps=max_steps, throw=False)
    return sol.ys[-1]

solve = jax.jit(jax.vmap(one))
out = {"device": str(jax.devices()[0]), "jax": jax.__version__, "diffrax": diffrax.__version__,
       "times": {}}
for e in exps:
    rho = jnp.linspace(0.0, 21.0, 2 ** e, dtype=jnp.float32)
    jax.block_until_ready(solve(rho))  # compile and warm up
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        jax.block_until_ready(solve(rho))
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    out["times"][str(e)] = best
print("DIFFRAX_JSON " + json.dumps(out))
'''


def cubie_once(cubie, deck, out, backend="cuda"):
    cmd = [cubie, "run", deck, "-o", out, "--force", "--timing", "--backend", backend]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
    text = p.stdout + p.stderr
    kernel = re.search(r"in kernels ([0-9.]+) s", text)
    failed = re.search(r"(\d+) runs, (\d+) failed", text)
    if not kernel or not failed:
        sys.exit("no timing / summary line in:\n" + text)
    # The per-rank table of --timing: its header and the "max" row.
    parts, header = {}, None
    for line in text.splitlines():
        cols = line.split()
        if cols[:2] == ["rank", "compile"]:
            header = cols
        elif header and cols and cols[0] == "max" and len(cols) == len(header):
            parts = {h: float(v) for h, v in zip(header[1:], cols[1:])}
    cubie_once.parts = parts
    return float(kernel.group(1)), wall, int(failed.group(2))


def run_cubie_py(python, case, exps, repeat):
    env = dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false")
    p = subprocess.run([python, "-c", CUBIE_PY, case, json.dumps(exps), str(repeat)],
                       capture_output=True, text=True, env=env)
    for line in p.stdout.splitlines():
        if line.startswith("CUBIE_PY_JSON "):
            return json.loads(line[len("CUBIE_PY_JSON "):]), None
    return None, (p.stderr.strip().splitlines() or ["no output"])[-1]


def run_diffrax(python, case, exps, repeat):
    env = dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false")
    p = subprocess.run([python, "-c", DIFFRAX, case, json.dumps(exps), str(repeat)],
                       capture_output=True, text=True, env=env)
    for line in p.stdout.splitlines():
        if line.startswith("DIFFRAX_JSON "):
            return json.loads(line[len("DIFFRAX_JSON "):]), None
    return None, (p.stderr.strip().splitlines() or ["no output"])[-1]


def best_of(cubie, deck, out, repeat, backend="cuda"):
    """Warm-up, then the best kernel and wall times of `repeat` runs, the
    failed runs, and the --timing breakdown of the fastest run."""
    cubie_once(cubie, deck, out, backend)  # compile cache, driver, file system
    best = None
    for _ in range(repeat):
        k, w, failed = cubie_once(cubie, deck, out, backend)
        if best is None or w < best[1]:
            best = (k, w, failed, dict(cubie_once.parts))
        best = (min(best[0], k),) + best[1:]
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cubie")
    ap.add_argument("work")
    ap.add_argument("--min-exp", type=int, default=10)
    ap.add_argument("--max-exp", type=int, default=23)
    ap.add_argument("--io-exp", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", default="fixed,adaptive,io")
    ap.add_argument("--csv")
    ap.add_argument("--jax-python", default=sys.executable)
    ap.add_argument("--cubie-python", default=sys.executable)
    a = ap.parse_args()

    info = subprocess.run([a.cubie, "info"], capture_output=True, text=True).stdout
    if "cuda: available" not in info:
        print("SKIPPED: no usable CUDA device\n" + info)
        sys.exit(77)
    device = next((l.strip() for l in info.splitlines() if l.strip().startswith("device 0:")), "?")
    os.makedirs(a.work, exist_ok=True)
    cases = [c for c in a.cases.split(",") if c]

    have_diffrax = subprocess.run([a.jax_python, "-c", "import jax, diffrax"],
                                  capture_output=True).returncode == 0
    have_cubie_py = subprocess.run([a.cubie_python, "-c", "import cubie"],
                                   capture_output=True).returncode == 0
    rows = []
    notes = {}
    for case in cases:
        exps = [a.io_exp] if case == "io" else list(range(a.min_exp, a.max_exp + 1))
        results = {}
        for e in exps:
            deck = os.path.join(a.work, "anchor-%s-%d.yaml" % (case, e))
            with open(deck, "w") as f:
                f.write(DECK % {"integrator": CASES[case], "n": 2 ** e,
                                "save_every": SAVE_EVERY.get(case, "")})
            out = os.path.join(a.work, "anchor.nc")
            results[e] = best_of(a.cubie, deck, out, a.repeat)
            if case == "io":  # the CPU backend on the same node, all cores
                results[e] += (best_of(a.cubie, deck, out, a.repeat, "cpu"),)
            print("cubie %-8s N = 2^%-2d kernel %.4f s, end to end %.3f s, %d failed %s" %
                  (case, e, results[e][0], results[e][1], results[e][2], results[e][3]),
                  file=sys.stderr)
        diffrax_times = {}
        if have_diffrax and case != "io":
            got, why = run_diffrax(a.jax_python, case, exps, a.repeat)
            diffrax_times = got["times"] if got else {}
            notes["diffrax"] = ("%s, jax %s, diffrax %s" % (got["device"], got["jax"], got["diffrax"])
                                if got else "failed: %s" % why)
        elif not have_diffrax:
            notes["diffrax"] = "jax/diffrax not importable in %s" % a.jax_python
        cubie_py = {"times": {}, "kernel": {}}
        if have_cubie_py:
            got, why = run_cubie_py(a.cubie_python, case, exps, a.repeat)
            cubie_py = got or cubie_py
            notes["CuBIE"] = "cubie (Python) %s" % got["cubie_py"] if got else "failed: %s" % why
        else:
            notes["CuBIE"] = "the Python package cubie is not importable in %s" % a.cubie_python
        for e in exps:
            k, w, failed, parts = results[e][:4]
            d = diffrax_times.get(str(e))
            cw, ck = cubie_py["times"].get(str(e)), cubie_py["kernel"].get(str(e))
            row = {"case": case, "N": 2 ** e, "cubie_kernel_s": k, "cubie_end_to_end_s": w,
                   "cubie_failed_runs": failed, "cubie_compute_s": parts.get("compute"),
                   "cubie_transfer_s": parts.get("transfer"), "cubie_write_s": parts.get("write"),
                   "cubie_cpu_end_to_end_s": results[e][4][1] if case == "io" else None,
                   "CuBIE_kernel_s": ck, "CuBIE_solve_s": cw, "diffrax_s": d,
                   "ratio_CuBIE_kernel_over_kernel": (ck / k) if ck and k > 0 else None,
                   "ratio_diffrax_over_kernel": (d / k) if d and k > 0 else None,
                   "ratio_diffrax_over_end_to_end": (d / w) if d and w > 0 else None}
            rows.append(row)

    def fmt(v, spec):
        return spec % v if v is not None else "-"

    print("## Anchor benchmark: Lorenz, rho = linspace(0, 21, N), t in [0, 1], float32, tsit5\n")
    print("cubie device: %s. %s.\n" % (device, "; ".join("%s: %s" % kv for kv in notes.items())))
    print("| case | N | cubie kernel (s) | cubie end to end (s) | failed | CuBIE kernel (s) | "
          "CuBIE solve (s) | diffrax (s) | CuBIE / cubie kernel | diffrax / cubie kernel |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["case"] == "io":
            continue
        print("| %s | 2^%d | %s | %s | %d | %s | %s | %s | %s | %s |" % (
            r["case"], r["N"].bit_length() - 1, fmt(r["cubie_kernel_s"], "%.4f"),
            fmt(r["cubie_end_to_end_s"], "%.3f"), r["cubie_failed_runs"],
            fmt(r["CuBIE_kernel_s"], "%.4f"), fmt(r["CuBIE_solve_s"], "%.3f"),
            fmt(r["diffrax_s"], "%.4f"), fmt(r["ratio_CuBIE_kernel_over_kernel"], "%.2f"),
            fmt(r["ratio_diffrax_over_kernel"], "%.1f")))
    io_rows = [r for r in rows if r["case"] == "io"]
    if io_rows:
        print("\n## I/O-heavy: 101 saves of x, y, z per run, adaptive I 1e-8\n")
        print("| N | kernel (s) | compute (s) | transfer (s) | write (s) | cubie GPU total (s) | "
              "cubie CPU total (s) | CuBIE solve to host (s) | GPU / CPU |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in io_rows:
            cpu = r["cubie_cpu_end_to_end_s"]
            print("| 2^%d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["N"].bit_length() - 1, fmt(r["cubie_kernel_s"], "%.4f"),
                fmt(r["cubie_compute_s"], "%.3f"), fmt(r["cubie_transfer_s"], "%.3f"),
                fmt(r["cubie_write_s"], "%.3f"), fmt(r["cubie_end_to_end_s"], "%.3f"),
                fmt(cpu, "%.3f"), fmt(r["CuBIE_solve_s"], "%.3f"),
                fmt(r["cubie_end_to_end_s"] / cpu if cpu else None, "%.2f")))
    path = a.csv or os.path.join(a.work, "gpu_anchor.csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()) if rows else ["case"])
        w.writeheader()
        w.writerows(rows)
    print("\nCSV: %s" % path)


if __name__ == "__main__":
    main()
