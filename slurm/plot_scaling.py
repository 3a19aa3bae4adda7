#!/usr/bin/env python3
"""plot_scaling.py — speedup and efficiency plots from cubie output files.

    slurm/plot_scaling.py [--mode auto|strong|weak] [--out DIR] FILE.nc ...
    slurm/plot_scaling.py --manifest scaling/strong/manifest.tsv --out scaling/strong

Reads the per-rank timing variables every `cubie run` writes (see
docs/scaling.md: the `rank` dimension, timing_compile ... timing_total,
rank_runs, timing_attempts and timing_elapsed) from a set of output files —
from the Slurm drivers or from local `mpiexec -n N cubie run` runs alike —
and writes into DIR:

    speedup.png     speedup (strong) or scaled speedup (weak) vs ranks, with ideal
    efficiency.png  parallel efficiency vs ranks
    breakdown.png   mean seconds per rank in each phase, per rank count
    scaling.csv     the numbers behind the plots

For a file with p ranks: R(p) = the file's runs (its `run` dimension),
T(p) = the wall time of the jobs that wrote it (timing_elapsed: a job
requeued or resumed N times counts all N attempts, each its slowest rank's
total; files from before attempts were counted: the largest timing_total),
throughput X(p) = R(p) / T(p). With p0 the smallest rank count, speedup
S(p) = p0 * X(p) / X(p0) and efficiency E(p) = S(p) / p. With the same runs
in every file (strong scaling) this is p0 * T(p0) / T(p); with runs growing
like p (weak scaling) E(p) is T(p0) / T(p). Several files with the same
rank count: the fastest counts (best of repeated measurements). --mode auto
says "strong" when every file has the same number of runs, else "weak"; it
only changes the labels.

Refused, with the reason: a file that is not complete (resume it first), and
one whose timing records do not cover all its runs (sum of rank_runs below
the runs: an attempt was killed before it could record its timing, or ran
with another rank count).

CPU and GPU runs (the file's cubie_backend; else rank_device, -1 on the
CPU) are separate series, each against its own baseline, and labelled. The
breakdown shows write (NetCDF and the file system, once every rank has
arrived) apart from write_wait (waiting for the other ranks to reach a
collective write); files from before that split count both as write.
"""
import argparse
import csv
import os
import sys

PHASES = ["compile", "compute", "transfer", "write", "write_wait", "wait", "total"]
# Phases every file has; write_wait is newer (0 when absent).
REQUIRED = ["compile", "compute", "transfer", "write", "wait", "total"]
LABELS = {"write": "write (disk)", "write_wait": "waiting for other ranks (collective writes)",
          "wait": "compute waiting for the writer"}


def fail(message):
    print(f"plot_scaling.py: {message}", file=sys.stderr)
    sys.exit(2)


def read_manifest(path):
    """Output files listed in a strong/weak_scaling.sh manifest (those that exist)."""
    files = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            name = row.get("file", "")
            if os.path.exists(name):
                files.append(name)
            else:
                print(f"plot_scaling.py: skipping job {row.get('job', '?')} ({row.get('ranks', '?')} ranks):"
                      f" {name} does not exist (not finished?)", file=sys.stderr)
    return files


def backend_of(ds, np):
    """'cpu' or the GPU backend's name ('cuda'), from the file's provenance."""
    name = str(getattr(ds, "cubie_backend", "")).strip()
    if name:
        return name
    if "rank_device" in ds.variables:
        return "cpu" if (np.asarray(ds.variables["rank_device"][:]) < 0).all() else "gpu"
    return "unknown"


def read_timing(path):
    """One file's measurement: ranks, runs, wall time, attempts, per-phase means, imbalance."""
    import netCDF4
    import numpy as np

    try:
        ds = netCDF4.Dataset(path)
    except OSError as e:
        fail(f"{path}: cannot open: {e}")
    with ds:
        if "rank" not in ds.dimensions:
            fail(f"{path}: no 'rank' dimension: not a cubie output file with timing records")
        missing = [f"timing_{p}" for p in REQUIRED if f"timing_{p}" not in ds.variables]
        if "rank_runs" not in ds.variables:
            missing.append("rank_runs")
        if missing:
            fail(f"{path}: missing timing variable(s) {', '.join(missing)}")
        complete = int(getattr(ds, "complete", 0)) == 1
        if not complete:
            fail(f"{path}: not complete (an interrupted or running job): finish it with "
                 f"cubie run --resume before plotting it")
        ranks = len(ds.dimensions["rank"])
        sec = {}
        for p in PHASES:
            v = ds.variables.get(f"timing_{p}")
            sec[p] = np.asarray(v[:], dtype=float) if v is not None else np.zeros(ranks)
        runs = np.asarray(ds.variables["rank_runs"][:], dtype=np.int64)
        total_runs = len(ds.dimensions["run"]) if "run" in ds.dimensions else int(runs.sum())
        attempts, elapsed = 1, None
        if "timing_attempts" in ds.variables and "timing_elapsed" in ds.variables:
            attempts = int(np.asarray(ds.variables["timing_attempts"][...]))
            elapsed = float(np.asarray(ds.variables["timing_elapsed"][...]))
        backend = backend_of(ds, np)
    if ranks == 0 or any(len(v) != ranks for v in sec.values()) or len(runs) != ranks:
        fail(f"{path}: timing variables do not all have one value per rank")
    if int(runs.sum()) != total_runs:
        fail(f"{path}: its timing records cover {int(runs.sum())} of its {total_runs} runs: a job "
             f"that wrote it was killed before it could record its timing, ran with another rank "
             f"count, or the file comes from a cubie that recorded only the last attempt; "
             f"it cannot be timed")
    compute_mean = float(sec["compute"].mean())
    return {
        "file": path,
        "ranks": ranks,
        "runs": total_runs,
        "attempts": attempts,
        "backend": backend,
        "time": elapsed if elapsed is not None and elapsed > 0 else float(sec["total"].max()),
        "mean": {p: float(sec[p].mean()) for p in PHASES},
        "imbalance": float(sec["compute"].max()) / compute_mean if compute_mean > 0 else float("nan"),
    }


def analyse(measurements):
    """Best measurement per (backend, rank count), with speedup and efficiency
    against each backend's smallest rank count."""
    best = {}
    for m in measurements:
        if m["time"] <= 0:
            fail(f"{m['file']}: timing_total is not positive")
        key = (m["backend"], m["ranks"])
        if key not in best or m["time"] < best[key]["time"]:
            best[key] = m
    rows = [best[k] for k in sorted(best)]
    for backend in sorted({r["backend"] for r in rows}):
        group = [r for r in rows if r["backend"] == backend]
        base = group[0]
        x0 = base["runs"] / base["time"]
        for r in group:
            r["throughput"] = r["runs"] / r["time"]
            r["speedup"] = base["ranks"] * r["throughput"] / x0
            r["efficiency"] = r["speedup"] / r["ranks"]
    return rows


def write_csv(rows, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["backend", "ranks", "runs", "attempts", "time_s", "runs_per_s", "speedup",
                    "efficiency"] + [f"mean_{p}_s" for p in PHASES] + ["imbalance", "file"])
        for r in rows:
            w.writerow([r["backend"], r["ranks"], r["runs"], r["attempts"], f"{r['time']:.6g}",
                        f"{r['throughput']:.6g}", f"{r['speedup']:.6g}", f"{r['efficiency']:.6g}"]
                       + [f"{r['mean'][p]:.6g}" for p in PHASES]
                       + [f"{r['imbalance']:.6g}", r["file"]])


def rank_label(rows):
    kinds = {"CPU" if r["backend"] == "cpu" else "GPU" for r in rows}
    if kinds == {"GPU"}:
        return "ranks (one GPU each)"
    if kinds == {"CPU"}:
        return "ranks (CPU)"
    return "ranks"


def series_name(backend):
    return "CPU" if backend == "cpu" else f"GPU ({backend})"


def plot(rows, mode, out, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    label = "speedup" if mode == "strong" else "scaled speedup"
    suffix = f" — {title}" if title else ""
    backends = sorted({r["backend"] for r in rows})
    all_p = sorted({r["ranks"] for r in rows})
    xlabel = rank_label(rows)

    from matplotlib.ticker import FuncFormatter, NullFormatter

    def rank_axis(axis):
        # Base-2 log axis labelled with the measured rank counts themselves.
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())

    fig, ax = plt.subplots(figsize=(6, 4.5))
    for b in backends:
        group = [r for r in rows if r["backend"] == b]
        ax.plot([r["ranks"] for r in group], [r["speedup"] for r in group], "o-",
                label=f"measured, {series_name(b)}")
    ax.plot(all_p, all_p, "k--", linewidth=1, label="ideal")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xticks(all_p)
    rank_axis(ax.xaxis)
    rank_axis(ax.yaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(label)
    ax.set_title(f"{mode} scaling: {label}{suffix}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "speedup.png"), dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4.5))
    for b in backends:
        group = [r for r in rows if r["backend"] == b]
        ax.plot([r["ranks"] for r in group], [r["efficiency"] for r in group], "o-",
                label=f"measured, {series_name(b)}")
    ax.set_xscale("log", base=2)
    ax.set_xticks(all_p)
    rank_axis(ax.xaxis)
    ax.axhline(1.0, color="k", linestyle="--", linewidth=1, label="ideal")
    ax.set_ylim(0, max(1.1, max(r["efficiency"] for r in rows) * 1.05))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("parallel efficiency")
    ax.set_title(f"{mode} scaling: efficiency{suffix}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "efficiency.png"), dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    bottom = [0.0] * len(rows)
    labels = [f"{r['ranks']}" + (f"\n{series_name(r['backend'])}" if len(backends) > 1 else "")
              for r in rows]
    for phase in PHASES[:-1]:
        values = [r["mean"][phase] for r in rows]
        ax.bar(labels, values, bottom=bottom, label=LABELS.get(phase, phase))
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.plot(labels, [r["time"] for r in rows], "k_", markersize=20,
            label="job time (slowest rank, all attempts)")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("seconds (mean over ranks)")
    ax.set_title(f"where the time goes{suffix}")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "breakdown.png"), dpi=120)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="cubie output files (one per job)")
    ap.add_argument("--manifest", help="manifest.tsv written by strong_scaling.sh / weak_scaling.sh")
    ap.add_argument("--mode", choices=["auto", "strong", "weak"], default="auto")
    ap.add_argument("--out", default=".", help="directory for the PNGs and scaling.csv")
    ap.add_argument("--title", default="", help="added to the plot titles")
    args = ap.parse_args(argv)

    files = list(args.files)
    if args.manifest:
        files += read_manifest(args.manifest)
    if not files:
        fail("no output files given (or none of the manifest's exist yet)")
    rows = analyse([read_timing(f) for f in files])
    mode = args.mode
    if mode == "auto":
        strong = all(len({r["runs"] for r in rows if r["backend"] == b}) == 1
                     for b in {r["backend"] for r in rows})
        mode = "strong" if strong else "weak"
    os.makedirs(args.out, exist_ok=True)
    write_csv(rows, os.path.join(args.out, "scaling.csv"))
    plot(rows, mode, args.out, args.title)

    print(f"{mode} scaling, {len(rows)} measurement(s); baseline: each series' smallest rank count")
    print(f"{'series':>12} {'ranks':>6} {'runs':>12} {'jobs':>4} {'time s':>10} {'runs/s':>12}"
          f" {'speedup':>9} {'effic.':>7} {'imbal.':>7} {'write':>8} {'w.wait':>8}")
    for r in rows:
        print(f"{series_name(r['backend']):>12} {r['ranks']:>6} {r['runs']:>12} {r['attempts']:>4}"
              f" {r['time']:>10.4g} {r['throughput']:>12.4g} {r['speedup']:>9.3f}"
              f" {r['efficiency']:>7.3f} {r['imbalance']:>7.3f} {r['mean']['write']:>8.3g}"
              f" {r['mean']['write_wait']:>8.3g}")
    print(f"wrote {', '.join(os.path.join(args.out, n) for n in ['speedup.png', 'efficiency.png', 'breakdown.png', 'scaling.csv'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
