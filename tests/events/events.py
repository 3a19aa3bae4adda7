"""Events (model.events) through the real command line, against analytic
answers and bitwise across chunking and ranks.

Usage: events.py CUBIE SOURCE_DIR WORK_DIR MPIEXEC NPFLAG [part ...]
Parts (all by default):
  ball       a bouncing ball y'' = -g, bounce on y = 0 going down with
             v -> -e v: bounce times against the closed form (dense output,
             tsit5, dop853, vern7, rodas5p, and the Hermite cubic, cash-karp)
  fire       the integrate-and-fire sweep of inputs/integrate_and_fire.yaml
             against k * tau * ln((I - v_r) / (I - v_th)), also with rk4 on a
             fixed grid (Hermite cubic)
  terminal   a terminal event: status, t_end, NaN saves after it, and the
             file bitwise identical over run chunks, time windows and 1 vs 3
             ranks
  none       an event that never fires: count 0, times NaN, and every save
             bitwise what the deck without the event gives
Exits 1 naming the first mismatches.
"""
import math
import os
import shutil
import subprocess
import sys

import netCDF4
import numpy as np

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        print(" ".join(cmd), "\n", p.stdout, p.stderr, file=sys.stderr)
        raise SystemExit("command failed")
    return p.stdout


BALL = """
model:
  name: ball
  states: {{y: 1.0, v: 0.0}}
  parameters: {{e: 0.8}}
  constants: {{g: 9.81}}
  equations: |
    dy = v
    dv = -g
  events:
    bounce: {{when: y, direction: down, reset: {{v: -e * v}}, max_saved: 8{extra}}}
integrator:
  algorithm: {algorithm}
  rtol: {rtol}
  atol: {atol}
  duration: {duration}
batch:
  sweep:
    e: {{values: [0.8, 0.85, 0.9]}}
output:
  save_every: 0.05
"""


def write(work, name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def bounce_times(e, n, g=9.81, h0=1.0):
    """Closed form: the first fall takes sqrt(2 h0 / g); after bounce k the
    ball leaves with e^k sqrt(2 g h0) and is back 2 v / g later."""
    v = math.sqrt(2 * g * h0)
    times = [math.sqrt(2 * h0 / g)]
    for _ in range(n - 1):
        v *= e
        times.append(times[-1] + 2 * v / g)
    return np.array(times)


def part_ball(cubie, src, work, mpi):
    # dopri5/tsit5 integrate the parabola exactly (degree 2 <= order), so
    # what is left is the location: the interpolant's root to a few ulps,
    # each bounce's error carried into the later ones through e v. 1e-9 is
    # 10 rtol; with cash-karp (no dense output) the Hermite cubic is exact
    # for a parabola too. dop853 and vern7 (dense output with extra stages)
    # and rodas5p (a Rosenbrock method: the implicit family's dense output)
    # are exact for it as well.
    for algorithm, tol in (("tsit5", 1e-9), ("cash-karp", 1e-9), ("dop853", 1e-9), ("vern7", 1e-9),
                           ("rodas5p", 1e-9), ("radau5", 1e-9)):
        deck = write(work, "ball_%s.yaml" % algorithm,
                     BALL.format(extra="", algorithm=algorithm, rtol=1e-10, atol=1e-12,
                                 duration=3.0))
        out = os.path.join(work, "ball_%s.nc" % algorithm)
        run([cubie, "run", deck, "-o", out, "-q"])
        with netCDF4.Dataset(out) as ds:
            times = ds["bounce_times"][:].filled(np.nan)
            count = ds["bounce_count"][:]
            status = ds["status"][:]
            y = ds["y"][:]
            for r, e in enumerate((0.8, 0.85, 0.9)):
                exact = bounce_times(e, 8)
                expected = int(np.sum(exact < 3.0))
                check(count[r] >= expected,
                      "%s e=%g: %d bounces, expected at least %d" % (algorithm, e, count[r],
                                                                      expected))
                k = min(expected, 8)
                err = np.max(np.abs(times[r, :k] - exact[:k]))
                check(err < tol, "%s e=%g: bounce times off by %g (> %g)" % (algorithm, e, err,
                                                                               tol))
                check(status[r] & 1, "%s e=%g: status %d has success" % (algorithm, e, status[r]))
            # The ball never goes (visibly) below the floor.
            check(np.nanmin(y) > -1e-6, "%s: y stays above the floor (min %g)" % (algorithm,
                                                                                 np.nanmin(y)))


def fire_period(I, tau=10.0, v_th=1.0, v_r=0.0):
    return tau * math.log((I - v_r) / (I - v_th)) if I > v_th else math.inf


def part_fire(cubie, src, work, mpi):
    deck = os.path.join(src, "inputs", "integrate_and_fire.yaml")
    variants = (("tsit5", [], 1e-6), ("cash-karp", ["--set", "integrator.algorithm=cash-karp"], 1e-6),
                ("rk4 fixed", ["--set", "integrator.algorithm=rk4", "--set",
                               "integrator.dt=0.01"], 1e-6))
    for name, extra, tol in variants:
        out = os.path.join(work, "fire_%s.nc" % name.replace(" ", "_"))
        run([cubie, "run", deck, "-o", out, "-q"] + extra)
        with netCDF4.Dataset(out) as ds:
            I = ds["I"][:]
            times = ds["spike_times"][:].filled(np.nan)
            count = ds["spike_count"][:]
            for r in range(len(I)):
                T = fire_period(float(I[r]))
                expected = int(math.floor(100.0 / T)) if math.isfinite(T) else 0
                # A spike within the tolerance of t_end may fall either side.
                near_end = math.isfinite(T) and abs(expected * T - 100.0) < 1e-4
                check(count[r] == expected or (near_end and count[r] == expected - 1),
                      "%s I=%g: %d spikes, expected %d" % (name, I[r], count[r], expected))
                k = min(int(count[r]), 16)
                if k:
                    exact = T * np.arange(1, k + 1)
                    # rtol 1e-9 per step; the error of spike k grows with k
                    # (each reset starts from the located time): relative 1e-6.
                    err = np.max(np.abs(times[r, :k] - exact) / exact)
                    check(err < tol, "%s I=%g: spike times off by %g relative" % (name, I[r], err))
                check(np.all(np.isnan(times[r, k:])), "%s I=%g: unused slots are NaN" % (name, I[r]))


def part_terminal(cubie, src, work, mpi):
    mpiexec, npflag = mpi
    deck = write(work, "ball_terminal.yaml",
                 BALL.format(extra=", terminal: true", algorithm="tsit5", rtol=1e-8,
                             atol=1e-10, duration=2.0).replace("reset: {v: -e * v}, ", ""))
    outs = []
    variants = (("whole", []),
                ("runs", ["--set", "run.memory_limit=3.5kB", "--set", "run.chunk_axis=run"]),
                ("windows", ["--set", "run.memory_limit=2kB", "--set", "run.chunk_axis=time"]))
    for name, extra in variants:
        out = os.path.join(work, "terminal_%s.nc" % name)
        run([cubie, "run", deck, "-o", out, "-q"] + extra)
        outs.append(out)
    plan = run([cubie, "check", deck, "--set", "run.memory_limit=2kB", "--set",
                "run.chunk_axis=time"])
    check("chunk axis time: 5 chunks" in plan, "the windows variant has 5 windows:\n" + plan)
    plan = run([cubie, "check", deck, "--set", "run.memory_limit=3.5kB", "--set",
                "run.chunk_axis=run"])
    check("chunk axis run: 2 chunks" in plan, "the runs variant has 2 run chunks:\n" + plan)
    out3 = os.path.join(work, "terminal_3ranks.nc")
    ranks = [mpiexec, npflag, "3"] + (["--oversubscribe"] if os.cpu_count() < 3 else [])
    run(ranks + [cubie, "run", deck, "-o", out3, "-q", "--set", "run.memory_limit=2kB",
                 "--set", "run.chunk_axis=time"])
    outs.append(out3)
    with netCDF4.Dataset(outs[0]) as ds:
        ds.set_auto_mask(False)
        t = ds["time"][:]
        t_hit = math.sqrt(2 / 9.81)
        status = ds["status"][:]
        check(np.all(status == 0x200), "terminal: status is event_terminated (%s)" % status)
        check(np.allclose(ds["t_end"][:], t_hit, rtol=0, atol=1e-7),
              "terminal: t_end is the hit time %s" % ds["t_end"][:])
        check(np.all(ds["bounce_count"][:] == 1), "terminal: one event")
        y = ds["y"][:]
        check(np.all(np.isnan(y[:, t > t_hit])), "terminal: saves after the event are NaN")
        check(np.all(np.isfinite(y[:, t <= t_hit])), "terminal: saves before it are numbers")
        check("event_terminated" in ds["status"].flag_meanings, "flag_meanings names it")
        variables = list(ds.variables)
        reference = {v: ds[v][:].tobytes() for v in variables
                     if "run" in ds[v].dimensions}
    for other in outs[1:]:
        with netCDF4.Dataset(other) as ds:
            ds.set_auto_mask(False)
            for v, data in reference.items():
                check(ds[v][:].tobytes() == data,
                      "terminal: %s differs in %s" % (v, os.path.basename(other)))


def part_none(cubie, src, work, mpi):
    plain = BALL.format(extra="", algorithm="tsit5", rtol=1e-8, atol=1e-10, duration=0.4)
    deck = write(work, "ball_none.yaml", plain)
    nothing = plain.split("  events:")[0] + "integrator:" + plain.split("integrator:")[1]
    deck0 = write(work, "ball_noevents.yaml", nothing)
    out, out0 = os.path.join(work, "none.nc"), os.path.join(work, "none0.nc")
    run([cubie, "run", deck, "-o", out, "-q"])
    run([cubie, "run", deck0, "-o", out0, "-q"])
    with netCDF4.Dataset(out) as ds, netCDF4.Dataset(out0) as ds0:
        ds.set_auto_mask(False)
        check(np.all(ds["bounce_count"][:] == 0), "none: no event before t = 0.4")
        check(np.all(np.isnan(ds["bounce_times"][:])), "none: times all NaN")
        for v in ("y", "v", "accepted_steps", "rejected_steps", "status"):
            check(ds[v][:].tobytes() == ds0[v][:].tobytes(),
                  "none: %s differs from the deck without events" % v)
        check("t_end" not in ds.variables, "none: no t_end without terminal events")


def main():
    cubie, src, work, mpiexec, npflag = sys.argv[1:6]
    parts = sys.argv[6:] or ["ball", "fire", "terminal", "none"]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for part in parts:
        globals()["part_" + part](cubie, src, work, (mpiexec, npflag))
    if FAILURES:
        print("%d failure(s)" % len(FAILURES), file=sys.stderr)
        return 1
    print("events: all checks passed (%s)" % ", ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
