"""Compare the data variables an older cubie file has with a newer file's,
byte for byte: for refactors and additions that must not change any result.

Usage: compare_common.py OLD.nc NEW.nc

Every variable of OLD with a `run` dimension (and `time`) must exist in NEW
with the same shape, type and bytes (NaN == NaN). Two changes are not
differences: variables only NEW has (a later version may record more), and an
unsigned integer variable widened to a larger unsigned type with equal values
(the counters went from uint32 to uint64). Both files must be complete.
"""
import sys

import netCDF4
import numpy as np


def data_vars(ds):
    return sorted(n for n, v in ds.variables.items() if "run" in v.dimensions or n == "time")


def main(old_path, new_path):
    bad = []
    with netCDF4.Dataset(old_path) as old, netCDF4.Dataset(new_path) as new:
        for path, ds in ((old_path, old), (new_path, new)):
            if int(ds.getncattr("complete")) != 1:
                bad.append("%s is not complete" % path)
        names = data_vars(old)
        extra = sorted(set(data_vars(new)) - set(names))
        for n in names:
            if n not in new.variables:
                bad.append("%s lacks variable %s" % (new_path, n))
                continue
            a, b = np.asarray(old[n][:]), np.asarray(new[n][:])
            widened = (a.dtype.kind == "u" and b.dtype.kind == "u" and b.dtype.itemsize > a.dtype.itemsize)
            if widened:
                a = a.astype(b.dtype)
            if a.shape != b.shape or a.dtype != b.dtype or a.tobytes() != b.tobytes():
                bad.append("variable %s differs" % n)
    for b in bad:
        print(b)
    if bad:
        sys.exit(1)
    print("identical: %d variables%s" % (len(names), (", new only: " + " ".join(extra)) if extra else ""))


if __name__ == "__main__":
    main(*sys.argv[1:3])
