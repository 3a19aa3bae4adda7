"""The README's "run the example" command is true as written.

usage: readme_example.py README CUBIE SOURCE_DIR WORK_DIR

Reads the command after the `example-command` marker and checks that it
installs what its own steps need (python3-xarray, python3-netcdf4 and
python3-matplotlib for the plot), builds only the `cubie` target (no
tests), and then runs its steps after the build as written, in WORK_DIR,
with this build's cubie standing in for ./build/cubie: the run and the
two-line plot must write lorenz.nc and a PNG.
"""
import os
import re
import subprocess
import sys


def main(readme, cubie, source, work):
    with open(readme) as f:
        text = f.read()
    m = re.search(r"<!-- example-command -->\s*```sh\n(.*?)\n```", text, re.S)
    if not m:
        sys.exit("README.md: no example command")
    cmd = m.group(1)
    bad = []
    for package in ("python3-xarray", "python3-netcdf4", "python3-matplotlib"):
        if not re.search(r"apt-get install[^&]*\b%s\b" % re.escape(package), cmd):
            bad.append("the example does not install " + package)
    build = re.search(r"cmake --build build[^&]*", cmd)
    if not build or "--target cubie" not in build.group(0):
        bad.append("the example builds more than the cubie target: %r" % (build and build.group(0)))
    if "BUILD_TESTING=ON" in cmd:
        bad.append("the example builds the tests")
    # The steps after the build, as written.
    tail = cmd.split("./build/cubie", 1)
    if len(tail) != 2:
        bad.append("the example does not run ./build/cubie")
    else:
        os.makedirs(work, exist_ok=True)
        for name in ("lorenz.nc", "lorenz.png"):
            if os.path.exists(os.path.join(work, name)):
                os.remove(os.path.join(work, name))
        os.makedirs(os.path.join(work, "inputs"), exist_ok=True)
        deck = os.path.abspath(os.path.join(source, "inputs", "lorenz.yaml"))
        link = os.path.join(work, "inputs", "lorenz.yaml")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(deck, link)
        steps = '"$CUBIE"' + tail[1]
        env = dict(os.environ, CUBIE=os.path.abspath(cubie), MPLBACKEND="Agg",
                   PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
        p = subprocess.run(["bash", "-c", "set -euo pipefail; " + steps], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            bad.append("the example's steps failed (%d): %s\n%s" % (p.returncode, steps, p.stderr))
        png = os.path.join(work, "lorenz.png")
        if not os.path.exists(png) or os.path.getsize(png) < 1000:
            bad.append("the example wrote no plot")
        else:
            with open(png, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    bad.append("lorenz.png is not a PNG")
    for b in bad:
        print("FAIL:", b)
    if bad:
        sys.exit(1)
    print("README example: installs what it uses, builds only cubie, runs and plots")


if __name__ == "__main__":
    main(*sys.argv[1:5])
