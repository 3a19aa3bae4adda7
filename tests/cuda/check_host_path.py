"""The GPU path's host side, end to end, without a GPU.

Usage: check_host_path.py CUBIE FAKE_LIBCUDA SOURCE_DIR WORK_DIR MPIEXEC NPFLAG

The stand-in driver (fake_cuda.c) in fill mode makes every launch write
results that depend only on each run's inputs (key = 1000 rho + x0: saves
key + 10 v + j / 1000, summaries key - q - s / 2, status 1, counters
key + c) through the pointers and strides cubie gave it, into run-fastest
"device" arrays. What reaches the file has then passed through everything
the host does for a GPU: inputs decoded and copied up, pinned mirrors,
copies back, the transpose to the file's run-major layout, records staged
per buffer set, windows and run chunks, double buffering, several ranks and
dynamic claims. Each file must hold exactly those values, for every run and
save point: a wrong stride, a missed copy or a window written to the wrong
place changes some of them.
"""
import os
import re
import subprocess
import sys

import netCDF4
import numpy as np

OUTPUTS = ["x", "y", "z", "energy"]
METRICS = ["mean", "max"]
COUNTERS = ["accepted_steps", "rejected_steps", "rhs_evaluations", "newton_iterations",
            "linear_iterations"]
RUN_CHUNKS = ["--set", "run.memory_limit=300KiB", "--set", "run.chunk_axis=run"]
CASES = [
    ("whole", 1, []),
    ("run_chunks", 1, RUN_CHUNKS),
    ("windows", 1, ["--set", "run.memory_limit=200KiB", "--set", "run.chunk_axis=time"]),
    ("sequential_windows", 1, ["--sequential", "--set", "run.memory_limit=200KiB",
                               "--set", "run.chunk_axis=time"]),
    ("sequential_run_chunks", 1, ["--sequential"] + RUN_CHUNKS),
    ("three_ranks", 3, RUN_CHUNKS),
    ("three_ranks_dynamic", 3, RUN_CHUNKS + ["--set", "run.decomposition=dynamic"]),
]


def check_file(path):
    bad = []
    with netCDF4.Dataset(path) as d:
        if int(getattr(d, "complete", 0)) != 1:
            bad.append("not complete")
        key = np.asarray(d["rho"][:], dtype=np.float64) * 1000.0 + float(d["x_initial"][...])
        n_saves = d.dimensions["time"].size
        j = np.arange(n_saves, dtype=np.float64) * 1e-3
        for v, name in enumerate(OUTPUTS):
            want = (key[:, None] + v * 10.0) + j[None, :]
            if not np.array_equal(np.asarray(d[name][:]), want):
                bad.append(f"{name} differs")
        n_sum = d.dimensions["summary_time"].size
        s = np.arange(n_sum, dtype=np.float64) * 0.5
        for v, out in enumerate(OUTPUTS):
            for m, metric in enumerate(METRICS):
                q = float(v * len(METRICS) + m)
                want = (key[:, None] - q) - s[None, :]
                if not np.array_equal(np.asarray(d[f"{out}_{metric}"][:]), want):
                    bad.append(f"{out}_{metric} differs")
        if not np.all(np.asarray(d["status"][:]) == 1):
            bad.append("status differs")
        for c, name in enumerate(COUNTERS):
            want = key.astype(np.uint64) + np.uint64(c)
            if not np.array_equal(np.asarray(d[name][:]), want):
                bad.append(f"{name} differs")
    return bad


def main():
    cubie, fake, src, work, mpiexec, npflag = sys.argv[1:7]
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, CUBIE_CUDA_LIBRARY=fake, FAKE_CUDA_FILL="1",
               FAKE_N_OUTPUTS=str(len(OUTPUTS)), FAKE_N_METRICS=str(len(METRICS)))
    exported = []
    for name in ("CUBIE_CUDA_LIBRARY", "FAKE_CUDA_FILL", "FAKE_N_OUTPUTS", "FAKE_N_METRICS"):
        exported += ["-x", name]
    extra = ["--oversubscribe"] if (os.cpu_count() or 1) < 3 else []
    failures = 0
    for name, ranks, args in CASES:
        out = os.path.join(work, name + ".nc")
        cmd = [cubie, "run", os.path.join(src, "inputs", "lorenz.yaml"), "--backend", "cuda",
               "-o", out, "--force", "--timing", "-q"] + args
        if ranks > 1:
            cmd = [mpiexec, npflag, str(ranks)] + extra + exported + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if p.returncode != 0:
            print(f"{name}: cubie failed ({p.returncode})\n{p.stderr}")
            failures += 1
            continue
        m = re.search(r"(\d+) run chunk\(s\) x (\d+) window\(s\)", p.stderr)
        shape = f"{m.group(1)} run chunks x {m.group(2)} windows" if m else "?"
        if name.endswith("windows") and not (m and int(m.group(2)) > 1):
            print(f"{name}: expected several time windows, got {shape}")
            failures += 1
        if "run_chunks" in name or "ranks" in name:
            if not (m and int(m.group(1)) > 1):
                print(f"{name}: expected several run chunks, got {shape}")
                failures += 1
        bad = check_file(out)
        print(f"{name} ({ranks} rank(s), {shape}): {'ok' if not bad else ', '.join(bad)}")
        failures += bool(bad)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
