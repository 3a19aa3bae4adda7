"""Compare the data variables of two or more cubie output files byte for byte.

Usage: compare_data.py A.nc B.nc [C.nc ...]

Every variable with a `run` dimension (saved outputs, summaries, inputs,
status, counters) and the coordinates must be identical to the first file's,
bit for bit (NaN == NaN). Provenance attributes (host, ranks, dates) may
differ; `complete` must be 1 in all.
"""
import sys

import netCDF4
import numpy as np


def data_vars(ds):
    return sorted(n for n, v in ds.variables.items() if "run" in v.dimensions or n in ("time",))


def main(paths):
    with netCDF4.Dataset(paths[0]) as ref:
        names = data_vars(ref)
        ref_data = {n: np.asarray(ref[n][:]) for n in names}
        if int(ref.getncattr("complete")) != 1:
            sys.exit("%s is not complete" % paths[0])
    bad = 0
    for path in paths[1:]:
        with netCDF4.Dataset(path) as ds:
            if int(ds.getncattr("complete")) != 1:
                print("%s is not complete" % path)
                bad += 1
            if data_vars(ds) != names:
                print("%s has variables %s, expected %s" % (path, data_vars(ds), names))
                bad += 1
                continue
            for n in names:
                a, b = ref_data[n], np.asarray(ds[n][:])
                if a.shape != b.shape or a.dtype != b.dtype or a.tobytes() != b.tobytes():
                    print("%s: variable %s differs from %s" % (path, n, paths[0]))
                    bad += 1
    if bad:
        sys.exit(1)
    print("identical: %d files, %d variables" % (len(paths), len(names)))


if __name__ == "__main__":
    main(sys.argv[1:])
