"""GPU run of a deck with drivers (label gpu; exit 77 without a usable CUDA
device): CPU and GPU agree within tolerance, in float64 and float32, and with
the table in global memory (a table too big for constant memory).

Usage: gpu_drivers.py CUBIE SOURCE_DIR WORK_DIR

Tolerances, as |gpu - cpu| <= tol * (1 + |cpu|), as in gpu_agreement.py:
the same kernel text, but NVRTC contracts multiply-adds and CUDA's libm
differs by an ulp, which can flip a borderline step decision; each run is
then within its global error (rtol = atol = 1e-8 → ~1e-7), so tol = 1e-5
(float64). float32 (rtol 1e-5 there): tol = 1e-3. A wrong table (a wrong
record, series or spline) is off by O(0.1).
"""
import os
import subprocess
import sys

import netCDF4
import numpy as np


def run(cubie, deck, out, backend, *extra):
    return subprocess.run([cubie, "run", deck, "--backend", backend, "-o", out, "--force", "-q"]
                          + list(extra), capture_output=True, text=True)


def main():
    cubie, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    deck = os.path.join(src, "inputs", "driven_membrane.yaml")
    info = subprocess.run([cubie, "info"], capture_output=True, text=True).stdout
    if "cuda: available" not in info:
        print("SKIPPED: no usable CUDA device\n" + info)
        return 77
    # A long series (4001 samples x 2 series, cubic: 128 KiB) goes to global memory.
    long_csv = os.path.join(work, "long.csv")
    with open(long_csv, "w") as f:
        for k in range(4001):
            f.write("%.17g\n" % np.sin(0.01 * k))
    cases = [("float64", [], 1e-5), ("float32", ["--set", "integrator.precision=float32",
                                                 "--set", "integrator.rtol=1e-5",
                                                 "--set", "integrator.atol=1e-5"], 1e-3),
             ("global", ["--set", "model.drivers.I_stim.series=[%s, %s]" % (long_csv, long_csv),
                         "--set", "model.drivers.I_stim.dt=0.0025"], 1e-5)]
    bad = []
    for name, extra, tol in cases:
        outs = {}
        for backend in ("cpu", "cuda"):
            outs[backend] = os.path.join(work, "%s-%s.nc" % (name, backend))
            p = run(cubie, deck, outs[backend], backend, *extra)
            if p.returncode != 0:
                bad.append("%s %s: failed (%d) %s" % (name, backend, p.returncode, p.stderr))
        if len(bad):
            continue
        with netCDF4.Dataset(outs["cpu"]) as a, netCDF4.Dataset(outs["cuda"]) as b:
            if list(np.asarray(a["status"][:])) != list(np.asarray(b["status"][:])):
                bad.append("%s: status differs" % name)
            for v in ("v", "I_in"):
                x, y = np.asarray(a[v][:], float), np.asarray(b[v][:], float)
                err = np.max(np.abs(x - y) / (1 + np.abs(x)))
                print("%s %s: max relative difference %.3g (tol %.0e)" % (name, v, err, tol))
                if not err <= tol:
                    bad.append("%s: %s differs by %.3g" % (name, v, err))
    for b in bad:
        print(b)
    print("gpu drivers: %s" % ("ok" if not bad else "FAILED"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
