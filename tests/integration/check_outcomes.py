"""Where and why runs stopped, read back from the file (tests/integration/outcomes.sh).

Usage: check_outcomes.py failing|ragged FILE

failing: runs (a, b) = (-1, 0), (1, 0), (0.1, 0), (0, 1e5), (0, 2e5) of
y' = a y² - b (y - cos t), y(0) = 1 on [0, 2]: 0 and 2 succeed, 1 blows up
at t = 1 (step_too_small), 3 and 4 are too stiff for max_steps (explicit
stability needs h < ~3e-5). For every run: a healthy one has t_final =
t_end = time[-1] and <state>_final = its last save, bit for bit; a failed
one stopped after its last finite save and before its first NaN one, in a
finite state; the blow-up got to t = 1 (within the integration's error) with
a huge y; the stiff ones got somewhere in (0, 1) near y = cos t.

ragged: y' = -k y on [0, 1] saved every 0.03: 35 save points, the last at
t_end = 1 exactly after a shorter interval, accurate there (exp(-k)),
t_final = 1 and y_final the last save; summaries every 0.09 cover the 11
whole windows only, the last ending at 0.99.
"""
import sys

import netCDF4
import numpy as np

SUCCESS, STEP_TOO_SMALL, MAX_STEPS, FAILURE_MASK = 0x01, 0x02, 0x04, 0x5E

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def first_nan(row):
    nan = np.flatnonzero(np.isnan(row))
    return int(nan[0]) if nan.size else len(row)


def failing(ds):
    time = np.asarray(ds["time"][:])
    y = np.asarray(ds["y"][:])
    status = np.asarray(ds["status"][:])
    t_final = np.asarray(ds["t_final"][:])
    y_final = np.asarray(ds["y_final"][:])
    check(ds["t_final"].units == ds["time"].units, "t_final has the time units")
    want = [SUCCESS, STEP_TOO_SMALL, SUCCESS, MAX_STEPS, MAX_STEPS]
    for r in range(5):
        check(status[r] & ~0x20 == want[r], "run %d: status %#x, expected %#x" % (r, status[r], want[r]))
        check(np.isfinite(y_final[r]), "run %d: y_final %r is finite" % (r, y_final[r]))
        if not status[r] & FAILURE_MASK:
            check(t_final[r] == time[-1] == 2.0, "run %d: t_final %r is t_end" % (r, t_final[r]))
            check(y_final[r] == y[r, -1], "run %d: y_final is the last save" % r)
        else:
            f = first_nan(y[r])
            check(0 < f < len(time), "run %d: NaN saves from %d on" % (r, f))
            check(time[f - 1] <= t_final[r] < time[f],
                  "run %d: t_final %r between the last finite save and the first NaN one" % (r, t_final[r]))
    check(0.999 < t_final[1] < 1.001, "the blow-up stopped at t = 1: %r" % t_final[1])
    check(y_final[1] > 1e3, "the blow-up's y_final is large: %r" % y_final[1])
    for r in (3, 4):
        check(0.0 < t_final[r] < 1.0, "run %d: the stiff run got to %r" % (r, t_final[r]))
        check(abs(y_final[r] - np.cos(t_final[r])) < 1e-3,
              "run %d: y_final %r near cos(t_final)" % (r, y_final[r]))


def ragged(ds):
    time = np.asarray(ds["time"][:])
    want = np.arange(34) * 0.03
    check(len(time) == 35, "35 save points, not %d" % len(time))
    check(np.array_equal(time[:34], want), "time[k] = 0.03 k for the whole intervals")
    check(time[-1] == 1.0, "the last save point is t_end = 1 exactly, not %r" % time[-1])
    k = np.asarray(ds["k"][:])
    y = np.asarray(ds["y"][:])
    exact = np.exp(-np.outer(k, time))
    err = np.max(np.abs(y - exact))
    tol = 1e-7 if ds.getncattr("cubie_algorithm") == "dopri5" else 1e-8
    check(err < tol, "saves (t_end included) match exp(-k t): max error %g" % err)
    check(np.all(np.asarray(ds["t_final"][:]) == 1.0), "t_final = t_end")
    check(np.array_equal(np.asarray(ds["y_final"][:]), y[:, -1]), "y_final is the last save")
    st = np.asarray(ds["summary_time"][:])
    check(len(st) == 11, "11 whole summary windows, not %d" % len(st))
    check(abs(st[-1] - 0.99) < 1e-12, "the last window ends at 0.99, not %r" % st[-1])
    # The windows summarise whole intervals of the uniform grid only.
    mean = np.asarray(ds["y_mean"][:])
    windows = y[:, 1:34].reshape(len(k), 11, 3)
    check(np.allclose(mean, windows.mean(axis=2), rtol=1e-14, atol=0), "y_mean over save points 3s+1..3s+3")


def main(kind, path):
    with netCDF4.Dataset(path) as ds:
        check(int(ds.getncattr("complete")) == 1, "complete")
        {"failing": failing, "ragged": ragged}[kind](ds)
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print("%s: ok (%s)" % (kind, path))


if __name__ == "__main__":
    main(*sys.argv[1:3])
