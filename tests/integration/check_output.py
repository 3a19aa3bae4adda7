"""Read a cubie output file back with netCDF4-python and check it.

Usage: check_output.py DECK_NAME FILE

Checks what every file must have (dimensions, coordinates, CF attributes,
status, counters, provenance, the complete flag), then the deck-specific
science: analytic solutions for decay and the oscillator, known behaviour
for Lorenz and van der Pol, the IVP Test Set's published solutions for the
decks of inputs/stiff/ (DECK_NAME stiff/hires checks with stiff_hires).
Exits 1 with a message on the first mismatch.
"""
import re
import sys

import netCDF4
import numpy as np

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, file=sys.stderr)


def common(ds, runs, n_time, outputs, inputs, t0=0.0, dt=None):
    check(ds.getncattr("Conventions") == "CF-1.8", "Conventions is CF-1.8")
    check(int(ds.getncattr("complete")) == 1, "file is marked complete")
    check("cubie_deck" in ds.ncattrs() and "model:" in ds.getncattr("cubie_deck"),
          "the deck text is stored")
    for attr in ("cubie_version", "cubie_backend", "cubie_host", "history"):
        check(attr in ds.ncattrs(), "provenance attribute " + attr)
    check(len(ds.dimensions["run"]) == runs, "run dimension is %d" % runs)
    check(len(ds.dimensions["time"]) == n_time, "time dimension is %d" % n_time)
    check(not ds.dimensions["run"].isunlimited() and not ds.dimensions["time"].isunlimited(),
          "no unlimited dimensions")
    run = ds["run"][:]
    check(np.array_equal(run, np.arange(runs)), "run coordinate is 0..runs-1")
    t = ds["time"][:]
    if dt is not None:
        check(np.allclose(t, t0 + dt * np.arange(n_time), rtol=0, atol=1e-12),
              "time coordinate is t0 + k*save_every")
    check("units" in ds["time"].ncattrs(), "time has units")
    for name in outputs:
        v = ds[name]
        check(v.dimensions == ("run", "time"), "%s has dims (run, time)" % name)
        check("units" in v.ncattrs() and "long_name" in v.ncattrs(), "%s has units and long_name" % name)
        data = np.asarray(v[:])
        check(np.all(np.isfinite(data)), "%s is finite everywhere" % name)
    for name in inputs:
        check(ds[name].dimensions == ("run",), "%s is a per-run input" % name)
    status = np.asarray(ds["status"][:])
    check(np.all(status & 1 == 1), "every run reached the end (status success bit)")
    check(np.all(status & 0x1E == 0), "no run has a failure bit")
    acc = np.asarray(ds["accepted_steps"][:])
    check(np.all(acc > 0), "every run took accepted steps")
    check(np.all(np.asarray(ds["rhs_evaluations"][:]) >= acc), "rhs evaluations >= accepted steps")


def lorenz(ds):
    common(ds, 256, 1001, ["x", "y", "z", "energy"], ["rho"], dt=0.01)
    rho = ds["rho"][:]
    check(np.allclose(rho, np.linspace(0, 50, 256), rtol=0, atol=1e-12), "rho is linspace(0, 50, 256)")
    x, y, z = (np.asarray(ds[n][:]) for n in "xyz")
    check(np.all(x[:, 0] == 1) and np.all(y[:, 0] == 0) and np.all(z[:, 0] == 0),
          "every run starts at (1, 0, 0)")
    e = np.asarray(ds["energy"][:])
    check(np.allclose(e, x * x + y * y + z * z, rtol=1e-12), "energy observable = x^2+y^2+z^2")
    # rho < 1: the origin is stable, but the slow eigenvalue
    # -(s+1)/2 + sqrt((s+1)^2/4 + s(rho-1)) is only -0.68 at rho = 0.3 (and
    # -> 0 as rho -> 1), so over t = 10 only rho < 0.3 is certainly below 1e-2.
    stable = rho < 0.3
    check(np.all(np.abs(x[stable, -1]) < 1e-2), "rho < 0.3 decays to the origin")
    # 1 < rho < 13.9: convergence to C+ = (sqrt(b(r-1)), sqrt(b(r-1)), r-1).
    b = 8.0 / 3.0
    mid = (rho > 2) & (rho < 10)
    check(np.allclose(z[mid, -1], rho[mid] - 1, atol=2e-2), "1 < rho < 14 settles on C+")
    check(np.allclose(np.abs(x[mid, -1]), np.sqrt(b * (rho[mid] - 1)), atol=2e-2),
          "x settles on +-sqrt(b(rho-1))")
    m = np.asarray(ds["x_mean"][:])
    check(ds["x_mean"].dimensions == ("run", "summary_time"), "summary dims")
    check(len(ds.dimensions["summary_time"]) == 10, "10 summary windows")
    # Window s covers saves s*100+1 .. (s+1)*100.
    ref = np.stack([x[:, s * 100 + 1:(s + 1) * 100 + 1].mean(axis=1) for s in range(10)], axis=1)
    check(np.allclose(m, ref, rtol=1e-10, atol=1e-12), "x_mean equals the mean of the saved series")
    mx = np.asarray(ds["energy_max"][:])
    ref = np.stack([e[:, s * 100 + 1:(s + 1) * 100 + 1].max(axis=1) for s in range(10)], axis=1)
    check(np.array_equal(mx, ref), "energy_max equals the max of the saved series")


def decay(ds):
    common(ds, 60, 101, ["y", "exact", "error"], ["k"], dt=0.05)
    k = np.asarray(ds["k"][:])
    check(np.allclose(k, np.geomspace(0.1, 10, 60), rtol=1e-13), "k is logspace(0.1, 10, 60)")
    check(abs(k[0] - 0.1) < 1e-15 and abs(k[-1] - 10.0) < 1e-14, "logspace endpoints are exact")
    t = np.asarray(ds["time"][:])
    y = np.asarray(ds["y"][:])
    exact = np.exp(-np.outer(k, t))
    # rtol 1e-8, atol 1e-10 with a 5th-order method: the global error stays
    # within a small multiple of the tolerance times the solution scale.
    err = np.abs(y - exact)
    check(err.max() < 2e-7, "y matches exp(-k t) (max error %.3g)" % err.max())
    check(np.allclose(np.asarray(ds["exact"][:]), exact, rtol=1e-14, atol=1e-15), "exact observable")
    check(np.allclose(np.asarray(ds["error"][:]), y - exact, atol=1e-15), "error observable = y - exact")
    check(ds["y"].units == "mol/L" and ds["y"].long_name == "concentration", "y units/long_name")
    check(ds["k"].units == "1/s", "k units")
    check(ds["time"].units == "s", "time units")
    check(float(ds["y_initial"][...]) == 1.0, "fixed initial value recorded as a scalar")


def oscillator(ds):
    common(ds, 192, 101, ["x", "v", "energy"], ["omega", "x_initial"], dt=0.1)
    omega = np.asarray(ds["omega"][:])
    x0 = np.asarray(ds["x_initial"][:])
    # Combinatorial: the last-listed axis (x) varies fastest.
    check(np.allclose(omega, np.repeat(np.linspace(0.5, 5, 48), 4)), "omega varies slowest")
    check(np.array_equal(x0, np.tile([0.5, 1.0, 1.5, 2.0], 48)), "x_initial varies fastest")
    check(list(ds.getncattr("grid_shape")) == [48, 4], "grid_shape attribute")
    t = np.asarray(ds["time"][:])
    x = np.asarray(ds["x"][:])
    exact = x0[:, None] * np.cos(np.outer(omega, t))
    err = np.abs(x - exact).max()
    check(err < 1e-6, "x matches x0 cos(omega t) (max error %.3g)" % err)
    e = np.asarray(ds["energy"][:])
    check(np.allclose(e, 0.5 * (omega * x0)[:, None] ** 2, rtol=1e-6), "energy is conserved")
    xmax = np.asarray(ds["x_max"][:])
    ref = np.stack([x[:, s * 20 + 1:(s + 1) * 20 + 1].max(axis=1) for s in range(5)], axis=1)
    check(np.array_equal(xmax, ref), "x_max equals the max of the saved series")


def vanderpol(ds):
    common(ds, 128, 401, ["x", "y"], ["mu"], t0=10.0, dt=0.05)
    x = np.asarray(ds["x"][:])
    amp = np.abs(x[:, 200:]).max(axis=1)
    check(np.all((amp > 1.9) & (amp < 2.1)), "every run is on the limit cycle of amplitude ~2")
    check(abs(float(ds["time"][0]) - 10.0) < 1e-12, "saves start after the settling time")



def driven_membrane(ds):
    common(ds, 20, 201, ["v", "I_in"], ["I_stim", "g_leak"], dt=0.05)
    series = np.asarray(ds["I_stim"][:])
    g = np.asarray(ds["g_leak"][:])
    check(np.array_equal(series, np.repeat([0, 1], 10)), "I_stim (the series index) varies slowest")
    check(np.allclose(g, np.tile(np.linspace(0.1, 1.0, 10), 2), rtol=1e-14), "g_leak linspace")
    check(np.all(np.asarray(ds["status"][:]) == 1), "every run succeeded")
    t = np.asarray(ds["time"][:])
    I = np.asarray(ds["I_in"][:])
    # Saves fall on the samples (every 0.05), where a spline is the sample.
    pulses = np.where(np.mod(np.round(t / 0.05), 20) < 4, 1.0, 0.0)
    check(np.max(np.abs(I[0] - pulses)) < 1e-12, "run 0 reads the pulse series at its samples")
    ramp = np.round(0.1 * t + 0.05 * np.sin(2 * np.pi * t), 6)
    check(np.max(np.abs(I[10] - ramp)) < 1e-12, "run 10 reads the ramp series at its samples")
    # Between samples, a faster save grid would show the spline; here the
    # membrane: for the ramp, v follows I/g with lag c/g; it stays between
    # 0 and max(I)/g.
    v = np.asarray(ds["v"][:])
    check(np.all(v[10:] >= -1e-6) and np.all(v[10:] <= (I[10].max() / g[10:, None]) + 1e-6),
          "the ramp-driven membrane stays within [0, max I / g]")


def kepler(ds):
    common(ds, 8, 100001, ["qx", "qy", "energy", "angular_momentum"], ["e", "qx_initial", "py_initial"],
           dt=np.pi / 500)
    e = np.asarray(ds["e"][:])
    energy = np.asarray(ds["energy"][:])
    h = np.asarray(ds["angular_momentum"][:])
    # Semi-major axis 1: energy -1/2; angular momentum sqrt(1 - e^2). With
    # rtol = atol = 1e-10 over 100 orbits the drift stays far below 1e-6.
    check(np.abs(energy + 0.5).max() < 1e-6, "energy stays -1/2 (max drift %.2g)" % np.abs(energy + 0.5).max())
    check(np.abs(h - np.sqrt(1 - e ** 2)[:, None]).max() < 1e-6, "angular momentum is conserved")
    qx = np.asarray(ds["qx"][:])
    # After 100 whole periods every orbit is back at periapsis (1 - e, 0).
    check(np.abs(qx[:, -1] - (1 - e)).max() < 1e-5, "back at periapsis after 100 orbits")
    check(len(ds.dimensions["summary_time"]) == 100, "one summary per orbit")
    qmax = np.asarray(ds["qx_max"][:])
    check(np.allclose(qmax, 1 - e[:, None], atol=1e-4), "per-orbit max of qx is the periapsis distance")


def relaxation(ds):
    common(ds, 4, 401, ["x", "v", "clipped"], ["mu"], t0=1.0, dt=0.05)
    # Periods of the van der Pol limit cycle (mu 0.5, 1, 2, 4): successive
    # peaks of x are one period apart, to the save resolution 0.05.
    periods = {0.5: 6.3836, 1.0: 6.6633, 2.0: 7.6299, 4.0: 10.2035}
    mu = np.asarray(ds["mu"][:])
    for r in range(4):
        t = np.asarray(ds["x_peaks_time"][r]).ravel()
        v = np.asarray(ds["x_peaks_value"][r]).ravel()
        t, v = np.sort(t[~np.isnan(t)]), v[~np.isnan(v)]
        check(len(t) >= 2, "mu %g: at least two peaks of x" % mu[r])
        check(np.all(np.abs(np.diff(t) - periods[float(mu[r])]) <= 0.1),
              "mu %g: peaks of x one period apart (%s)" % (mu[r], np.diff(t)))
        check(np.all((v > 2.0) & (v < 2.03)), "mu %g: peak values near the amplitude 2" % mu[r])
    clipped = np.asarray(ds["clipped_peaks_value"][:])
    found = clipped[~np.isnan(clipped)]
    check(found.size >= 8 and np.all(found == 1.5), "clipped's plateau tops are peaks of value 1.5")
    check(ds["v_dxdt_extrema_max"].units == "m/s/s", "dxdt of v in m/s per s")


def sensitivity(ds):
    """The sampled design of inputs/sensitivity.yaml: 256 points crossed with
    two gains (g varies fastest), every run against its exact solution."""
    common(ds, 512, 9, ["y"], ["k", "c", "y_initial", "g"], dt=0.5)
    k, c = np.asarray(ds["k"][:]), np.asarray(ds["c"][:])
    y0, g = np.asarray(ds["y_initial"][:]), np.asarray(ds["g"][:])
    check(np.array_equal(g, np.tile([0.5, 1.0], 256)), "g is crossed with the design, fastest")
    for v, name in ((k, "k"), (c, "c"), (y0, "y_initial")):
        check(np.array_equal(v[0::2], v[1::2]), "%s is the same design point for both gains" % name)
    k1, c1, y1 = k[0::2], c[0::2], y0[0::2]
    # scrambled Sobol' (256 = 2^8 points): one point in each of 256 strata of [0.5, 2)
    check(np.array_equal(np.sort(np.floor((k1 - 0.5) / 1.5 * 256)), np.arange(256)),
          "k: one Sobol' point per stratum")
    # Latin hypercube: one point in each [B(s), B(s+1)), B(s) = 0 + (2 s) / 256
    b = (2.0 * np.arange(257)) / 256
    s = np.searchsorted(b, y1, side="right") - 1
    check(np.array_equal(np.sort(s), np.arange(256)), "y_initial: one point per stratum")
    check(np.all(c1 > 0) and abs(np.median(np.log(c1))) < 0.05, "c is lognormal around 1")
    t = np.asarray(ds["time"][:])
    y = np.asarray(ds["y"][:])
    eq = (g * c / k)[:, None]
    exact = eq + (y0[:, None] - eq) * np.exp(-np.outer(k, t))
    err = np.abs(y - exact).max()
    check(err < 1e-7, "y matches g c / k + (y0 - g c / k) exp(-k t) (max error %.3g)" % err)


def integrate_and_fire(ds):
    common(ds, 40, 201, ["v"], ["I"], dt=0.5)
    I = np.asarray(ds["I"][:])
    count = np.asarray(ds["spike_count"][:])
    times = np.asarray(ds["spike_times"][:].filled(np.nan))
    check(len(ds.dimensions["event_index"]) == 16, "16 spike times kept per run")
    check(ds["spike_times"].units == "ms", "spike times in the model's time units")
    # Below threshold: silent; above: period tau ln(I / (I - 1)) (v_r 0, v_th 1, tau 10).
    silent = I <= 1.0
    check(np.all(count[silent] == 0), "no spikes below threshold")
    T = 10.0 * np.log(I[~silent] / (I[~silent] - 1.0))
    check(np.all(np.abs(count[~silent] - np.floor(100.0 / T)) <= 1), "spike counts are 100 / period")
    first = times[~silent, 0]
    check(np.allclose(first, T, rtol=1e-6, atol=0), "first spike after one period")
    v = np.asarray(ds["v"][:])
    check(np.nanmax(v) <= 1.0 + 1e-6, "v never exceeds the threshold")


def stiff_testset(ds, outputs, n_time, t_end):
    """A deck of inputs/stiff/: one run to the IVP Test Set's end time, every
    component there within 10 x (atol + rtol |ref|) of the published
    reference solution the deck quotes ("#   reference y1 = ..." lines; the
    file keeps the deck's text), the test set's criterion (issue 9).
    Returns the saved values, (time, state)."""
    common(ds, 1, n_time, outputs, [])
    ref = {m.group(1): float(m.group(2))
           for m in re.finditer(r"^#\s+reference (\w+) = (\S+)$", ds.getncattr("cubie_deck"), re.M)}
    check(sorted(ref) == sorted(outputs), "the deck quotes a reference for every state: %s" % ref)
    t = np.asarray(ds["time"][:])
    check(abs(t[-1] - t_end) <= 1e-12 * t_end, "the last save is at the end time %g" % t_end)
    rtol, atol = float(ds.getncattr("cubie_rtol")), float(ds.getncattr("cubie_atol"))
    y = np.stack([np.asarray(ds[n][0]) for n in outputs], axis=-1)
    for i, n in enumerate(outputs):
        ratio = abs(y[-1, i] - ref.get(n, np.nan)) / (atol + rtol * abs(ref.get(n, np.nan)))
        check(ratio <= 10.0, "%s(%g) = %.16e is within 10 x the tolerance of the reference %.16e "
              "(%.3g x)" % (n, t_end, y[-1, i], ref.get(n, np.nan), ratio))
    return y


def stiff_hires(ds):
    y = stiff_testset(ds, ["y%d" % i for i in range(1, 9)], 34, 321.8122)
    # dy8 = -dy7: y7 + y8 stays 0.0057; the methods keep linear invariants
    # to rounding (a few hundred steps of unit roundoff on 0.0057).
    drift = np.abs(y[:, 6] + y[:, 7] - 0.0057).max()
    check(drift <= 1e-15, "y7 + y8 = 0.0057 (off by %.2g)" % drift)


def stiff_orego(ds):
    stiff_testset(ds, ["y1", "y2", "y3"], 73, 360.0)


def stiff_rober(ds):
    y = stiff_testset(ds, ["y1", "y2", "y3"], 11, 1.0e11)
    drift = np.abs(y.sum(axis=1) - 1.0).max()
    check(drift <= 1e-12, "y1 + y2 + y3 = 1 (off by %.2g)" % drift)


def stiff_vdpol(ds):
    stiff_testset(ds, ["y1", "y2"], 41, 2.0)


def stiff_e5(ds):
    y = stiff_testset(ds, ["y1", "y2", "y3", "y4"], 11, 1.0e13)
    # y2 - y3 - y4 = 0 (dy3 = dy2 - dy4): an error in it is carried to the
    # end undamped (where y2 ends as it), so it must stay below the
    # absolute tolerance; radau5 keeps it to the rounding of f.
    drift = np.abs(y[:, 1] - y[:, 2] - y[:, 3]).max()
    check(drift <= 1.7e-24, "y2 = y3 + y4 (off by %.2g)" % drift)


def stiff_pollu(ds):
    stiff_testset(ds, ["y%d" % i for i in range(1, 21)], 61, 60.0)


if __name__ == "__main__":
    name, path = sys.argv[1], sys.argv[2]
    with netCDF4.Dataset(path) as ds:
        globals()[name.replace("/", "_")](ds)
    if FAILURES:
        sys.exit(1)
    print("ok: %s" % path)
