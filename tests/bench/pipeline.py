"""Pipelined chunk loop vs its two halves, measured in one script.

Usage: pipeline.py CUBIE WORK_DIR [--runs N] [--repeat R]

An output-heavy deck (the Lorenz sweep with N runs saving 4 quantities at
1001 points: 128 MB for N = 4096; --save-every and --rtol shift the balance
towards writing) with a memory limit that makes several run chunks. Three ways, each repeated R times (median of the chunk-loop wall
time that `cubie run --timing` reports):
  compute  --bench-phase compute  (kernels and copies, no writes)
  write    --bench-phase write    (writes of the same buffers, no kernels)
  both     the normal pipelined run
Target (issue: memory manager and chunking): both <= 1.2 x max(compute, write).
The compute side runs on one OpenMP thread so the writer thread has the
other core of a 2-core machine; say so when quoting the numbers.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys


def loop_seconds(cubie, deck, out, extra):
    cmd = [cubie, "run", deck, "-o", out, "--force", "--timing"] + extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    m = re.search(r"chunk loop ([0-9.]+) s: compute ([0-9.]+) s, write ([0-9.]+) s", p.stderr)
    if not m:
        sys.exit("no timing line in:\n" + p.stderr)
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cubie")
    ap.add_argument("work")
    ap.add_argument("--runs", type=int, default=4096)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory-limit", default="40MiB")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--save-every", default="0.01")
    ap.add_argument("--rtol", default="1e-6")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    deck = os.path.join(src, "inputs", "lorenz.yaml")
    out = os.path.join(a.work, "pipeline.nc")
    common = ["--set", "batch.sweep.rho.linspace=[0.0, 50.0, %d]" % a.runs,
              "--set", "output.save_every=" + a.save_every,
              "--set", "integrator.rtol=" + a.rtol, "--set", "integrator.atol=" + a.rtol,
              "--set", "output.summaries=", "--set", "run.memory_limit=" + a.memory_limit,
              "--threads", str(a.threads), "-q"]
    plan = subprocess.run([a.cubie, "check", deck] + common[:-1], capture_output=True, text=True).stdout
    chunks = re.search(r"chunk axis (\w+): (\d+) chunks? of (\d+)", plan)
    loop_seconds(a.cubie, deck, out, common)  # warm the JIT cache and the file system
    times = {"compute": [], "write": [], "both": []}
    for _ in range(a.repeat):
        times["compute"].append(loop_seconds(a.cubie, deck, out, common + ["--bench-phase", "compute"]))
        times["write"].append(loop_seconds(a.cubie, deck, out, common + ["--bench-phase", "write"]))
        times["both"].append(loop_seconds(a.cubie, deck, out, common))
    med = {k: statistics.median(v) for k, v in times.items()}
    bound = max(med["compute"], med["write"])
    ratio = med["both"] / bound
    saves = int(round(10.0 / float(a.save_every))) + 1
    size_mb = a.runs * saves * 4 * 8 / 1e6
    print("| runs | data | chunks | threads | compute alone | write alone | pipelined | pipelined / max |")
    print("|---|---|---|---|---|---|---|---|")
    print("| %d | %.0f MB | %s x %s | %d | %.3f s | %.3f s | %.3f s | %.2f |" % (
        a.runs, size_mb, chunks.group(2) if chunks else "?", chunks.group(3) if chunks else "?",
        a.threads, med["compute"], med["write"], med["both"], ratio))
    print("sum of the halves would be %.3f s (%.2f x max)" % (
        med["compute"] + med["write"], (med["compute"] + med["write"]) / bound))
    if ratio > 1.2:
        print("TARGET MISSED: pipelined time is %.2f x max(compute, write) > 1.2" % ratio)
        sys.exit(1)
    print("target met: pipelined <= 1.2 x max(compute, write)")


if __name__ == "__main__":
    main()
