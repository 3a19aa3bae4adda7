#!/usr/bin/env python3
"""Every MPI call in src/ and mpi/ has its result checked.

A call passes when it is wrapped in CUBIE_MPI_CALL(...) or
CUBIE_MPI_CALL_KEEP(rc, ...) (mpi/mpi_call.h), or when its result is kept
(`status = MPI_...`) or compared with MPI_SUCCESS on the spot, for code that
reports the failure in its own words. An unchecked call fails the test with
its file and line, unless listed in ALLOWED with the reason.

usage: mpi_calls_checked.py SOURCE_DIR
"""
import pathlib
import re
import sys

# (file, call): why it may go unchecked.
ALLOWED = {
    ("src/output/output.c", "MPI_Comm_free"): "void cleanup of a failed or closed file",
    ("mpi/binding.c", "MPI_Comm_free"): "void cleanup of the node communicator",
}

CALL = re.compile(r"\bMPI_[A-Z][A-Za-z_]*\s*\(")


def blank(match):
    return re.sub(r"[^\n]", " ", match.group(0))


def unchecked(path, text):
    text = re.sub(r"/\*.*?\*/", blank, text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\])*"', blank, text)
    for m in CALL.finditer(text):
        name = m.group(0).rstrip("( ")
        before = text[max(0, m.start() - 80):m.start()]
        if re.search(r"CUBIE_MPI_CALL\(\s*$|CUBIE_MPI_CALL_KEEP\([^,()]*,\s*$", before):
            continue
        if re.search(r"[^!=<>]=\s*$", before):
            continue
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        if re.match(r"\s*[!=]=\s*MPI_SUCCESS", text[i:i + 30]):
            continue
        yield text.count("\n", 0, m.start()) + 1, name


def main():
    root = pathlib.Path(sys.argv[1])
    files = sorted(root.glob("src/**/*.c")) + sorted(root.glob("mpi/*.c"))
    bad, seen = [], 0
    for f in files:
        rel = f.relative_to(root).as_posix()
        for line, name in unchecked(rel, f.read_text()):
            seen += 1
            if (rel, name) not in ALLOWED:
                bad.append(f"{rel}:{line}: {name}(...) is not checked: wrap it in CUBIE_MPI_CALL")
    if not files:
        print("no sources found under", root)
        return 1
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
