#!/usr/bin/env python3
"""Check kernels/sdirk_tableaus.h against the Runge-Kutta order conditions
and against the methods' rows in kernels/methods.def.

Every table is parsed into exact fractions (a decimal literal is its exact
decimal value, p.0 / q.0 the exact rational). Then, per method:
  * A is lower triangular with γ (CUBIE_DIRK_GAMMA) on the diagonal, except
    a_11 = 0 for ESDIRK methods (CUBIE_DIRK_EXPLICIT_FIRST 1), and
    c_i = Σ_j a_ij;
  * b satisfies every order condition Σ b_i Φ_i(t) = 1/γ(t) (all rooted
    trees, HNW I, II.2) up to the row's order and not all of the next
    order; b̂ = b − e its embedded order (EMBEDDED_ORDER below) and not the
    next, and the row's error order is min(order, embedded order);
  * stiffly accurate: b is the last row of A (sdirk.h takes y_new = Y_s);
  * R(∞) = 1 − b A^-1 1 is 0 exactly for L-stable methods (ESDIRK: with the
    explicit stage eliminated), and |R(iy)| <= 1 on the imaginary axis;
  * the row's stages, jacobian column (1), dense columns (0) fit, and every
    SDIRK method of methods.def has tables (and no others do).

usage: check_sdirk.py kernels/sdirk_tableaus.h kernels/methods.def
"""
import re
import sys
from fractions import Fraction

EMBEDDED_ORDER = {"BACKWARD_EULER": 2, "CRANK_NICOLSON": 1, "TRBDF2": 3, "KVAERNO3": 2,
                  "SDIRK4": 3, "KVAERNO5": 4}
# Largest |residual| accepted: closed forms carry 36 digits; Kværnø's 5(4)
# its published 17-digit decimals (residuals ~1e-16).
TOLERANCE = {"KVAERNO5": Fraction(1, 10**14)}
DEFAULT_TOLERANCE = Fraction(1, 10**32)


def number(tok):
    tok = tok.strip()
    m = re.fullmatch(r"(-?)\s*([0-9.]+(?:e[-+]?[0-9]+)?)\s*/\s*([0-9.]+)", tok)
    if m:
        return (-1 if m.group(1) else 1) * Fraction(m.group(2)) / Fraction(m.group(3))
    return Fraction(tok)


def parse_array(body, name):
    m = re.search(r"cubie_dirk_%s\[[^=]*=\s*\{(.*?)\};" % name, body, re.S)
    if not m:
        return None
    text = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    if "{" in text:
        return [[number(x) for x in row.split(",") if x.strip()]
                for row in re.findall(r"\{([^{}]*)\}", text)]
    return [number(x) for x in text.split(",") if x.strip()]


def parse_methods_def(path):
    """Each row's leading columns, whatever columns follow (dense_stages, ...)."""
    rows = {}
    for m in re.finditer(r'^ *M\((\w+), "[^"]*", "[^"]*", "[^"]*", (\w+), (\d+), (\d+), (\d+), '
                         r"(\d+), (\d+), (\d+), (\d+)(?:, \d+)*\)", open(path).read(), re.M):
        rows[m.group(1)] = dict(family=m.group(2), stages=int(m.group(3)), order=int(m.group(4)),
                                error_order=int(m.group(5)), fsal=int(m.group(6)),
                                dense_order=int(m.group(7)), dense_degree=int(m.group(8)),
                                jacobian=int(m.group(9)))
    return rows


def trees(order):
    """Rooted trees with `order` vertices as sorted tuples of subtrees."""
    if order == 1:
        return [()]
    out = set()

    def forests(n, max_tree):
        # multisets of trees with n vertices in total, non-increasing order
        if n == 0:
            yield ()
            return
        for k in range(n, 0, -1):
            for t in trees(k):
                if max_tree is not None and (k, t) > max_tree:
                    continue
                for rest in forests(n - k, (k, t)):
                    yield ((k, t),) + rest
    for f in forests(order - 1, None):
        out.add(tuple(sorted(t for _, t in f)))
    return sorted(out)


def size(t):
    return 1 + sum(size(s) for s in t)


def density(t):
    g = size(t)
    for s in t:
        g *= density(s)
    return g


def phi(t, A, c):
    """Φ_i(t): the vector of elementary weights without b."""
    s = len(c)
    v = [Fraction(1)] * s
    for sub in t:
        w = phi(sub, A, c)
        aw = [sum(A[i][j] * w[j] for j in range(s)) for i in range(s)]
        v = [v[i] * aw[i] for i in range(s)]
    return v


def max_residual(b, A, c, order):
    worst = Fraction(0)
    for t in trees(order):
        r = abs(sum(bi * p for bi, p in zip(b, phi(t, A, c))) - Fraction(1, density(t)))
        worst = max(worst, r)
    return worst


def order_of(b, A, c, tol, limit=7):
    p = 0
    while p < limit and max_residual(b, A, c, p + 1) <= tol:
        p += 1
    return p


def solve(M, rhs):
    n = len(rhs)
    M = [row[:] + [rhs[i]] for i, row in enumerate(M)]
    for k in range(n):
        p = max(range(k, n), key=lambda i: abs(M[i][k]))
        M[k], M[p] = M[p], M[k]
        for i in range(k + 1, n):
            f = M[i][k] / M[k][k]
            for j in range(k, n + 1):
                M[i][j] -= f * M[k][j]
    x = [0] * n
    for i in range(n - 1, -1, -1):
        x[i] = (M[i][n] - sum(M[i][j] * x[j] for j in range(i + 1, n))) / M[i][i]
    return x


def stability(b, A, z):
    """R(z) = 1 + z b (I − zA)^-1 1 (complex z, floats)."""
    s = len(b)
    M = [[(1 if i == j else 0) - z * float(A[i][j]) for j in range(s)] for i in range(s)]
    x = solve(M, [1.0 + 0j] * s)
    return 1 + z * sum(float(b[i]) * x[i] for i in range(s))


def r_infinity(b, A, explicit_first):
    """R(∞). SDIRK: 1 − b A^-1 1. ESDIRK (stiffly accurate): as z → ∞ the
    implicit stages satisfy 0 = a_i1 y + Σ_{j>1} a_ij Y_j, so with A' the
    implicit block and a'_1 its first column, R(∞) = (−A'^-1 a'_1)_last."""
    s = len(b)
    if explicit_first:
        Ai = [[A[i][j] for j in range(1, s)] for i in range(1, s)]
        x = solve(Ai, [-A[i][0] for i in range(1, s)])
        return x[-1]
    x = solve([row[:] for row in A], [Fraction(1)] * s)
    return 1 - sum(bi * xi for bi, xi in zip(b, x))


def main():
    header, methods_def = sys.argv[1:3]
    text = open(header).read()
    rows = parse_methods_def(methods_def)
    blocks = re.split(r"#(?:el)?if defined\(CUBIE_ALGORITHM_(\w+)\)", text)
    tables = {blocks[i]: blocks[i + 1] for i in range(1, len(blocks) - 1, 2)}
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL " + what)

    sdirk = {k for k, r in rows.items() if r["family"] == "SDIRK"}
    check(sdirk == set(tables), "methods.def SDIRK rows %s vs tables %s" % (sorted(sdirk), sorted(tables)))
    for mid, body in tables.items():
        if mid not in rows:
            continue
        row = rows[mid]
        gamma = number(re.search(r"#define CUBIE_DIRK_GAMMA (\S+)", body).group(1))
        explicit = int(re.search(r"#define CUBIE_DIRK_EXPLICIT_FIRST (\d)", body).group(1))
        lstable = int(re.search(r"#define CUBIE_DIRK_L_STABLE (\d)", body).group(1))
        A, b, c, e = (parse_array(body, n) for n in ("a", "b", "c", "e"))
        s = len(b)
        tol = TOLERANCE.get(mid, DEFAULT_TOLERANCE)
        check(s == row["stages"] and len(A) == s and len(c) == s and len(e) == s
              and all(len(r) == s for r in A), mid + ": stages")
        for i in range(s):
            for j in range(i + 1, s):
                check(A[i][j] == 0, "%s: a_%d%d above the diagonal" % (mid, i + 1, j + 1))
            want = 0 if (i == 0 and explicit) else gamma
            check(A[i][i] == want, "%s: a_%d%d is not %s" % (mid, i + 1, i + 1, want))
            check(abs(c[i] - sum(A[i])) <= tol, "%s: c_%d != row sum" % (mid, i + 1))
        check(b == A[-1], mid + ": not stiffly accurate (b != last row of A)")
        bh = [bi - ei for bi, ei in zip(b, e)]
        p = order_of(b, A, c, tol)
        ph = order_of(bh, A, c, tol)
        print("%s: order %d (row %d), embedded %d (paper %d), error order %d"
              % (mid, p, row["order"], ph, EMBEDDED_ORDER[mid], row["error_order"]))
        check(p == row["order"], mid + ": order")
        check(ph == EMBEDDED_ORDER[mid], mid + ": embedded order")
        check(row["error_order"] == min(p, ph), mid + ": error order is not min(p, p̂)")
        check(row["jacobian"] == 1 and row["dense_order"] == 0 and row["dense_degree"] == 0
              and row["fsal"] == 0, mid + ": jacobian/dense/fsal columns")
        rinf = r_infinity(b, A, explicit)
        print("   R(inf) = %.3g" % float(rinf))
        check((abs(rinf) <= tol) == bool(lstable), mid + ": L-stability is not CUBIE_DIRK_L_STABLE")
        worst = max(abs(stability(b, A, 1j * y)) for y in
                    [10.0 ** (k / 8.0) for k in range(-40, 60)])
        check(worst <= 1 + 1e-9, "%s: |R(iy)| reaches %.6f" % (mid, worst))
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
