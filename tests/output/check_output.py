#!/usr/bin/env python3
"""Read an output file written by the output tests with netCDF4-python and
check it against docs/output.md and the pattern of tests/output/pattern.h.

    check_output.py FILE --runs N --saves N --summaries N --summary-every N
                    --precision float32|float64 --written A:B[,C:D...]
                    --complete 0|1 [--grid 2,4] [--compression L] [--no-fixed]

Exit status 0 when everything holds; otherwise every failed check is
printed and the status is 1.
"""
import argparse
import sys

import netCDF4
import numpy as np

# Mirrors tests/output/pattern.h.
OUTPUTS = [("x", "m", "position"), ("y", "1", "y")]
METRICS = ["mean", "max", "rms"]
# The file declares CF-1.8, which has no root_mean_square: rms gets none.
CELL_METHODS = {"mean": "mean", "max": "maximum", "rms": None}
# After the metrics of every output (values 0 .. 5): a counted metric's
# variable, 3 values per window along its own dimension (values 6 .. 8).
PEAKS = ("x_peaks_time", "s", "peaks[3] time of position over each summary window", 3, "peaks_3")
FINALS = [("t_final", "s", "time the run reached"), ("x_final", "m", "position at t_final")]
INPUTS = [("rho", "1", "Rayleigh number"), ("x_initial", "m", "initial position")]
FIXED = [("sigma", "1", "Prandtl number", 10.0), ("beta", "1", "beta", 2.75)]
T0, SAVE_EVERY = 0.5, 0.25
COUNTERS = ["accepted_steps", "rejected_steps", "rhs_evaluations", "newton_iterations",
            "linear_iterations", "jacobian_evaluations", "lu_factorizations"]
FLAG_MASKS = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200]
FLAG_MEANINGS = ("success step_too_small max_steps nonfinite newton_failed dt_min_clamped "
                 "singular_matrix driver_outside looked_stiff event_terminated")

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def pattern_status(run):
    return np.where(run % 3 == 0, 0x01, np.where(run % 3 == 1, 0x01 | 0x20, 0x04))


def parse_ranges(text):
    runs = []
    for part in text.split(","):
        if part:
            a, b = part.split(":")
            runs.extend(range(int(a), int(b)))
    return np.array(sorted(runs), dtype=np.int64)


def check_var(ds, name, dims, dtype, units, long_name):
    if name not in ds.variables:
        failures.append(f"no variable {name}")
        return None
    v = ds.variables[name]
    check(v.dimensions == dims, f"{name}: dims {v.dimensions} != {dims}")
    check(v.dtype == np.dtype(dtype), f"{name}: dtype {v.dtype} != {dtype}")
    if units is not None:
        check(getattr(v, "units", None) == units, f"{name}: units {getattr(v, 'units', None)!r} != {units!r}")
    check(getattr(v, "long_name", None) == long_name,
          f"{name}: long_name {getattr(v, 'long_name', None)!r} != {long_name!r}")
    return v


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--saves", type=int, required=True)
    p.add_argument("--summaries", type=int, default=0)
    p.add_argument("--summary-every", type=int, default=1)
    p.add_argument("--precision", choices=["float32", "float64"], required=True)
    p.add_argument("--written", required=True)
    p.add_argument("--complete", type=int, required=True)
    p.add_argument("--grid", default="")
    p.add_argument("--compression", type=int, default=0)
    p.add_argument("--no-fixed", action="store_true")
    a = p.parse_args()

    written = parse_ranges(a.written)
    unwritten = np.setdiff1d(np.arange(a.runs), written)
    dtype = a.precision
    ds = netCDF4.Dataset(a.file)
    ds.set_auto_mask(False)  # compare raw values; status 0 is checked explicitly

    # Dimensions: fixed size, never unlimited.
    want_dims = {"run": a.runs, "time": a.saves}
    if a.summaries > 0:
        want_dims.update({"summary_time": a.summaries, "nv": 2, "peaks_3": 3})
    check(set(ds.dimensions) == set(want_dims), f"dimensions {sorted(ds.dimensions)} != {sorted(want_dims)}")
    for name, size in want_dims.items():
        if name in ds.dimensions:
            check(len(ds.dimensions[name]) == size, f"dim {name}: {len(ds.dimensions[name])} != {size}")
            check(not ds.dimensions[name].isunlimited(), f"dim {name} is unlimited")

    # Global attributes.
    check(ds.Conventions == "CF-1.8", "Conventions")
    check(ds.title == "pattern test", "title")
    check(ds.cubie_version == "0.1.0", "cubie_version")
    check(int(ds.total_runs) == a.runs and np.asarray(ds.total_runs).dtype == np.int64, "total_runs")
    check(int(ds.complete) == a.complete, f"complete = {ds.complete}, expected {a.complete}")
    if a.grid:
        grid = [int(g) for g in a.grid.split(",")]
        check(list(np.atleast_1d(ds.grid_shape)) == grid, f"grid_shape {ds.grid_shape} != {grid}")
        check(np.asarray(ds.grid_shape).dtype == np.int64, "grid_shape dtype")
    else:
        check("grid_shape" not in ds.ncattrs(), "grid_shape present without a grid")

    # Coordinates.
    run = check_var(ds, "run", ("run",), "int64", "1", "run index")
    time = check_var(ds, "time", ("time",), "float64", "s", "time")
    if time is not None:
        # Model time in "s" is no CF calendar axis: no axis "T", no calendar.
        check("axis" not in time.ncattrs() and "calendar" not in time.ncattrs(),
              f"time has axis/calendar: {time.ncattrs()}")
        check(np.array_equal(time[:], T0 + np.arange(a.saves) * SAVE_EVERY), f"time values {time[:]}")
    if run is not None:  # whole from creation on, written or not
        check(np.array_equal(run[:], np.arange(a.runs)), f"run coordinate {run[:]}")
    if a.summaries > 0:
        st = check_var(ds, "summary_time", ("summary_time",), "float64", "s", "end of summary window")
        b = check_var(ds, "summary_time_bounds", ("summary_time", "nv"), "float64", None,
                      "start and end of summary window")
        if b is not None:
            check("units" not in b.ncattrs(), "summary_time_bounds has units (CF 7.1: none)")
        w = a.summary_every * SAVE_EVERY
        ends = T0 + (np.arange(a.summaries) + 1) * w
        if st is not None:
            check(st.bounds == "summary_time_bounds", "summary_time:bounds")
            check(np.array_equal(st[:], ends), f"summary_time values {st[:]}")
        if b is not None:
            check(np.array_equal(b[:], np.stack([ends - w, ends], axis=1)), f"bounds values {b[:]}")

    # Saved outputs and summaries.
    for v, (name, units, long_name) in enumerate(OUTPUTS):
        var = check_var(ds, name, ("run", "time"), dtype, units, long_name)
        if var is not None:
            want = 1000.0 * v + written[:, None] + 0.25 * np.arange(a.saves)[None, :]
            check(np.array_equal(var[:][written], want.astype(dtype)), f"{name} values")
            # Compressed variables need chunks; uncompressed ones are contiguous
            # so a crashed job leaves no half-updated chunk index behind.
            want_layout = "chunked" if a.compression else "contiguous"
            got_layout = "contiguous" if var.chunking() == "contiguous" else "chunked"
            check(got_layout == want_layout, f"{name} is {got_layout}, expected {want_layout}")
            filters = var.filters() or {}
            if a.compression:
                check(filters.get("zlib") and filters.get("shuffle")
                      and filters.get("complevel") == a.compression, f"{name} filters {filters}")
            else:
                check(not filters.get("zlib"), f"{name} is compressed")
        for m, metric in enumerate(METRICS):
            sname = f"{name}_{metric}"
            if a.summaries == 0:
                check(sname not in ds.variables, f"{sname} present without summaries")
                continue
            svar = check_var(ds, sname, ("run", "summary_time"), dtype, units,
                             f"{metric} of {long_name} over each summary window")
            if svar is not None:
                if CELL_METHODS[metric]:
                    check(svar.cell_methods == f"summary_time: {CELL_METHODS[metric]}", f"{sname}:cell_methods")
                else:
                    check("cell_methods" not in svar.ncattrs(), f"{sname} has cell_methods")
                j = v * len(METRICS) + m
                want = -(1000.0 * j + written[:, None] + 0.5 * np.arange(a.summaries)[None, :])
                check(np.array_equal(svar[:][written], want.astype(dtype)), f"{sname} values")

    name, units, long_name, width, dim = PEAKS
    if a.summaries == 0:
        check(name not in ds.variables and dim not in ds.dimensions, f"{name} present without summaries")
    else:
        pvar = check_var(ds, name, ("run", "summary_time", dim), dtype, units, long_name)
        check(ds.dimensions[dim].size == width if dim in ds.dimensions else False, f"dimension {dim}")
        if pvar is not None:
            check("cell_methods" not in pvar.ncattrs(), f"{name} has cell_methods")
            for k in range(width):
                j = len(OUTPUTS) * len(METRICS) + k
                want = -(1000.0 * j + written[:, None] + 0.5 * np.arange(a.summaries)[None, :])
                check(np.array_equal(pvar[:][written, :, k], want.astype(dtype)), f"{name}[..., {k}] values")

    # Per-run records.
    status = check_var(ds, "status", ("run",), "uint32", None, "run status flags (0: never computed)")
    if status is not None:
        check(status._FillValue == 0, "status:_FillValue")
        check(list(status.flag_masks) == FLAG_MASKS, f"status:flag_masks {status.flag_masks}")
        check(status.flag_meanings == FLAG_MEANINGS, "status:flag_meanings")
        values = status[:]
        check(np.array_equal(values[written], pattern_status(written)), "status of written runs")
        check(np.all(values[unwritten] == 0), f"status of unwritten runs {values[unwritten]}")
        # The same question through the masked view a user gets by default.
        ds.set_auto_mask(True)
        masked = np.ma.getmaskarray(ds.variables["status"][:])
        check(np.array_equal(np.flatnonzero(masked), unwritten), "masked status != never-computed runs")
        ds.set_auto_mask(False)
    # The swept inputs are coordinates of every variable along `run`.
    coords = " ".join(name for name, _, _ in INPUTS)
    for name, v in ds.variables.items():
        if "run" in v.dimensions and name != "run" and name not in coords.split():
            check(getattr(v, "coordinates", None) == coords,
                  f"{name}: coordinates {getattr(v, 'coordinates', None)!r} != {coords!r}")
    for c, name in enumerate(COUNTERS):
        # uint64: counters past 2^32 (pattern.h writes some) come back whole.
        var = check_var(ds, name, ("run",), "uint64", "1", var_long_name(name))
        if var is not None:
            want = np.uint64(5_000_000_000) * np.uint64(c) + written.astype(np.uint64) + np.uint64(1)
            check(np.array_equal(var[:][written], want), f"{name} values")
    for f, (name, units, long_name) in enumerate(FINALS):
        var = check_var(ds, name, ("run",), "float64", units, long_name)
        if var is not None:
            check(np.array_equal(var[:][written], 100.0 * f + written + 0.75), f"{name} values")
    for i, (name, units, long_name) in enumerate(INPUTS):
        var = check_var(ds, name, ("run",), "float64", units, long_name)
        if var is not None:
            check(np.array_equal(var[:][written], 0.5 * written + 10.0 * i + 1.0), f"{name} values")
    for name, units, long_name, value in FIXED:
        if a.no_fixed:
            check(name not in ds.variables, f"fixed {name} present")
            continue
        var = check_var(ds, name, (), "float64", units, long_name)
        if var is not None:
            check(float(var[...]) == value, f"{name} = {var[...]} != {value}")
    ds.close()

    for f in failures:
        print(f"check_output.py: {a.file}: {f}", file=sys.stderr)
    print(f"check_output.py: {a.file}: {'FAILED' if failures else 'ok'} "
          f"({len(written)} written runs, {len(unwritten)} never written)")
    return 1 if failures else 0


def var_long_name(counter):
    return {"accepted_steps": "accepted steps", "rejected_steps": "rejected steps",
            "rhs_evaluations": "right-hand-side evaluations",
            "newton_iterations": "Newton iterations",
            "linear_iterations": "linear-solver iterations",
            "jacobian_evaluations": "Jacobian evaluations",
            "lu_factorizations": "LU factorisations of the iteration matrix"}[counter]


if __name__ == "__main__":
    sys.exit(main())
