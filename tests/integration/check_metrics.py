"""Every summary metric against numpy on the saved trajectory of the same run
(tests/integration/metrics.sh).

Usage: check_metrics.py FILE EXPECTED_VARIABLES [UNITS]

For every summary variable the file holds (<output>_<metric>[_<value>] of
kernels/metrics.def), recompute it from the saved series <output>(run, time)
with numpy, window by window (window s: save points s·E+1 .. (s+1)·E, the
save point before a window counts for the derivatives and peaks), as
docs/algorithms.md defines it:
  mean, rms, std (ddof 0): np.mean / sqrt(mean(x²)) / np.std, to rounding;
  max, min, max_magnitude, extrema: exactly;
  dxdt_*: np.diff(x) / save_every, d2xdt2_*: (x_j − 2 x_(j−1) + x_(j−2)) /
    save_every², window 0 without save point 1's (it has no second
    difference; NaN when none is left): exactly, in the file's precision;
  peaks[n], negative_peaks[n]: local maxima / minima of the saved series,
    a plateau counted once at its first save point, attributed to the window
    of the save point that confirms it, the first n per window, NaN after:
    values and times exactly;
  mean_std, std_rms, mean_std_rms: bit for bit the numbers of mean, std and
    rms computed by the same numpy code (and equal to the separate metrics'
    variables when the file has those too).
EXPECTED_VARIABLES: how many summary variables must have been checked (so
a misnamed variable cannot pass unchecked). UNITS (optional): "x:m,v:m/s"
checks each value's units (x/t and x/t2 metrics per second).
"""
import sys

import netCDF4
import numpy as np

METRICS = ["mean", "max", "min", "rms", "std", "extrema", "max_magnitude", "peaks",
           "negative_peaks", "mean_std", "std_rms", "mean_std_rms", "dxdt_max", "dxdt_min",
           "dxdt_extrema", "d2xdt2_max", "d2xdt2_min", "d2xdt2_extrema"]
VALUES = {"extrema": ["max", "min"], "peaks": ["value", "time"], "negative_peaks": ["value", "time"],
          "mean_std": ["mean", "std"], "std_rms": ["std", "rms"],
          "mean_std_rms": ["mean", "std", "rms"], "dxdt_extrema": ["max", "min"],
          "d2xdt2_extrema": ["max", "min"]}
UNIT_KIND = {"dxdt_max": "x/t", "dxdt_min": "x/t", "dxdt_extrema": "x/t", "d2xdt2_max": "x/t2",
             "d2xdt2_min": "x/t2", "d2xdt2_extrema": "x/t2"}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def same(got, want, what):
    """Bit for bit (NaN where NaN)."""
    got, want = np.asarray(got), np.asarray(want, dtype=got.dtype)
    ok = got.shape == want.shape and np.array_equal(got, want, equal_nan=True)
    if not ok:
        bad = np.argwhere(~((got == want) | (np.isnan(got) & np.isnan(want))))
        failures.append("%s differs at %s: %r vs %r" % (what, bad[:3].tolist(),
                                                        got[tuple(bad[0])] if bad.size else None,
                                                        want[tuple(bad[0])] if bad.size else None))


def close(got, want, rtol, what, atol=0.0):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        err = np.nanmax(np.abs(got - want))
        failures.append("%s: off by %g (rtol %g)" % (what, err, rtol))


def peaks(x, time, sign, E, n_windows, n, dtype):
    """The peaks of sign·x as docs/algorithms.md defines them."""
    y = sign * x
    values = np.full((n_windows, n), np.nan, dtype=dtype)
    times = np.full((n_windows, n), np.nan, dtype=dtype)
    found = np.zeros(n_windows, dtype=int)
    climbing, start = False, 0
    for j in range(1, len(y)):
        if y[j] > y[j - 1]:
            climbing, start = True, j
        elif y[j] == y[j - 1]:
            pass
        else:
            if climbing and y[j] < y[j - 1]:
                s = (j - 1) // E
                if s < n_windows and found[s] < n:
                    values[s, found[s]] = sign * y[start]
                    times[s, found[s]] = dtype(time[start])
                    found[s] += 1
            climbing = False
    return values, times


def reference(metric, x, time, dt, E, n_windows, count, dtype):
    """{value name: array (windows[, count])} for one run's series x."""
    w = np.stack([x[s * E + 1:(s + 1) * E + 1] for s in range(n_windows)])
    d1 = (x[1:] - x[:-1]) / dt                       # d1[j-1]: at save point j
    d2 = ((x[2:] - 2 * x[1:-1]) + x[:-2]) / (dt * dt)  # d2[j-2]: at save point j
    def per_window(d, first_j):
        out = []
        for s in range(n_windows):
            lo, hi = max(s * E + 1, first_j), (s + 1) * E
            seg = d[lo - first_j:hi - first_j + 1]
            out.append((seg.max(), seg.min()) if seg.size else (np.nan, np.nan))
        return np.array(out, dtype=dtype)
    mean, std = w.mean(axis=1), w.std(axis=1)
    rms = np.sqrt((w.astype(np.float64) ** 2).mean(axis=1))
    if metric in ("mean", "max", "min", "rms", "std", "max_magnitude"):
        return {"": {"mean": mean, "max": w.max(axis=1), "min": w.min(axis=1), "rms": rms,
                     "std": std, "max_magnitude": np.abs(w).max(axis=1)}[metric]}
    if metric == "extrema":
        return {"max": w.max(axis=1), "min": w.min(axis=1)}
    if metric in ("mean_std", "std_rms", "mean_std_rms"):
        parts = {"mean": mean, "std": std, "rms": rms}
        return {k: parts[k] for k in VALUES[metric]}
    if metric.startswith("dxdt"):
        e = per_window(d1, 1)
    elif metric.startswith("d2xdt2"):
        e = per_window(d2, 2)
    else:
        v, t = peaks(x, time, 1 if metric == "peaks" else -1, E, n_windows, count, dtype)
        return {"value": v, "time": t}
    if metric.endswith("_max"):
        return {"": e[:, 0]}
    if metric.endswith("_min"):
        return {"": e[:, 1]}
    return {"max": e[:, 0], "min": e[:, 1]}


def main(path, expected, units=""):
    unit_of = dict(u.split(":") for u in units.split(",") if u)
    checked = 0
    with netCDF4.Dataset(path) as ds:
        ds.set_auto_mask(False)
        check(int(ds.getncattr("complete")) == 1, "complete")
        time = np.asarray(ds["time"][:])
        st = np.asarray(ds["summary_time"][:])
        n_windows = len(st)
        dt = time[1] - time[0]
        save_every = round(dt, 12)
        E = int(round((st[0] - time[0]) / save_every))
        outputs = [n for n, v in ds.variables.items() if v.dimensions == ("run", "time")]
        for out in outputs:
            data = np.asarray(ds[out][:])
            dtype = data.dtype.type
            dtr = dtype(save_every)
            for metric in METRICS:
                words = VALUES.get(metric, [""])
                names = ["%s_%s%s" % (out, metric, "_" + v if v else "") for v in words]
                if names[0] not in ds.variables:
                    continue
                var0 = ds[names[0]]
                count = var0.shape[2] if len(var0.dimensions) == 3 else 0
                for r in range(data.shape[0]):
                    ref = reference(metric, data[r], time, dtr, E, n_windows, count, dtype)
                    for word, name in zip(words, names):
                        got = np.asarray(ds[name][r])
                        want = ref[word].astype(dtype)
                        what = "%s run %d" % (name, r)
                        key = word or metric
                        if key in ("mean", "rms", "std"):
                            tol = 1e-12 if dtype == np.float64 else 2e-5
                            close(got, want, tol, what, atol=tol * np.abs(data[r]).max())
                        else:
                            same(got, want, what)
                for name in names:
                    checked += 1
                    if out in unit_of:
                        kind = UNIT_KIND.get(metric, "t" if name.endswith("_time") else "x")
                        want_units = {"x": unit_of[out], "t": "s", "x/t": unit_of[out] + "/s",
                                      "x/t2": unit_of[out] + "/s2"}[kind]
                        check(ds[name].units == want_units,
                              "%s: units %r, expected %r" % (name, ds[name].units, want_units))
            # The combined metrics' numbers are those of the separate ones.
            for combined in ("mean_std", "std_rms", "mean_std_rms"):
                for word in VALUES[combined]:
                    a, b = "%s_%s_%s" % (out, combined, word), "%s_%s" % (out, word)
                    if a in ds.variables and b in ds.variables:
                        same(np.asarray(ds[a][:]), np.asarray(ds[b][:]), "%s = %s" % (a, b))
    check(checked == int(expected), "checked %d summary variables, expected %s" % (checked, expected))
    for f in failures[:40]:
        print("FAIL", f)
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("%s: %d summary variables match numpy" % (path, checked))


if __name__ == "__main__":
    main(*sys.argv[1:])
