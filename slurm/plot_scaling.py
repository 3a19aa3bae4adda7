#!/usr/bin/env python3
"""plot_scaling.py — speedup and efficiency plots from cubie output files.

    slurm/plot_scaling.py [--mode auto|strong|weak] [--out DIR] FILE.nc ...
    slurm/plot_scaling.py --manifest scaling/strong/manifest.tsv --out scaling/strong

Reads the per-rank timing variables every `cubie run` writes (see
docs/scaling.md: the `rank` dimension, timing_compile ... timing_total and
rank_runs) from a set of output files — from the Slurm drivers or from
local `mpiexec -n N cubie run` runs alike — and writes into DIR:

    speedup.png     speedup (strong) or scaled speedup (weak) vs ranks, with ideal
    efficiency.png  parallel efficiency vs ranks
    breakdown.png   mean seconds per rank in each phase, per rank count
    scaling.csv     the numbers behind the plots

For a file with p ranks: T(p) = max over ranks of timing_total (the job's
wall time), R(p) = sum of rank_runs, throughput X(p) = R(p) / T(p). With
p0 the smallest rank count, speedup S(p) = p0 * X(p) / X(p0) and efficiency
E(p) = S(p) / p. With the same runs in every file (strong scaling) this is
p0 * T(p0) / T(p); with runs growing like p (weak scaling) E(p) is
T(p0) / T(p). Several files with the same rank count: the fastest counts
(best of repeated measurements). --mode auto says "strong" when every file
has the same number of runs, else "weak"; it only changes the labels.
"""
import argparse
import csv
import os
import sys

PHASES = ["compile", "compute", "transfer", "write", "wait", "total"]


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


def read_timing(path):
    """One file's measurement: ranks, runs, wall time, per-phase means, imbalance."""
    import netCDF4
    import numpy as np

    try:
        ds = netCDF4.Dataset(path)
    except OSError as e:
        fail(f"{path}: cannot open: {e}")
    with ds:
        if "rank" not in ds.dimensions:
            fail(f"{path}: no 'rank' dimension: not a cubie output file with timing records")
        missing = [f"timing_{p}" for p in PHASES if f"timing_{p}" not in ds.variables]
        if "rank_runs" not in ds.variables:
            missing.append("rank_runs")
        if missing:
            fail(f"{path}: missing timing variable(s) {', '.join(missing)}")
        sec = {p: np.asarray(ds.variables[f"timing_{p}"][:], dtype=float) for p in PHASES}
        runs = np.asarray(ds.variables["rank_runs"][:], dtype=np.int64)
        ranks = len(ds.dimensions["rank"])
    if ranks == 0 or any(len(v) != ranks for v in sec.values()) or len(runs) != ranks:
        fail(f"{path}: timing variables do not all have one value per rank")
    compute_mean = float(sec["compute"].mean())
    return {
        "file": path,
        "ranks": ranks,
        "runs": int(runs.sum()),
        "time": float(sec["total"].max()),
        "mean": {p: float(sec[p].mean()) for p in PHASES},
        "imbalance": float(sec["compute"].max()) / compute_mean if compute_mean > 0 else float("nan"),
    }


def analyse(measurements):
    """Best measurement per rank count, with speedup and efficiency."""
    best = {}
    for m in measurements:
        if m["time"] <= 0:
            fail(f"{m['file']}: timing_total is not positive")
        if m["ranks"] not in best or m["time"] < best[m["ranks"]]["time"]:
            best[m["ranks"]] = m
    rows = [best[p] for p in sorted(best)]
    base = rows[0]
    x0 = base["runs"] / base["time"]
    for r in rows:
        r["throughput"] = r["runs"] / r["time"]
        r["speedup"] = base["ranks"] * r["throughput"] / x0
        r["efficiency"] = r["speedup"] / r["ranks"]
    return rows


def write_csv(rows, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ranks", "runs", "time_s", "runs_per_s", "speedup", "efficiency"]
                   + [f"mean_{p}_s" for p in PHASES] + ["imbalance", "file"])
        for r in rows:
            w.writerow([r["ranks"], r["runs"], f"{r['time']:.6g}", f"{r['throughput']:.6g}",
                        f"{r['speedup']:.6g}", f"{r['efficiency']:.6g}"]
                       + [f"{r['mean'][p]:.6g}" for p in PHASES]
                       + [f"{r['imbalance']:.6g}", r["file"]])


def plot(rows, mode, out, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = [r["ranks"] for r in rows]
    label = "speedup" if mode == "strong" else "scaled speedup"
    suffix = f" — {title}" if title else ""

    from matplotlib.ticker import FuncFormatter, NullFormatter

    def rank_axis(axis):
        # Base-2 log axis labelled with the measured rank counts themselves.
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())

    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.plot(p, [r["speedup"] for r in rows], "o-", label="measured")
    ax.plot(p, p, "k--", linewidth=1, label="ideal")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xticks(p)
    rank_axis(ax.xaxis)
    rank_axis(ax.yaxis)
    ax.set_xlabel("ranks (GPUs)")
    ax.set_ylabel(label)
    ax.set_title(f"{mode} scaling: {label}{suffix}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "speedup.png"), dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.plot(p, [r["efficiency"] for r in rows], "o-", label="measured")
    ax.set_xscale("log", base=2)
    ax.set_xticks(p)
    rank_axis(ax.xaxis)
    ax.axhline(1.0, color="k", linestyle="--", linewidth=1, label="ideal")
    ax.set_ylim(0, max(1.1, max(r["efficiency"] for r in rows) * 1.05))
    ax.set_xlabel("ranks (GPUs)")
    ax.set_ylabel("parallel efficiency")
    ax.set_title(f"{mode} scaling: efficiency{suffix}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "efficiency.png"), dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    bottom = [0.0] * len(rows)
    labels = [str(x) for x in p]
    for phase in PHASES[:-1]:
        values = [r["mean"][phase] for r in rows]
        ax.bar(labels, values, bottom=bottom, label=phase)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.plot(labels, [r["time"] for r in rows], "k_", markersize=20, label="job time (max total)")
    ax.set_xlabel("ranks (GPUs)")
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
        mode = "strong" if len({r["runs"] for r in rows}) == 1 else "weak"
    os.makedirs(args.out, exist_ok=True)
    write_csv(rows, os.path.join(args.out, "scaling.csv"))
    plot(rows, mode, args.out, args.title)

    print(f"{mode} scaling, {len(rows)} rank count(s); baseline {rows[0]['ranks']} rank(s)")
    print(f"{'ranks':>6} {'runs':>12} {'time s':>10} {'runs/s':>12} {'speedup':>9} {'effic.':>7} {'imbal.':>7}")
    for r in rows:
        print(f"{r['ranks']:>6} {r['runs']:>12} {r['time']:>10.4g} {r['throughput']:>12.4g}"
              f" {r['speedup']:>9.3f} {r['efficiency']:>7.3f} {r['imbalance']:>7.3f}")
    print(f"wrote {', '.join(os.path.join(args.out, n) for n in ['speedup.png', 'efficiency.png', 'breakdown.png', 'scaling.csv'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
