"""Count the runs an output file has records for (status != 0).

Usage: count_done.py FILE [--at-least N] [--complete 0|1]
Prints the count. --at-least: exit 1 unless the count is >= N (and the file
readable). --complete: exit 1 unless the file's complete flag is that value.
"""
import sys

import netCDF4
import numpy as np

path = sys.argv[1]
args = sys.argv[2:]
with netCDF4.Dataset(path) as ds:
    done = int((np.asarray(ds["status"][:]) != 0).sum())
    complete = int(ds.getncattr("complete"))
print(done)
if "--at-least" in args and done < int(args[args.index("--at-least") + 1]):
    sys.exit(1)
if "--complete" in args and complete != int(args[args.index("--complete") + 1]):
    print("complete is %d" % complete, file=sys.stderr)
    sys.exit(1)
