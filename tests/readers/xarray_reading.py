"""cubie's files read with xarray as they are (docs/output.md).

usage: xarray_reading.py CUBIE INPUTS_DIR WORK_DIR

Each check would fail on a file that needs help to be read:
- the swept inputs are coordinates of `run` (listed in `coordinates`):
  `ds.x.where(ds.rho > 20)` and selection by parameter work with no
  set_coords, and a combinatorial grid unstacks in one line;
- the per-rank index is `mpi_rank`, so `ds.rank` stays Dataset.rank();
- `rank_host` reads as text (str); `rank_weight` is absent unless the
  decomposition is weighted, and then holds finite numbers;
- a resumed file's `history` has one line per job that wrote it;
- `<state>_initial` of a state no axis sweeps has the deck's units and
  long_name;
- time units spelt out (`seconds`) keep `time` numeric: `sel(time=...)`;
- counters are uint64 and never read as missing.
"""
import os
import subprocess
import sys

import numpy as np
import xarray as xr

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def cubie_run(cubie, deck, out, *extra):
    p = subprocess.run([cubie, "run", deck, "-o", out, "-q", *extra], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        sys.exit("cubie run %s failed (%d)" % (" ".join(extra), p.returncode))


def main(cubie, inputs, work):
    os.makedirs(work, exist_ok=True)
    deck = lambda name: os.path.join(inputs, name + ".yaml")  # noqa: E731
    lorenz, osc, decay = (os.path.join(work, n + ".nc") for n in ("lorenz", "oscillator", "decay"))
    cubie_run(cubie, deck("lorenz"), lorenz, "--force")
    cubie_run(cubie, deck("oscillator"), osc, "--force")
    cubie_run(cubie, deck("decay"), decay, "--force", "--set", "model.time_units=seconds")

    with xr.open_dataset(lorenz) as ds:
        check("rho" in ds.coords and "rho" in ds.x.coords, "rho is not a coordinate of x")
        big = ds.x.isel(time=-1).where(ds.rho > 20)
        check(int(big.notnull().sum()) == int((ds.rho > 20).sum()), "x.where(rho > 20)")
        one = ds.swap_dims(run="rho").x.sel(rho=28.0, method="nearest")
        check(one.dims == ("time",) and abs(float(one.rho) - 28.0) < 0.2, "sel(rho=28.0) by swap_dims")
        check(callable(ds.rank) and "mpi_rank" in ds and "rank" not in ds.variables,
              "the per-rank index shadows Dataset.rank or is missing")
        host = ds.rank_host.values[0]
        check(isinstance(host, str) and len(host) > 0, f"rank_host reads as {type(host)} {host!r}")
        check("rank_weight" not in ds, "rank_weight in a static run")
        for name in ("accepted_steps", "rhs_evaluations", "rejected_steps"):
            check(ds[name].dtype == np.uint64, f"{name} is {ds[name].dtype}, not uint64")
            check(not ds[name].isnull().any(), f"{name} reads as missing")
        check(ds.time.dtype == np.float64 and "axis" not in ds.time.attrs, "time attributes")
        check(ds.attrs["Conventions"] == "CF-1.8", "Conventions")

    with xr.open_dataset(osc) as ds:
        # One line, one dimension per axis of the combinatorial grid.
        grid = ds.set_index(run=["omega", "x_initial"]).unstack("run")
        shape = tuple(int(n) for n in np.atleast_1d(ds.attrs["grid_shape"]))
        check(grid.x.sizes["omega"] == shape[0] and grid.x.sizes["x_initial"] == shape[1],
              f"unstacked grid {dict(grid.x.sizes)} != {shape}")
        check(float(grid.x.sel(omega=grid.omega[0], x_initial=2.0).isel(time=0)) == 2.0,
              "the unstacked grid's x at t0 is not its x_initial")
        v0 = ds["v_initial"]
        check(v0.attrs.get("units") == "m/s", f"v_initial units {v0.attrs.get('units')!r}")
        check(v0.attrs.get("long_name") == "initial value of velocity",
              f"v_initial long_name {v0.attrs.get('long_name')!r}")
        x0 = ds["x_initial"]
        check(x0.attrs.get("units") == "m" and x0.attrs.get("long_name") == "initial value of displacement",
              f"x_initial attributes {x0.attrs}")

    with xr.open_dataset(decay) as ds:
        check(ds.time.dtype == np.float64 and ds.time.attrs.get("units") == "s",
              f"time with time_units seconds: {ds.time.dtype} {ds.time.attrs}")
        at = ds.y.sel(time=0.5)
        check(at.dims == ("run",), "sel(time=0.5)")

    # Weighted decomposition: rank_weight is there, and finite.
    weighted = os.path.join(work, "weighted.nc")
    cubie_run(cubie, deck("decay"), weighted, "--force", "--set", "run.decomposition=weighted")
    with xr.open_dataset(weighted) as ds:
        check("rank_weight" in ds and bool(np.isfinite(ds.rank_weight).all()),
              "rank_weight of a weighted run")

    # history: one line per job that wrote the file.
    resumed = os.path.join(work, "resumed.nc")
    cubie_run(cubie, deck("decay"), resumed, "--force", "--bench-phase", "compute")
    cubie_run(cubie, deck("decay"), resumed, "--resume")
    with xr.open_dataset(resumed) as ds:
        lines = ds.attrs["history"].splitlines()
        check(len(lines) == 2 and "--resume" in lines[1] and "--resume" not in lines[0],
              f"history after a resume: {lines}")
        check(int(ds.attrs["complete"]) == 1, "resumed file complete")

    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("xarray reading: all checks passed")


if __name__ == "__main__":
    main(*sys.argv[1:4])
