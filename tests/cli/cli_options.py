"""The `cubie` command line behaves like a conventional Unix command.

usage: cli_options.py CUBIE INPUTS_DIR WORK_DIR

- options are parsed with getopt_long: `--opt=value` and `--opt value`
  (and the deck before or after the options) give the same file;
- `cubie COMMAND --help` (and `cubie help COMMAND`) prints that command's
  help, listing exactly the options it takes, and exits 0;
- an option that does not apply to a command is an error (exit 2) naming
  the command, and a bad command line prints one message and a hint, not
  the usage;
- a float32 run with an rtol float32 cannot resolve draws a warning from
  `cubie check` and `cubie run`, and a float64 one does not.
"""
import os
import subprocess
import sys

import netCDF4
import numpy as np

failures = []


def fail(what):
    failures.append(what)
    print("FAIL:", what)


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=300,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def listed_options(help_text):
    """The long options in the option column of a command's help."""
    out = set()
    in_options = False
    for line in help_text.splitlines():
        if line.startswith("options:"):
            in_options = True
            continue
        if in_options and not line.strip():
            break
        if in_options:
            for word in line.split()[:2]:
                if word.startswith("--"):
                    out.add(word)
    return out


def main(cubie, inputs, work):
    os.makedirs(work, exist_ok=True)
    decay = os.path.join(inputs, "decay.yaml")

    # Per-command help: exit 0, on stdout, the command's own options only.
    expected = {
        "run": {"--output", "--set", "--backend", "--threads", "--force", "--resume",
                "--sequential", "--quiet", "--timing", "--help"},
        "check": {"--output", "--set", "--backend", "--sequential", "--show", "--help"},
        "info": {"--help"},
    }
    for command, options in expected.items():
        for argv in ([cubie, command, "--help"], [cubie, command, "-h"], [cubie, "help", command]):
            rc, out, err = run(*argv)
            if rc != 0:
                fail("%s exited %d: %s" % (" ".join(argv[1:]), rc, err.strip()))
                continue
            if not out.startswith("usage: cubie %s" % command):
                fail("%s does not start with its usage: %r" % (" ".join(argv[1:]), out[:80]))
            got = listed_options(out)
            if got != options:
                fail("%s lists %s, expected %s" % (" ".join(argv[1:]), sorted(got), sorted(options)))
    rc, out, err = run(cubie, "--help")
    if rc != 0 or "cubie run DECK" not in out or "tsit5" not in out:
        fail("cubie --help: rc %d, %r" % (rc, out[:200]))

    # --opt=value and --opt value, deck first or last: the same file.
    a, b = os.path.join(work, "a.nc"), os.path.join(work, "b.nc")
    rc1, _, err1 = run(cubie, "run", decay, "--output=" + a, "--set=integrator.rtol=1e-7",
                       "--backend=cpu", "--threads=1", "--force", "-q")
    rc2, _, err2 = run(cubie, "run", "-o", b, "--set", "integrator.rtol=1e-7", "--backend", "cpu",
                       "--threads", "1", "--force", "--quiet", decay)
    if rc1 != 0 or rc2 != 0:
        fail("runs with --opt=value (%d: %s) / --opt value (%d: %s)" % (rc1, err1.strip(), rc2,
                                                                         err2.strip()))
    else:
        with netCDF4.Dataset(a) as da, netCDF4.Dataset(b) as db:
            if da.cubie_overrides != db.cubie_overrides or "integrator.rtol=1e-7" not in da.cubie_overrides:
                fail("--set=K=V and --set K=V recorded differently: %r %r" % (da.cubie_overrides,
                                                                            db.cubie_overrides))
            if not np.array_equal(da["y"][:], db["y"][:]):
                fail("--opt=value and --opt value gave different results")

    # Options that do not apply; a bad command line is one message and a hint.
    cases = [
        ([cubie, "check", decay, "--force"], "does not apply to 'cubie check'"),
        ([cubie, "check", decay, "--resume"], "does not apply to 'cubie check'"),
        ([cubie, "check", decay, "--threads", "2"], "does not apply to 'cubie check'"),
        ([cubie, "run", decay, "--show", "jacobian"], "does not apply to 'cubie run'"),
        ([cubie, "info", "--set", "a.b=1"], "does not apply to 'cubie info'"),
        ([cubie, "info", decay], "takes no deck"),
        ([cubie, "run", decay, "--frobnicate"], "unknown option '--frobnicate'"),
        ([cubie, "run", decay, "--threads"], "needs a value"),
        ([cubie, "run", decay, "--force=yes"], "takes no value"),
        ([cubie, "run", decay, "--set", "novalue"], "KEY=VALUE"),
        ([cubie, "run"], "needs a deck"),
        ([cubie, "rnu", decay], "did you mean 'run'"),
        ([cubie], "no command"),
    ]
    for argv, expect in cases:
        rc, out, err = run(*argv)
        what = " ".join(argv[1:]) or "(nothing)"
        if rc != 2:
            fail("%s exited %d, expected 2" % (what, rc))
        if expect not in err:
            fail("%s: stderr lacks %r: %r" % (what, expect, err))
        if "usage:" in err or "options:" in err or err.count("\n") > 2:
            fail("%s: printed the usage or several lines after an error: %r" % (what, err))
        if "--help" not in err:
            fail("%s: no hint to --help: %r" % (what, err))

    # The float32 tolerance warning, from check and from run.
    f32 = ["--set", "integrator.precision=float32", "--set", "integrator.rtol=1e-8"]
    rc, out, err = run(cubie, "check", decay, *f32)
    if rc != 0 or "warning" not in err or "float32" not in err or "rtol" not in err:
        fail("check of a float32 deck with rtol 1e-8: rc %d, no warning: %r" % (rc, err))
    rc, out, err = run(cubie, "run", decay, *f32, "--set", "integrator.duration=0.1", "-o",
                       os.path.join(work, "f32.nc"), "--force", "-q")
    if rc != 0 or "warning" not in err or "float32" not in err:
        fail("run of a float32 deck with rtol 1e-8: rc %d, no warning: %r" % (rc, err))
    rc, out, err = run(cubie, "check", decay, "--set", "integrator.precision=float32",
                       "--set", "integrator.rtol=1e-6")
    if rc != 0 or "warning" in err:
        fail("check of a float32 deck with rtol 1e-6 warned: %r" % err)
    rc, out, err = run(cubie, "check", decay, "--set", "integrator.rtol=1e-10")
    if rc != 0 or "warning" in err:
        fail("check of a float64 deck with rtol 1e-10 warned: %r" % err)

    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("cli options: all checks passed")


if __name__ == "__main__":
    main(*sys.argv[1:4])
