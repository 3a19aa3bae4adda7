"""GPU runs (label gpu; exit 77 without a usable CUDA device).

Usage: gpu_agreement.py CUBIE PYTHON SOURCE_DIR WORK_DIR MPIEXEC NPFLAG

1. CPU and GPU agree within tolerance for every algorithm (float64), and
   for tsit5 in float32.
2. Chunked GPU runs (many run chunks; many time windows) are byte-identical
   to the unchunked GPU run.
3. Two ranks sharing one GPU give byte-identical data to one rank.

The deck is the benchmark anchor: Lorenz, rho in [0, 21] (no chaos, so a
tiny difference cannot grow without bound), t in [0, 1], saves every 0.1.

Tolerances, as |gpu - cpu| <= tol * (1 + |cpu|). Both backends run the
same kernel text, but NVRTC contracts a*b+c into fused multiply-adds (the
host build does not) and the CUDA math library differs from libm by an ulp
or two, so single operations differ by ~1e-16 relative.
- float64, fixed step (dt = 1e-3): no decisions, only that rounding
  accumulated over 1000 steps and grown by the flow over t <= 1 (well below
  1e2 for rho <= 21): ~1e-12. tol = 1e-9.
- float64, adaptive (rtol = atol = 1e-10): rounding can in addition flip a
  borderline accept/reject decision; from there the two runs take different
  step sequences, each within its global error (~1e-9 for these
  tolerances), so they differ by up to ~1e-8. tol = 1e-6 leaves a margin of
  1e2; a wrong kernel (a bad stage, a wrong stride) misses it by orders
  (euler against rk4 misses it by 1e5).
- float32, tsit5 fixed step: rounding of ~6e-8 per operation over 1000
  steps: tol = 1e-3.
"""
import os
import re
import subprocess
import sys

import netCDF4
import numpy as np


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit("command failed (%d): %s\n%s%s" % (r.returncode, " ".join(cmd), r.stdout, r.stderr))
    return r.stdout + r.stderr


def algorithms(cubie, deck):
    """The algorithm names, from the deck checker's own list."""
    r = subprocess.run([cubie, "check", deck, "--set", "integrator.algorithm=zzzz"],
                       capture_output=True, text=True)
    m = re.search(r"expected one of: ([a-z0-9 ,\-]+)", r.stderr)
    if not m:
        sys.exit("cannot read the algorithm list:\n" + r.stderr)
    return [a.strip() for a in m.group(1).split(",") if a.strip()]


def compare(cpu_path, gpu_path, rel):
    bad = 0
    with netCDF4.Dataset(cpu_path) as c, netCDF4.Dataset(gpu_path) as g:
        for name, var in c.variables.items():
            if "run" not in var.dimensions:
                continue
            a, b = np.asarray(var[:]), np.asarray(g[name][:])
            if a.shape != b.shape:
                print("  %s: shapes differ %s %s" % (name, a.shape, b.shape))
                bad += 1
            elif name == "status":
                if not np.array_equal(a, b):
                    print("  status differs")
                    bad += 1
            elif np.issubdtype(a.dtype, np.floating):
                err = np.abs(b.astype(np.float64) - a.astype(np.float64))
                lim = rel * (1.0 + np.abs(a.astype(np.float64)))
                if not np.all(err <= lim):
                    worst = np.nanmax(err / lim)
                    print("  %s: beyond tolerance (worst %.3g x the limit)" % (name, worst))
                    bad += 1
    return bad


def chunks_of(cubie, deck, sets):
    out = run([cubie, "check", deck, "--backend", "cuda"] + sets)
    m = re.search(r"chunk axis (run|time): (\d+) chunk", out)
    return (m.group(1), int(m.group(2))) if m else (None, 0)


def main(cubie, python, src, work, mpiexec, npflag):
    info = subprocess.run([cubie, "info"], capture_output=True, text=True).stdout
    if "cuda: available" not in info:
        print("SKIPPED: no usable CUDA device\n" + info)
        sys.exit(77)
    os.makedirs(work, exist_ok=True)
    deck = os.path.join(src, "inputs", "lorenz.yaml")
    compare_data = os.path.join(src, "tests", "integration", "compare_data.py")
    anchor = ["--set", "batch.sweep.rho.linspace=[0,21,64]", "--set", "integrator.duration=1.0",
              "--set", "output.save_every=0.1", "--set", "output.summaries.every=0.5",
              "--force", "-q"]
    bad = 0

    # 1. CPU against GPU.
    cases = [(a, "float64") for a in algorithms(cubie, deck)] + [("tsit5", "float32")]
    for alg, precision in cases:
        sets = anchor + ["--set", "integrator.algorithm=" + alg, "--set",
                         "integrator.precision=" + precision, "--set", "integrator.step_control=",
                         "--set", "integrator.dt=1e-3", "--set", "integrator.rtol=1e-10",
                         "--set", "integrator.atol=1e-10"]
        if precision == "float32":
            sets += ["--set", "integrator.step_control=fixed"]
        fixed = "step control fixed" in run([cubie, "check", deck, "--backend", "cpu"] + sets)
        rel = 1e-3 if precision == "float32" else (1e-9 if fixed else 1e-6)
        paths = {}
        for backend in ("cpu", "cuda"):
            paths[backend] = os.path.join(work, "%s-%s-%s.nc" % (alg, precision, backend))
            run([cubie, "run", deck, "--backend", backend, "-o", paths[backend]] + sets)
        n = compare(paths["cpu"], paths["cuda"], rel)
        print("%-10s %s: cpu vs cuda %s (tolerance %g)" % (alg, precision,
                                                           "agree" if n == 0 else "DIFFER", rel))
        bad += n

    # 2. Chunking never changes GPU results.
    base = os.path.join(work, "unchunked.nc")
    run([cubie, "run", deck, "--backend", "cuda", "-o", base] + anchor)
    files = [base]
    for label, sets in (("runs", ["--set", "run.chunk_axis=run", "--set", "run.memory_limit=64KiB"]),
                        ("windows", ["--set", "run.chunk_axis=time", "--set", "run.memory_limit=64KiB"])):
        axis, n = chunks_of(cubie, deck, anchor + sets)
        if n < 2:
            print("chunking %s: expected several chunks, `cubie check` says %s x %d" % (label, axis, n))
            bad += 1
        path = os.path.join(work, "chunked-%s.nc" % label)
        run([cubie, "run", deck, "--backend", "cuda", "-o", path] + anchor + sets)
        files.append(path)
    if subprocess.run([python, compare_data] + files).returncode != 0:
        bad += 1

    # 3. Two ranks on one GPU.
    two = os.path.join(work, "two-ranks.nc")
    extra = ["--oversubscribe"] if (os.cpu_count() or 1) < 2 else []
    run([mpiexec, npflag, "2"] + extra + [cubie, "run", deck, "--backend", "cuda", "-o", two] + anchor)
    if subprocess.run([python, compare_data, base, two]).returncode != 0:
        bad += 1

    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
