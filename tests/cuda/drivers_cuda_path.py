"""The CUDA path carries the driver table (no GPU needed).

Usage: drivers_cuda_path.py CUBIE FAKE_LIBCUDA SOURCE_DIR WORK_DIR

The stand-in driver (fake_cuda.c) runs the CPU backend's build of the kernel
of inputs/driven_membrane.yaml on the CUDA path's argument blocks. The
driver table must be copied to the device once, then into the module's
constant-memory symbol (a device-to-device copy of exactly the table's
bytes before the first launch) — or, for a table too big for constant
memory, its address into the global pointer symbol — and the file must be
byte-identical to the CPU backend's.
"""
import glob
import os
import subprocess
import sys

import netCDF4
import numpy as np


def table_bytes(src):
    # The deck's two series of 201 samples, cubic: 2 records of 4 doubles,
    # then samples and second derivatives.
    return 8 * (2 * 4 + 2 * (201 + 201))


def main():
    cubie, fake, src, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    deck = os.path.join(src, "inputs", "driven_membrane.yaml")
    cache = os.path.join(work, "cpu-cache")
    for f in glob.glob(os.path.join(cache, "cpu-*")):
        os.remove(f)
    cpu = os.path.join(work, "cpu.nc")
    p = subprocess.run([cubie, "run", deck, "--backend", "cpu", "-o", cpu, "--force", "-q"],
                       capture_output=True, text=True, env=dict(os.environ, CUBIE_CACHE_DIR=cache))
    so = glob.glob(os.path.join(cache, "cpu-*.so"))
    if p.returncode != 0 or len(so) != 1:
        print("cpu: failed (%d)\n%s" % (p.returncode, p.stderr))
        return 1
    nbytes = table_bytes(src)
    bad = []
    for placement in ("constant", "global"):
        out = os.path.join(work, placement + ".nc")
        log = os.path.join(work, placement + ".log")
        if os.path.exists(log):
            os.remove(log)
        env = dict(os.environ, CUBIE_CUDA_LIBRARY=fake, FAKE_CUDA_CPU_KERNEL=so[0],
                   FAKE_CUDA_LOG=log, FAKE_CUDA_DRIVER_TABLE=placement,
                   FAKE_CUDA_DRIVER_BYTES=str(nbytes))
        p = subprocess.run([cubie, "run", deck, "--backend", "cuda", "-o", out, "--force", "-q",
                            "--set", "run.memory_limit=40KiB", "--set", "run.chunk_axis=run"],
                           capture_output=True, text=True, env=env)
        if p.returncode != 0:
            bad.append("%s: cubie failed (%d) %s" % (placement, p.returncode, p.stderr.strip()))
            continue
        with open(log) as f:
            lines = [l.strip() for l in f if l.strip()]
        table_copies = [l for l in lines if l.startswith("htod") and "bytes=%d" % nbytes in l]
        if len(table_copies) != 1:
            bad.append("%s: expected one copy of the %d-byte driver table, got %s"
                       % (placement, nbytes, table_copies))
        launches = [i for i, l in enumerate(lines) if l.startswith("launch run_chunk")]
        if len(launches) < 2:
            bad.append("%s: expected several run chunks, got %d launches" % (placement, len(launches)))
        if placement == "constant":
            dtod = [i for i, l in enumerate(lines) if l.startswith("dtod")]
            if len(dtod) != 1 or "bytes=%d" % nbytes not in lines[dtod[0]] or \
                    not (launches and dtod[0] < launches[0]) or "compute" not in lines[dtod[0]]:
                bad.append("constant: expected one %d-byte copy into constant memory on the "
                           "compute stream before the first launch, got %s"
                           % (nbytes, [lines[i] for i in dtod]))
        else:
            pointer = [l for l in lines if l.startswith("htod") and "bytes=8 " in l + " "]
            if len(pointer) != 1:
                bad.append("global: expected one copy of the table's address, got %s" % pointer)
        with netCDF4.Dataset(cpu) as a, netCDF4.Dataset(out) as b:
            for n in ("v", "I_in", "status", "I_stim", "v_mean", "v_max"):
                if n not in a.variables or n not in b.variables:
                    bad.append("%s: no variable %s" % (placement, n))
                elif np.asarray(a[n][:]).tobytes() != np.asarray(b[n][:]).tobytes():
                    bad.append("%s: %s differs from the cpu backend" % (placement, n))
    for b in bad:
        print(b)
    print("driver table on the CUDA path: %s" % ("ok" if not bad else "FAILED"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
