"""GPU benchmark on the anchor problem, with diffrax side by side.

Usage: gpu_anchor.py CUBIE WORK_DIR [--min-exp 10] [--max-exp 23] [--repeat 3]
                     [--cases fixed,adaptive] [--csv FILE] [--jax-python PY]

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
  save: [x, y, z]
run:
  backend: cuda
"""

CASES = {
    "fixed": "  step_control: fixed\n  dt: 1.0e-3",
    "adaptive": "  step_control: i\n  rtol: 1.0e-8\n  atol: 1.0e-8\n  dt: 1.0e-3\n  max_steps: 100000",
}

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


def cubie_once(cubie, deck, out):
    cmd = [cubie, "run", deck, "-o", out, "--force", "--timing", "--backend", "cuda"]
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
    return float(kernel.group(1)), wall, int(failed.group(2))


def run_diffrax(python, case, exps, repeat):
    env = dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false")
    p = subprocess.run([python, "-c", DIFFRAX, case, json.dumps(exps), str(repeat)],
                       capture_output=True, text=True, env=env)
    for line in p.stdout.splitlines():
        if line.startswith("DIFFRAX_JSON "):
            return json.loads(line[len("DIFFRAX_JSON "):]), None
    return None, (p.stderr.strip().splitlines() or ["no output"])[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cubie")
    ap.add_argument("work")
    ap.add_argument("--min-exp", type=int, default=10)
    ap.add_argument("--max-exp", type=int, default=23)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", default="fixed,adaptive")
    ap.add_argument("--csv")
    ap.add_argument("--jax-python", default=sys.executable)
    a = ap.parse_args()

    info = subprocess.run([a.cubie, "info"], capture_output=True, text=True).stdout
    if "cuda: available" not in info:
        print("SKIPPED: no usable CUDA device\n" + info)
        sys.exit(77)
    device = next((l.strip() for l in info.splitlines() if l.strip().startswith("device 0:")), "?")
    os.makedirs(a.work, exist_ok=True)
    exps = list(range(a.min_exp, a.max_exp + 1))
    cases = [c for c in a.cases.split(",") if c]

    probe = subprocess.run([a.jax_python, "-c", "import jax, diffrax"], capture_output=True,
                           text=True)
    have_diffrax = probe.returncode == 0
    rows = []
    for case in cases:
        results = {}
        for e in exps:
            deck = os.path.join(a.work, "anchor-%s-%d.yaml" % (case, e))
            with open(deck, "w") as f:
                f.write(DECK % {"integrator": CASES[case], "n": 2 ** e})
            out = os.path.join(a.work, "anchor.nc")
            cubie_once(a.cubie, deck, out)  # warm-up: compile cache, driver, file system
            best_k = best_w = None
            failed = 0
            for _ in range(a.repeat):
                k, w, failed = cubie_once(a.cubie, deck, out)
                best_k = k if best_k is None else min(best_k, k)
                best_w = w if best_w is None else min(best_w, w)
            results[e] = (best_k, best_w, failed)
            print("cubie %-8s N = 2^%-2d kernel %.4f s, end to end %.3f s, %d failed" %
                  (case, e, best_k, best_w, failed), file=sys.stderr)
        diffrax_times, why = ({}, "not run")
        if have_diffrax:
            got, why = run_diffrax(a.jax_python, case, exps, a.repeat)
            diffrax_times = got["times"] if got else {}
            if got:
                why = "%s, jax %s, diffrax %s" % (got["device"], got["jax"], got["diffrax"])
        else:
            why = "jax/diffrax not importable in %s" % a.jax_python
        for e in exps:
            k, w, failed = results[e]
            d = diffrax_times.get(str(e))
            rows.append({"case": case, "N": 2 ** e, "cubie_kernel_s": k, "cubie_end_to_end_s": w,
                         "cubie_failed_runs": failed, "diffrax_s": d,
                         "ratio_diffrax_over_kernel": (d / k) if d and k > 0 else None,
                         "ratio_diffrax_over_end_to_end": (d / w) if d and w > 0 else None,
                         "diffrax_note": why})

    print("## Anchor benchmark: Lorenz, rho = linspace(0, 21, N), t in [0, 1], float32, tsit5\n")
    print("cubie device: %s. diffrax: %s.\n" % (device, rows[0]["diffrax_note"] if rows else "-"))
    print("| case | N | cubie kernel (s) | cubie end to end (s) | failed runs | diffrax (s) | "
          "diffrax / cubie kernel | diffrax / cubie end to end |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")

    def fmt(v, spec):
        return spec % v if v is not None else "-"

    for r in rows:
        print("| %s | 2^%d | %s | %s | %d | %s | %s | %s |" % (
            r["case"], r["N"].bit_length() - 1, fmt(r["cubie_kernel_s"], "%.4f"),
            fmt(r["cubie_end_to_end_s"], "%.3f"), r["cubie_failed_runs"], fmt(r["diffrax_s"], "%.4f"),
            fmt(r["ratio_diffrax_over_kernel"], "%.1f"), fmt(r["ratio_diffrax_over_end_to_end"], "%.2f")))
    path = a.csv or os.path.join(a.work, "gpu_anchor.csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()) if rows else ["case"])
        w.writeheader()
        w.writerows(rows)
    print("\nCSV: %s" % path)


if __name__ == "__main__":
    main()
