"""Drivers (model.drivers) through the real command, on the CPU backend.

- cubic: u(t) sampled from a cubic polynomial; the not-a-knot spline is that
  polynomial, so dy/dt = -k y + u(t) must match its exact solution to the
  integrator's tolerance, and the saved u to rounding.
- linear: the saved u equals numpy's piecewise-linear interpolant (to
  rounding), from a CSV time,value file.
- periodic: a linear driver of one period wraps (t far beyond the samples);
  a periodic cubic spline of sin(2 pi t) stays inside the h^4 error bound
  (5/384 h^4 max|u''''|) everywhere, from a NetCDF file.
- clamp: before the first / after the last sample the end samples hold.
- outside: error: a run whose span the series does not cover fails with
  the driver_outside status bit (0x80), one that is covered succeeds; with
  per-run series selection (a sweep of the driver's name).
- series: runs use the series their swept index chooses.
- the same job chunked along runs, along time and on 3 ranks: byte-identical.
- a bad CSV cell: exit 2 naming file:line:column.

Usage: drivers.py CUBIE MPIEXEC NPFLAG WORK_DIR
"""
import os
import subprocess
import sys

import netCDF4
import numpy as np

BAD = []


def check(cond, what):
    if not cond:
        BAD.append(what)
        print("FAIL: " + what)


def run(cubie, deck, out, *extra, mpi=None):
    cmd = [cubie, "run", deck, "-o", out, "--force", "--backend", "cpu", "-q"] + list(extra)
    if mpi:
        cmd = mpi + cmd
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("cubie failed (%d) on %s\n%s" % (p.returncode, deck, p.stderr))
    return netCDF4.Dataset(out)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    cubie, mpiexec, npflag, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    k = 2.0
    c = [0.3, -1.0, 0.8, -0.15]  # u(t) = c0 + c1 t + c2 t^2 + c3 t^3

    # ---- cubic spline of a cubic: exact forcing, exact solution -----------
    ts = np.arange(0.0, 4.0 + 1e-12, 0.25)
    u_poly = lambda t: c[0] + c[1] * t + c[2] * t**2 + c[3] * t**3
    write(os.path.join(work, "cubic.csv"), "".join("%.17g\n" % v for v in u_poly(ts)))
    write(os.path.join(work, "cubic.yaml"), """
model:
  states: {y: 1.0}
  parameters: {k: %g}
  drivers:
    u: {file: cubic.csv, dt: 0.25, interpolation: cubic, outside: error}
  equations: |
    dy = -k * y + u
    uu = u
integrator: {algorithm: dopri5, atol: 1.0e-12, rtol: 1.0e-12, duration: 4.0}
output: {save_every: 0.05, save: [y, uu]}
""" % k)
    with run(cubie, os.path.join(work, "cubic.yaml"), os.path.join(work, "cubic.nc")) as d:
        t = np.asarray(d["time"][:])
        # Particular solution P (P' + k P = u), then the homogeneous part.
        p3 = c[3] / k
        p2 = (c[2] - 3 * p3) / k
        p1 = (c[1] - 2 * p2) / k
        p0 = (c[0] - p1) / k
        P = lambda t: p0 + p1 * t + p2 * t**2 + p3 * t**3
        exact = P(t) + (1.0 - P(0.0)) * np.exp(-k * t)
        y = np.asarray(d["y"][0, :])
        err = np.max(np.abs(y - exact))
        check(err < 1e-9, "cubic: y off the exact solution by %.3g" % err)
        uerr = np.max(np.abs(np.asarray(d["uu"][0, :]) - u_poly(t)))
        check(uerr < 1e-12, "cubic: the spline of a cubic is off it by %.3g" % uerr)
        check(int(d["status"][0]) == 1, "cubic: status %d" % int(d["status"][0]))

    # ---- linear, from a time,value CSV (header, comment) -----------------
    tl = np.arange(-1.0, 3.0 + 1e-12, 0.5)
    vl = np.sin(tl) + tl**2
    write(os.path.join(work, "linear.csv"),
          "# time,value\ntime,value\n" + "".join("%.17g,%.17g\n" % (a, b) for a, b in zip(tl, vl)))
    write(os.path.join(work, "linear.yaml"), """
model:
  states: {y: 0.0}
  drivers:
    u: {file: linear.csv, interpolation: linear, outside: clamp}
  equations: |
    dy = u
    uu = u
integrator: {algorithm: rk4, dt: 0.01, duration: 5.0, t0: -2.0}
output: {save_every: 0.01, save: [uu]}
""")
    with run(cubie, os.path.join(work, "linear.yaml"), os.path.join(work, "linear.nc")) as d:
        t = np.asarray(d["time"][:])
        want = np.interp(t, tl, vl)  # clamps to the ends, as outside: clamp
        got = np.asarray(d["uu"][0, :])
        err = np.max(np.abs(got - want))
        check(err < 1e-14, "linear: off the linear interpolant by %.3g" % err)
        check(got[0] == vl[0] and got[1] == vl[0], "clamp: the first sample is not held")
        check(abs(got[-1] - vl[-1]) < 1e-14, "clamp: the last sample is not reached")

    # ---- periodic: linear wrap, and a periodic cubic of sin from NetCDF ---
    n = 16
    h = 1.0 / n
    with netCDF4.Dataset(os.path.join(work, "sin.nc"), "w") as f:
        f.createDimension("time", n)
        tv = f.createVariable("time", "f8", ("time",))
        sv = f.createVariable("s", "f8", ("time",))
        tv[:] = np.arange(n) * h
        sv[:] = np.sin(2 * np.pi * np.arange(n) * h)
    write(os.path.join(work, "periodic.yaml"), """
model:
  states: {y: 0.0}
  drivers:
    w: {values: [0.0, 1.0, 0.0, -1.0], dt: 0.25, outside: periodic}
    s: {file: sin.nc, variable: s, interpolation: cubic, outside: periodic}
  equations: |
    dy = w + s
    ww = w
    ss = s
integrator: {algorithm: rk4, dt: 0.01, duration: 7.3, t0: -3.1}
output: {save_every: 0.01, save: [ww, ss]}
""")
    with run(cubie, os.path.join(work, "periodic.yaml"), os.path.join(work, "periodic.nc")) as d:
        t = np.asarray(d["time"][:])
        phase = np.mod(t, 1.0)
        want = np.interp(phase, [0, 0.25, 0.5, 0.75, 1.0], [0, 1, 0, -1, 0])
        err = np.max(np.abs(np.asarray(d["ww"][0, :]) - want))
        check(err < 1e-12, "periodic linear: off the wrapped interpolant by %.3g" % err)
        serr = np.max(np.abs(np.asarray(d["ss"][0, :]) - np.sin(2 * np.pi * t)))
        bound = 5.0 / 384.0 * h**4 * (2 * np.pi) ** 4
        check(serr < bound, "periodic cubic: error %.3g above the h^4 bound %.3g" % (serr, bound))
        check(serr > bound / 1000, "periodic cubic: error %.3g implausibly small" % serr)

    # ---- series per run, outside: error ----------------------------------
    write(os.path.join(work, "short.csv"), "1\n2\n3\n")
    write(os.path.join(work, "long.csv"), "10\n20\n30\n40\n50\n60\n")
    write(os.path.join(work, "series.yaml"), """
model:
  states: {y: 0.0}
  parameters: {a: 1.0}
  drivers:
    u: {series: [short.csv, long.csv, [5, 5, 5, 5, 5, 5, 5]], dt: 1.0, outside: error}
  equations: |
    dy = a * u
    uu = u
integrator: {algorithm: tsit5, atol: 1.0e-10, rtol: 1.0e-10, duration: 4.0}
batch:
  sweep:
    u: [0, 1, 2, 1]
    a: [1.0, 2.0]
output: {save_every: 0.5, save: [y, uu]}
""")
    with run(cubie, os.path.join(work, "series.yaml"), os.path.join(work, "series.nc")) as d:
        status = np.asarray(d["status"][:])
        sel = np.asarray(d["u"][:])
        check(list(sel) == [0, 0, 1, 1, 2, 2, 1, 1], "series: recorded indices %s" % list(sel))
        for r in range(8):
            if sel[r] == 0:  # 3 samples cover [0, 2], the run needs [0, 4]
                check(status[r] & 0x80 and not status[r] & 1,
                      "error: run %d status %d lacks driver_outside" % (r, status[r]))
            else:
                check(status[r] == 1, "error: run %d status %d" % (r, status[r]))
        t = np.asarray(d["time"][:])
        uu = np.asarray(d["uu"][:])
        check(np.allclose(uu[2], 10 + 10 * t, rtol=0, atol=1e-12), "series: run 2 not long.csv")
        check(np.allclose(uu[4], 5.0, rtol=0, atol=0), "series: run 4 not the inline series")
        y = np.asarray(d["y"][:])
        check(abs(y[3, -1] - 2.0 * (10 * 4 + 5 * 16)) < 1e-7,
              "series: run 3 y(4) = %.12g, not 240" % y[3, -1])

    # ---- chunking and ranks: byte-identical -------------------------------
    deck = os.path.join(work, "series.yaml")
    ref = os.path.join(work, "series.nc")
    variants = {
        "runs": ["--set", "run.memory_limit=3kB", "--set", "run.chunk_axis=run"],
        "time": ["--set", "run.memory_limit=3kB", "--set", "run.chunk_axis=time"],
    }
    outs = {}
    for name, extra in variants.items():
        outs[name] = os.path.join(work, "series_%s.nc" % name)
        run(cubie, deck, outs[name], *extra).close()
    outs["3ranks"] = os.path.join(work, "series_3ranks.nc")
    three = [mpiexec, npflag, "3"] + (["--oversubscribe"] if os.cpu_count() < 3 else [])
    run(cubie, deck, outs["3ranks"], mpi=three).close()
    with netCDF4.Dataset(ref) as a:
        for name, path in outs.items():
            with netCDF4.Dataset(path) as b:
                for v in ("y", "uu", "status"):
                    same = np.asarray(a[v][:]).tobytes() == np.asarray(b[v][:]).tobytes()
                    check(same, "%s: %s differs from the single-chunk run" % (name, v))

    # ---- --resume knows the drivers' data, not only the deck's text -------
    deck, out = os.path.join(work, "linear.yaml"), os.path.join(work, "linear.nc")
    with netCDF4.Dataset(out) as d:
        digest = d.getncattr("cubie_drivers_sha256")
    check(len(digest) == 64, "resume: no drivers digest in the file (%r)" % digest)
    base = [cubie, "run", deck, "-o", out, "--backend", "cpu", "-q", "--resume"]
    p = subprocess.run(base, capture_output=True, text=True)
    check(p.returncode == 0, "resume: the same data refused (%d): %s" % (p.returncode, p.stderr))
    write(os.path.join(work, "linear.csv"),
          "time,value\n" + "".join("%.17g,%.17g\n" % (a, b + 1.0) for a, b in zip(tl, vl)))
    p = subprocess.run(base, capture_output=True, text=True)
    check(p.returncode == 2 and "drivers' data differ" in p.stderr,
          "resume: a changed driver file not refused (%d): %s" % (p.returncode, p.stderr.strip()))
    with netCDF4.Dataset(out) as d:
        check(d.getncattr("cubie_drivers_sha256") == digest, "resume: the refused run touched the file")

    # ---- a bad CSV cell: exit 2 naming file:line:column -------------------
    write(os.path.join(work, "bad.csv"), "0,1\n1,2\n2, x3\n")
    write(os.path.join(work, "bad.yaml"), """
model:
  states: {y: 0.0}
  drivers: {u: {file: bad.csv}}
  equations: dy = u
integrator: {duration: 1.0}
""")
    p = subprocess.run([cubie, "check", os.path.join(work, "bad.yaml")], capture_output=True,
                       text=True)
    check(p.returncode == 2, "bad csv: exit %d" % p.returncode)
    check("bad.csv:3:4: 'x3' is not a finite number" in p.stderr,
          "bad csv: message %r" % p.stderr.strip())

    print("drivers: %s" % ("ok" if not BAD else "%d FAILED" % len(BAD)))
    return 1 if BAD else 0


if __name__ == "__main__":
    sys.exit(main())
