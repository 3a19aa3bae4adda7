"""Every buffer location choice gives byte-identical output (CPU backend).

Usage: buffer_locations.py CUBIE PYTHON SOURCE_DIR WORK_DIR

Runs the real `cubie` on the Lorenz deck (64 runs) with the buffers all
local, all shared, all persistent_local, two mixtures and the default
heuristic, in float64 and float32, and once more time-chunked (many
windows) with every buffer persistent_local; every file of one precision
must be identical to the others (tests/integration/compare_data.py). The
buffer names come from `cubie check`, so a buffer the kernels add is
covered without editing this test.
"""
import os
import re
import shutil
import subprocess
import sys

LOCATIONS = ("local", "shared", "persistent_local")


def buffer_names(cubie, deck, common):
    out = subprocess.run([cubie, "check", deck] + common, check=True, capture_output=True,
                         text=True).stdout
    names, inside = [], False
    for line in out.splitlines():
        if line.startswith("buffers:"):
            inside = True
            continue
        if inside:
            m = re.match(r"^\s+([a-z0-9_]+\.[a-z0-9_]+)\s+\d+ elements", line)
            if not m:
                break
            names.append(m.group(1))
    if not names:
        sys.exit("no buffers listed by `cubie check`:\n" + out)
    return names


def layout_of(cubie, deck, common, sets):
    """The per-run shared / persistent bytes `cubie check` reports."""
    out = subprocess.run([cubie, "check", deck] + common + sets, check=True, capture_output=True,
                         text=True).stdout
    m = re.search(r"per run: shared (\d+) B, local (\d+) B, persistent_local (\d+) B", out)
    return tuple(int(g) for g in m.groups())


def main(cubie, python, src, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    deck = os.path.join(src, "inputs", "lorenz.yaml")
    compare = os.path.join(src, "tests", "integration", "compare_data.py")
    base = ["--set", "batch.sweep.rho.linspace=[0,50,64]", "--backend", "cpu"]
    names = buffer_names(cubie, deck, base)
    print("buffers:", " ".join(names))

    def sets_for(choice):
        out = []
        for i, name in enumerate(names):
            out += ["--set", "buffers.%s=%s" % (name, choice(i))]
        return out

    configurations = {
        "default": [],
        "all_local": sets_for(lambda i: "local"),
        "all_shared": sets_for(lambda i: "shared"),
        "all_persistent": sets_for(lambda i: "persistent_local"),
        "mixed_a": sets_for(lambda i: LOCATIONS[i % 3]),
        "mixed_b": sets_for(lambda i: LOCATIONS[(i + 1) % 3]),
    }
    bad = 0
    for precision in ("float64", "float32"):
        common = base + ["--set", "integrator.precision=" + precision]
        files = []
        for label, sets in configurations.items():
            shared, local, persistent = layout_of(cubie, deck, common, sets)
            # The layout really is what was asked for.
            if label == "all_shared" and not (shared > 0 and local == 0 and persistent == 0):
                print("%s: layout is not all shared: %s" % (label, (shared, local, persistent)))
                bad += 1
            if label == "all_persistent" and not (persistent > 0 and shared == 0 and local == 0):
                print("%s: layout is not all persistent: %s" % (label, (shared, local, persistent)))
                bad += 1
            path = os.path.join(work, "%s-%s.nc" % (label, precision))
            subprocess.run([cubie, "run", deck, "-q", "-o", path] + common + sets, check=True)
            files.append(path)
        # Time windows persist the run between kernel launches; the
        # persistent_local buffers must come back the same.
        path = os.path.join(work, "windows-persistent-%s.nc" % precision)
        subprocess.run([cubie, "run", deck, "-q", "-o", path, "--set", "run.chunk_axis=time",
                        "--set", "run.memory_limit=512KiB"] + common +
                       configurations["all_persistent"], check=True)
        files.append(path)
        print("%s: %d layouts" % (precision, len(files)))
        if subprocess.run([python, compare] + files).returncode != 0:
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
