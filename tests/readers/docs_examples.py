"""Every Python example in docs/output.md runs as written.

usage: docs_examples.py CUBIE SOURCE_DIR WORK_DIR

Writes the files the examples open (lorenz.nc, oscillator.nc and
integrate_and_fire.nc, from the
shipped decks) into WORK_DIR, then runs each ```python block of
docs/output.md there on its own, in a fresh namespace (this Python:
Debian's, with xarray and netCDF4). A block that raises fails the test
with its line number in the page.
"""
import os
import re
import subprocess
import sys
import traceback


def blocks(markdown):
    """(first line number, code) of every ```python block."""
    out, lines = [], markdown.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```python":
            start, code = i + 2, []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                code.append(lines[i])
                i += 1
            out.append((start, "\n".join(code) + "\n"))
        i += 1
    return out


def main(cubie, source, work):
    os.makedirs(work, exist_ok=True)
    for deck in ("lorenz", "oscillator", "integrate_and_fire"):
        p = subprocess.run([cubie, "run", os.path.join(source, "inputs", deck + ".yaml"), "-o",
                            os.path.join(work, deck + ".nc"), "--force", "-q"],
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            sys.exit("cubie run %s failed: %s" % (deck, p.stderr))
    page = os.path.join(source, "docs", "output.md")
    with open(page) as f:
        found = blocks(f.read())
    if len(found) < 4:
        sys.exit("docs/output.md has only %d python examples" % len(found))
    failed = 0
    os.chdir(work)
    for line, code in found:
        # Each block on its own: a fresh namespace, nothing from the blocks
        # before it (one interpreter, so xarray is imported once).
        try:
            exec(compile(code, "docs/output.md:%d" % line, "exec"), {"__name__": "__main__"})
            print("ok: docs/output.md:%d (%d lines)" % (line, code.count("\n")))
        except Exception:
            failed += 1
            print("FAIL: docs/output.md:%d:\n%s\n%s" % (line, code, traceback.format_exc()[-2000:]))
    if failed:
        sys.exit("%d of %d examples failed" % (failed, len(found)))
    print("all %d examples of docs/output.md ran" % len(found))


if __name__ == "__main__":
    main(*sys.argv[1:4])
