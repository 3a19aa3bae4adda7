"""The CF checker reports no error and no warning on cubie's files.

usage: cf_checker.py CUBIE INPUTS_DIR TABLES_DIR WORK_DIR

Runs the shipped decks (a one-axis sweep, a combinatorial grid with units,
a verbatim sweep, a time unit spelt out, calendar time) and checks each
file with `cfchecks` (PyPI cfchecker, which needs UDUNITS: Debian
libudunits2-0). The checker is found as $CUBIE_CFCHECKS or on PATH; when
it is missing the test is skipped (exit 77) and says how to install it.
The CF tables come from TABLES_DIR (see its README: the checker cannot
fetch them offline).
"""
import os
import re
import shutil
import subprocess
import sys


def main(cubie, inputs, tables, work):
    checker = os.environ.get("CUBIE_CFCHECKS") or shutil.which("cfchecks")
    if not checker or not os.access(checker, os.X_OK):
        print("cf_checker: skipped: no cfchecks (python3 -m pip install cfchecker, with Debian's "
              "libudunits2-0; .ci/run installs both, or set CUBIE_CFCHECKS)")
        return 77
    os.makedirs(work, exist_ok=True)
    cases = [
        ("lorenz", []),
        ("oscillator", []),
        ("kepler", []),
        ("decay", ["--set", "model.time_units=seconds"]),
        ("vanderpol", ["--set", "model.time_units=days since 2000-01-01",
                       "--set", "run.decomposition=weighted"]),
    ]
    failed = False
    for deck, extra in cases:
        out = os.path.join(work, deck + ".nc")
        p = subprocess.run([cubie, "run", os.path.join(inputs, deck + ".yaml"), "-o", out,
                            "--force", "-q", *extra], capture_output=True, text=True)
        if p.returncode != 0:
            print(f"FAIL: cubie run {deck}: {p.stderr}")
            failed = True
            continue
        c = subprocess.run([checker, "-s", os.path.join(tables, "standard-name-table.xml"),
                            "-a", os.path.join(tables, "area-type-table.xml"),
                            "-r", os.path.join(tables, "region-names.xml"), out],
                           capture_output=True, text=True, timeout=600)
        text = c.stdout + c.stderr
        errors = re.search(r"ERRORS detected:\s*(\d+)", text)
        warnings = re.search(r"WARNINGS given:\s*(\d+)", text)
        if not errors or not warnings:
            print(f"FAIL: {deck}: cfchecks gave no summary:\n{text[-3000:]}")
            failed = True
            continue
        findings = [line for line in text.splitlines() if line.startswith(("ERROR", "WARN"))]
        print(f"{deck}: {errors.group(1)} error(s), {warnings.group(1)} warning(s)")
        if int(errors.group(1)) or int(warnings.group(1)):
            print("FAIL:", deck, "\n  " + "\n  ".join(findings))
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
