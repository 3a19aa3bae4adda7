"""The CUDA path's host side, with the real kernel, against the CPU backend.

Usage: cuda_path_identical.py CUBIE FAKE_LIBCUDA SOURCE_DIR WORK_DIR

The stand-in driver (fake_cuda.c) runs the CPU backend's compiled kernel of
the same deck (FAKE_CUDA_CPU_KERNEL) on the argument blocks the CUDA path
builds: run-fastest strides, the grid description the kernel decodes its
inputs from (no per-run input copies), the swept values it records, the
device reorder of results (cubie_cuda_reorder, carried out by the stand-in),
one contiguous copy per block into pinned host mirrors on the copy stream,
pinned record staging, windows and run chunks. Every file must be byte-
identical to the CPU backend's, and the driver's log (FAKE_CUDA_LOG) must
show the GPU path's order: inputs never copied per run, each block
reordered on the copy stream and copied into pinned memory there, and —
pipelined — item k's kernel launched before item k-1 is copied back.
"""
import glob
import os
import re
import subprocess
import sys

import netCDF4
import numpy as np

CASES = [
    # name, precision, extra arguments
    ("whole", "float64", []),
    ("float32", "float32", []),
    ("run_chunks", "float64", ["--set", "run.memory_limit=300KiB", "--set", "run.chunk_axis=run"]),
    ("windows", "float64", ["--set", "run.memory_limit=1MiB", "--set", "run.chunk_axis=time"]),
    ("sequential_run_chunks", "float32",
     ["--sequential", "--set", "run.memory_limit=300KiB", "--set", "run.chunk_axis=run"]),
]


def data_vars(ds):
    return sorted(n for n, v in ds.variables.items() if "run" in v.dimensions or n == "time")


def compare(a_path, b_path):
    bad = []
    with netCDF4.Dataset(a_path) as a, netCDF4.Dataset(b_path) as b:
        names = data_vars(a)
        if names != data_vars(b):
            bad.append("different variables")
        for n in names:
            if n not in b.variables:
                continue
            x, y = np.asarray(a[n][:]), np.asarray(b[n][:])
            if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
                bad.append("%s differs" % n)
        if int(b.getncattr("complete")) != 1:
            bad.append("not complete")
    return bad, len(names)


def check_log(lines, pipelined, table_bytes):
    bad = []
    htod = [l for l in lines if l.startswith("htod")]
    if len(htod) != 1 or "bytes=%d " % table_bytes not in htod[0] + " ":
        bad.append("inputs: expected one copy of the grid table (%d B), got %s" % (table_bytes, htod))
    launches = [i for i, l in enumerate(lines) if l.startswith("launch run_chunk")]
    results = []
    for i, l in enumerate(lines):
        if l.startswith("launch reorder"):
            if " copy " not in l:
                bad.append("reorder not on the copy stream: " + l)
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if not (nxt.startswith("dtoh copy") and "pinned=1" in nxt):
                bad.append("a reorder not followed by a pinned copy on the copy stream: " + nxt)
            results.append(i)
    for l in lines:
        if l.startswith("dtoh") and (" copy " not in l or "pinned=1" not in l):
            bad.append("a copy back outside the copy stream or into pageable memory: " + l)
    if not results:
        bad.append("no device reorder")
    # Item k+1's kernel runs while item k is reordered and copied back. The
    # probe item (the first, whose rate sizes the rest: mpi/work_source.c) is
    # handed over before the next launch by design, so when item 1 waits for
    # item 0, some later item k must be launched before all of items 0..k-1
    # have been reordered (each item has the same number of reorders).
    if pipelined and len(launches) > 1 and results:
        per = len(results) // len(launches) if len(results) % len(launches) == 0 else 0
        overlapped = launches[1] < results[0] or (per > 0 and any(
            sum(1 for r in results if r < launches[k]) < per * k
            for k in range(2, len(launches))))
        if not overlapped:
            bad.append("no item's kernel was launched before the earlier items were copied "
                       "back: the copy back is not overlapped")
    return bad


def main():
    cubie, fake, src, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    deck = os.path.join(src, "inputs", "lorenz.yaml")
    failures = 0
    cpu_files, kernels = {}, {}
    for precision in ("float64", "float32"):
        cache = os.path.join(work, "cpu-cache-" + precision)
        for f in glob.glob(os.path.join(cache, "cpu-*")):
            os.remove(f)
        out = os.path.join(work, "cpu-%s.nc" % precision)
        p = subprocess.run([cubie, "run", deck, "--backend", "cpu", "-o", out, "--force", "-q",
                            "--set", "integrator.precision=" + precision],
                           capture_output=True, text=True,
                           env=dict(os.environ, CUBIE_CACHE_DIR=cache))
        so = glob.glob(os.path.join(cache, "cpu-*.so"))
        if p.returncode != 0 or len(so) != 1:
            print("cpu %s: failed (%d)\n%s" % (precision, p.returncode, p.stderr))
            return 1
        cpu_files[precision], kernels[precision] = out, so[0]
    for name, precision, extra in CASES:
        out = os.path.join(work, name + ".nc")
        log = os.path.join(work, name + ".log")
        if os.path.exists(log):
            os.remove(log)
        env = dict(os.environ, CUBIE_CUDA_LIBRARY=fake, FAKE_CUDA_CPU_KERNEL=kernels[precision],
                   FAKE_CUDA_LOG=log)
        cmd = [cubie, "run", deck, "--backend", "cuda", "-o", out, "--force", "--timing", "-q",
               "--set", "integrator.precision=" + precision] + extra
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if p.returncode != 0:
            print("%s: cubie failed (%d)\n%s" % (name, p.returncode, p.stderr))
            failures += 1
            continue
        m = re.search(r"(\d+) run chunk\(s\) x (\d+) window\(s\)", p.stderr)
        shape = "%s run chunks x %s windows" % (m.group(1), m.group(2)) if m else "?"
        bad, n = compare(cpu_files[precision], out)
        with open(log) as f:
            lines = [l.strip() for l in f if l.strip()]
        table_bytes = 8 * 6  # the defaults of 3 states and 3 parameters; rho is a linspace
        bad += check_log(lines, "--sequential" not in extra, table_bytes)
        if name != "whole" and name != "float32" and not (m and (int(m.group(1)) > 1 or
                                                                 int(m.group(2)) > 1)):
            bad.append("expected several chunks, got " + shape)
        print("%s (%s, %s): %s" % (name, precision, shape,
                                   "identical to the cpu backend (%d variables), copy order ok" % n
                                   if not bad else "; ".join(bad)))
        failures += bool(bad)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
