"""plot_scaling.py on small timing files.

TEST INPUT: the NetCDF files here are fabricated by this test with
netCDF4-python, carrying only the per-rank timing variables of the spec in
docs/scaling.md, with times chosen so the expected speedup and efficiency
are known exactly. tests/mpi/plot_real_runs.sh runs the same script on the
timing records of real 1- and 2-rank runs.

Checks: strong series (same runs) 1/2/4 ranks, T = 100/50/26 s, plus a
slower repeat at 2 ranks that must be ignored (best of): speedup 1, 2,
3.846; weak series (runs grow with ranks), T = 10/10/12.5: efficiency 1,
1, 0.8; the PNGs are real PNG images; a manifest with an unfinished job is
read with a warning; a file without timing variables is refused with its
name; a requeued/resumed file is read as all its runs over all its
attempts (not its last attempt's), an old-style one whose records miss
runs and an incomplete one are refused; CPU and GPU files are separate,
labelled series; write_wait is read.

usage: test_plot_scaling.py PLOT_SCRIPT WORK_DIR
"""
import csv
import os
import shutil
import subprocess
import sys

import netCDF4
import numpy as np

script, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def fabricate(path, total_seconds, runs_per_rank, compute_seconds=None, backend="cuda",
              total_runs=None, complete=1, attempts=None, elapsed=None, write_wait=None):
    """A file shaped like cubie's timing records (test input, not a cubie run):
    the run dimension, the complete flag, the backend, per-rank timing; with
    `attempts`, the records of a requeued/resumed file (sums over attempts)."""
    n = len(total_seconds)
    with netCDF4.Dataset(path, "w") as ds:
        ds.title = "TEST INPUT fabricated by tests/mpi/test_plot_scaling.py"
        ds.complete = np.int32(complete)
        ds.cubie_backend = backend
        ds.createDimension("run", total_runs if total_runs is not None else int(np.sum(runs_per_rank)))
        ds.createDimension("rank", n)
        ds.createVariable("mpi_rank", "i4", ("rank",))[:] = np.arange(n)
        for phase in ["compile", "compute", "transfer", "write", "write_wait", "wait", "total"]:
            if phase == "write_wait" and write_wait is None:
                continue
            v = ds.createVariable(f"timing_{phase}", "f8", ("rank",))
            v.units = "s"
            if phase == "total":
                v[:] = total_seconds
            elif phase == "compute":
                v[:] = compute_seconds if compute_seconds is not None else 0.8 * np.asarray(total_seconds)
            elif phase == "write_wait":
                v[:] = write_wait
            else:
                v[:] = 0.05 * np.asarray(total_seconds)
        ds.createVariable("rank_runs", "i8", ("rank",))[:] = runs_per_rank
        ds.createVariable("rank_device", "i4", ("rank",))[:] = -1 if backend == "cpu" else 0
        if attempts is not None:
            ds.createVariable("timing_attempts", "i4", ())[...] = attempts
            ds.createVariable("timing_elapsed", "f8", ())[...] = elapsed


def run(args, expect_ok=True):
    p = subprocess.run([sys.executable, script] + args, capture_output=True, text=True)
    if expect_ok:
        check(p.returncode == 0, f"plot_scaling.py {args} exited {p.returncode}: {p.stderr}")
    return p


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n"


# ---- strong: 12000 runs in every file ----
strong = os.path.join(work, "strong")
os.makedirs(strong)
fabricate(f"{strong}/n1.nc", [100.0], [12000])
fabricate(f"{strong}/n2.nc", [49.0, 50.0], [6000, 6000])
fabricate(f"{strong}/n2_slow.nc", [60.0, 58.0], [6000, 6000])
# rank 3 computes longer: imbalance = max/mean compute = 24 / 21 (exact in binary? compared with a tolerance)
fabricate(f"{strong}/n4.nc", [25.0, 25.5, 25.0, 26.0], [3000] * 4, compute_seconds=[20.0, 20.0, 20.0, 24.0])
p = run([f"{strong}/n1.nc", f"{strong}/n2.nc", f"{strong}/n2_slow.nc", f"{strong}/n4.nc", "--out", f"{strong}/plots"])
check("strong scaling" in p.stdout, "auto mode did not say strong for equal runs")
rows = read_csv(f"{strong}/plots/scaling.csv")
check([int(r["ranks"]) for r in rows] == [1, 2, 4], f"strong ranks {[r['ranks'] for r in rows]}")
# Tolerances: the CSV has 6 significant digits, so 1e-5 relative.
expect = [(100.0, 1.0, 1.0), (50.0, 2.0, 1.0), (26.0, 100.0 / 26.0, 100.0 / 26.0 / 4.0)]
for r, (t, s, e) in zip(rows, expect):
    check(abs(float(r["time_s"]) - t) <= 1e-5 * t, f"strong time {r['time_s']} != {t}")
    check(abs(float(r["speedup"]) - s) <= 1e-5 * s, f"strong speedup {r['speedup']} != {s}")
    check(abs(float(r["efficiency"]) - e) <= 1e-5 * e, f"strong efficiency {r['efficiency']} != {e}")
    check(int(r["runs"]) == 12000, "strong runs")
check(abs(float(rows[2]["imbalance"]) - 24.0 / 21.0) <= 1e-5, f"imbalance {rows[2]['imbalance']}")
check(rows[1]["file"].endswith("n2.nc"), "best-of did not pick the faster 2-rank file")
for name in ["speedup.png", "efficiency.png", "breakdown.png"]:
    path = f"{strong}/plots/{name}"
    check(os.path.exists(path) and os.path.getsize(path) > 1000 and is_png(path), f"{name} is not a PNG")

# ---- weak: 1000 runs per rank ----
weak = os.path.join(work, "weak")
os.makedirs(weak)
fabricate(f"{weak}/n1.nc", [10.0], [1000])
fabricate(f"{weak}/n2.nc", [10.0, 9.0], [1000, 1000])
fabricate(f"{weak}/n4.nc", [12.5, 12.0, 11.0, 12.5], [1000] * 4)
with open(f"{weak}/manifest.tsv", "w") as f:
    f.write("kind\tnodes\tranks\tpoints\tjob\tfile\tlog\n")
    for n in [1, 2, 4, 8]:
        f.write(f"weak\t{n}\t{n}\t{1000 * n}\t{100 + n}\t{weak}/n{n}.nc\t{weak}/n{n}.log\n")
p = run(["--manifest", f"{weak}/manifest.tsv", "--out", f"{weak}/plots", "--title", "test"])
check("weak scaling" in p.stdout, "auto mode did not say weak for growing runs")
check("n8.nc does not exist" in p.stderr, "the unfinished job was not reported")
rows = read_csv(f"{weak}/plots/scaling.csv")
check([int(r["ranks"]) for r in rows] == [1, 2, 4], "weak ranks")
for r, e in zip(rows, [1.0, 1.0, 0.8]):
    check(abs(float(r["efficiency"]) - e) <= 1e-5, f"weak efficiency {r['efficiency']} != {e}")
check(is_png(f"{weak}/plots/efficiency.png"), "weak efficiency.png")

# ---- requeued / resumed: a 20000-run file written by 6 attempts of 2 ranks
# (records summed over them: 20000 runs, 300 s in all) beside an
# uninterrupted 1-rank file of the same 20000 runs (400 s): strong scaling,
# speedup 400 / 300 — not a "weak" series of its last attempt's 3018 runs.
rq = os.path.join(work, "requeued")
os.makedirs(rq)
fabricate(f"{rq}/n1.nc", [400.0], [20000])
fabricate(f"{rq}/n2.nc", [299.0, 298.0], [10009, 9991], attempts=6, elapsed=300.0,
          write_wait=[0.0, 12.0])
p = run([f"{rq}/n1.nc", f"{rq}/n2.nc", "--out", f"{rq}/plots"])
check("strong scaling" in p.stdout, f"resumed file: not strong: {p.stdout}")
rows = read_csv(f"{rq}/plots/scaling.csv")
check([int(r["runs"]) for r in rows] == [20000, 20000], f"resumed runs {[r['runs'] for r in rows]}")
check([int(r["attempts"]) for r in rows] == [1, 6], "attempts column")
check(abs(float(rows[1]["time_s"]) - 300.0) < 1e-9, f"resumed time {rows[1]['time_s']} != 300")
check(abs(float(rows[1]["speedup"]) - 4.0 / 3.0) <= 1e-5, f"resumed speedup {rows[1]['speedup']}")
check(abs(float(rows[1]["mean_write_wait_s"]) - 6.0) < 1e-9, "write_wait mean")
# An old-style resumed file (records of its last attempt only) cannot be timed.
fabricate(f"{rq}/old.nc", [40.0, 41.0], [1509, 1509], total_runs=20000)
p = run([f"{rq}/n1.nc", f"{rq}/old.nc", "--out", f"{rq}/old"], expect_ok=False)
check(p.returncode == 2 and "cover 3018 of its 20000 runs" in p.stderr,
      f"old resumed file: exit {p.returncode}: {p.stderr}")
# An incomplete file (stopped, not yet resumed) is refused.
fabricate(f"{rq}/stopped.nc", [40.0, 41.0], [1509, 1509], total_runs=20000, complete=0)
p = run([f"{rq}/n1.nc", f"{rq}/stopped.nc", "--out", f"{rq}/stopped"], expect_ok=False)
check(p.returncode == 2 and "stopped.nc: not complete" in p.stderr,
      f"incomplete file: exit {p.returncode}: {p.stderr}")

# ---- CPU and GPU runs: separate series, each against its own baseline ----
mixed = os.path.join(work, "mixed")
os.makedirs(mixed)
fabricate(f"{mixed}/gpu1.nc", [10.0], [8000])
fabricate(f"{mixed}/gpu2.nc", [5.0, 5.0], [4000, 4000])
fabricate(f"{mixed}/cpu1.nc", [100.0], [8000], backend="cpu")
fabricate(f"{mixed}/cpu2.nc", [80.0, 80.0], [4000, 4000], backend="cpu")
p = run([f"{mixed}/{n}.nc" for n in ["gpu1", "gpu2", "cpu1", "cpu2"]] + ["--out", f"{mixed}/plots"])
rows = read_csv(f"{mixed}/plots/scaling.csv")
by = {(r["backend"], int(r["ranks"])): r for r in rows}
check(set(by) == {("cuda", 1), ("cuda", 2), ("cpu", 1), ("cpu", 2)}, f"series {sorted(by)}")
check(abs(float(by[("cuda", 2)]["speedup"]) - 2.0) <= 1e-5, "GPU speedup against the GPU baseline")
check(abs(float(by[("cpu", 2)]["speedup"]) - 1.25) <= 1e-5, "CPU speedup against the CPU baseline")
check("CPU" in p.stdout and "GPU (cuda)" in p.stdout, f"series not labelled: {p.stdout}")

# ---- a file that is not a timing file ----
with netCDF4.Dataset(f"{work}/plain.nc", "w") as ds:
    ds.createDimension("run", 3)
p = run([f"{work}/plain.nc", "--out", f"{work}/plain"], expect_ok=False)
check(p.returncode == 2, f"plain file: exit {p.returncode}")
check("plain.nc" in p.stderr and "rank" in p.stderr, f"plain file message: {p.stderr}")

if failures:
    print(f"{len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
print("ok")
