"""A grid the kernel cannot decode (17 axes > CUBIE_GRID_MAX_AXES): the host
decodes every chunk's inputs and the swept values it records, as before
issue 10. Every run's swept values must be the grid's, and x(1) = exp(-S)
(S the run's parameter sum) shows each run integrated its own parameters —
whole and in run chunks, which must be byte-identical.

Usage: host_decoded_grid.py CUBIE SOURCE_DIR WORK_DIR
"""
import itertools
import os
import subprocess
import sys

import netCDF4
import numpy as np


def main():
    cubie, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    deck = os.path.join(src, "tests", "integration", "host_decoded_grid.yaml")
    axes = [[0.1, 0.5], list(np.linspace(0.0, 1.0, 3)), [0.01, 1.0]]
    axes += [[0.01 * i] for i in range(4, 18)]
    want = np.array(list(itertools.product(*axes)))  # last axis fastest
    bad = []
    files = []
    for name, extra in (("whole", []),
                        ("run_chunks", ["--set", "run.memory_limit=600B",
                                        "--set", "run.chunk_axis=run"])):
        out = os.path.join(work, name + ".nc")
        p = subprocess.run([cubie, "run", deck, "-o", out, "--force", "--backend", "cpu", "-q"]
                           + extra, capture_output=True, text=True)
        if p.returncode != 0:
            print("%s: cubie failed (%d)\n%s" % (name, p.returncode, p.stderr))
            return 1
        files.append(out)
        with netCDF4.Dataset(out) as d:
            for a in range(17):
                got = np.asarray(d["p%d" % (a + 1)][:])
                if not np.array_equal(got, want[:, a]):
                    bad.append("%s: p%d differs" % (name, a + 1))
            x = np.asarray(d["x"][:])[:, -1]
            exact = np.exp(-want.sum(axis=1))
            err = np.max(np.abs(x - exact) / exact)
            if not err < 1e-9:
                bad.append("%s: x(1) off by %.3g (relative)" % (name, err))
            if not np.all(np.asarray(d["status"][:]) == 1):
                bad.append("%s: a run failed" % name)
    with netCDF4.Dataset(files[0]) as a, netCDF4.Dataset(files[1]) as b:
        if np.asarray(a["x"][:]).tobytes() != np.asarray(b["x"][:]).tobytes():
            bad.append("run chunks differ from the whole run")
    for b in bad:
        print(b)
    print("host-decoded grid (%d runs): %s" % (len(want), "ok" if not bad else "FAILED"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
