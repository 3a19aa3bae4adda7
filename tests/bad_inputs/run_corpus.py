"""Run every deck of the bad-input corpus through the real `cubie` command.

Usage: run_corpus.py CUBIE CORPUS_DIR WORK_DIR

Each deck starts with `# expect: TEXT` and `# at: LINE:COL`. For `cubie check
DECK` and `cubie run DECK -o FILE` it checks: exit status 2 (never a crash or
a hang), stderr names DECK:LINE:COL and contains TEXT, and no output file
exists that is marked complete. Optional headers: `# check-args: ARGS` adds
ARGS to the check command (e.g. `--show jacobian`), and `# commands: check`
leaves out the run (for an error only that check option meets). A few cases without a deck (a missing file,
a directory, bad command lines) are checked the same way.
"""
import glob
import os
import re
import subprocess
import sys

import netCDF4

FAILURES = []


def fail(deck, what):
    FAILURES.append(deck)
    print("FAIL %s: %s" % (deck, what), file=sys.stderr)


def header(path):
    expect = at = None
    check_args, commands = [], ["check", "run"]
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("#"):
                break
            m = re.match(r"#\s*expect:\s*(.*\S)", line)
            if m:
                expect = m.group(1)
            m = re.match(r"#\s*at:\s*(\d+):(\d+)", line)
            if m:
                at = (int(m.group(1)), int(m.group(2)))
            m = re.match(r"#\s*check-args:\s*(.*\S)", line)
            if m:
                check_args = m.group(1).split()
            m = re.match(r"#\s*commands:\s*(.*\S)", line)
            if m:
                commands = m.group(1).split()
    return expect, at, check_args, commands


def run(cmd, timeout=60):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", "timed out"
    return p.returncode, p.stdout, p.stderr


def output_complete(path):
    if not os.path.exists(path):
        return False
    try:
        with netCDF4.Dataset(path) as ds:
            return int(ds.getncattr("complete")) == 1
    except Exception:  # unreadable: certainly not a complete result
        return False


def check_case(cubie, name, cmd, expect, prefix, out_file=None):
    rc, out, err = run(cmd)
    if rc is None:
        fail(name, "hung: %s" % " ".join(cmd))
        return
    if rc != 2:
        fail(name, "%s exited %d, expected 2; stderr: %s" % (cmd[1], rc, err.strip()[:300]))
    if prefix and prefix not in err:
        fail(name, "%s: stderr does not name %r: %s" % (cmd[1], prefix, err.strip()[:300]))
    if expect and expect not in err:
        fail(name, "%s: stderr lacks %r: %s" % (cmd[1], expect, err.strip()[:300]))
    if err.count("\n") > 4 and "usage:" not in err:
        fail(name, "%s: more than one message: %s" % (cmd[1], err[:500]))
    if out_file and output_complete(out_file):
        fail(name, "an output file marked complete was left behind")


def main(cubie, corpus, work):
    os.makedirs(work, exist_ok=True)
    decks = sorted(glob.glob(os.path.join(corpus, "*.yaml")))
    if len(decks) < 25:
        fail("corpus", "only %d decks (at least 25 expected)" % len(decks))
    for deck in decks:
        name = os.path.basename(deck)
        expect, at, check_args, commands = header(deck)
        if not expect or not at:
            fail(name, "missing '# expect:' or '# at:' header")
            continue
        prefix = "%s:%d:%d: " % (deck, at[0], at[1])
        out_file = os.path.join(work, name + ".nc")
        if os.path.exists(out_file):
            os.remove(out_file)
        if "check" in commands:
            check_case(cubie, name, [cubie, "check", deck] + check_args, expect, prefix)
        if "run" in commands:
            check_case(cubie, name, [cubie, "run", deck, "-o", out_file], expect, prefix, out_file)
    # Cases the corpus cannot hold as files.
    missing = os.path.join(work, "no-such-deck.yaml")
    check_case(cubie, "missing file", [cubie, "run", missing], "cannot read", missing)
    check_case(cubie, "directory", [cubie, "check", work], "", work)
    check_case(cubie, "no deck", [cubie, "run"], "needs a deck file", "")
    check_case(cubie, "bad option", [cubie, "run", decks[0] if decks else "x", "--frobnicate"],
               "unknown option '--frobnicate'", "")
    check_case(cubie, "bad backend", [cubie, "check", decks[0] if decks else "x", "--backend", "fpga"],
               "unknown backend 'fpga'", "")
    check_case(cubie, "bad command", [cubie, "frobnicate"], "unknown command 'frobnicate'", "")
    check_case(cubie, "bad --show", [cubie, "check", decks[0] if decks else "x", "--show", "lu"],
               "--show: cannot show 'lu' (cubie check can show: jacobian)", "")
    check_case(cubie, "--show with run", [cubie, "run", decks[0] if decks else "x", "--show",
                                          "jacobian"], "option --show does not apply to 'cubie run'",
               "")
    if FAILURES:
        print("%d failure(s) in %d decks" % (len(FAILURES), len(decks)), file=sys.stderr)
        sys.exit(1)
    print("ok: %d decks, each rejected with exit 2 and its message" % len(decks))


if __name__ == "__main__":
    main(*sys.argv[1:4])
