#!/usr/bin/env python3
"""Check kernels/erk_tableaus.h against the Butcher order conditions and
against the methods' rows in kernels/methods.def.

For every method it parses the C tables into exact fractions (a decimal
literal is its exact decimal value, p.0 / q.0 the exact rational) and checks:
  * row sums: sum_j a_ij = c_i;
  * b satisfies every order condition (rooted tree) up to the row's order,
    and not the next one;
  * the embedded solution b - e reaches the order expected below, and
    DOP853's b - e3 order 3;
  * FSAL methods: last row of A = b, c = 1, b_last = 0;
  * dense output: b_j(1) = b_j and the continuous order conditions
    sum_j b_j(θ) Φ_j(t) = θ^ρ(t) / γ(t) up to the row's dense order;
  * the row's stages, FSAL flag and dense degree are the tables' shape, and
    every ERK method of methods.def has tables (and no others do).
Exact rationals must satisfy the conditions exactly; decimal tables within
the precision their sources publish (see TOLERANCE).

usage: check_tableaus.py kernels/erk_tableaus.h kernels/methods.def
"""
import re
import sys
from fractions import Fraction

# Orders of the embedded solutions b̂ = b - e (independent knowledge, from
# each method's paper): a mistyped weight drops the order and fails here.
EMBEDDED_ORDER = {
    "BS3": 2, "DOPRI5": 4, "TSIT5": 4, "CASH_KARP": 4, "RKF45": 5, "DOP853": 5, "VERN7": 6,
}

# Largest |residual| accepted per method. Methods given as exact rationals
# must satisfy the conditions exactly. Tsitouras' and Hairer's decimals
# carry >= 29 digits (residuals ~1e-28 at worst); Verner's rationals written
# to 41 digits leave ~1e-39. The Tsit5 interpolant polynomials are
# published with as few as 17 significant digits, hence 1e-15 there.
TOLERANCE = {"TSIT5": Fraction(1, 10**24), "DOP853": Fraction(1, 10**25),
             "VERN7": Fraction(1, 10**35)}
DENSE_TOLERANCE = {"TSIT5": Fraction(1, 10**15)}


def number(tok):
    tok = tok.strip()
    m = re.fullmatch(r"(-?)\s*([0-9.]+(?:e-?[0-9]+)?)\s*/\s*([0-9.]+)", tok)
    if m:
        return (-1 if m.group(1) else 1) * Fraction(m.group(2)) / Fraction(m.group(3))
    return Fraction(tok)


def parse_array(body, name):
    m = re.search(r"cubie_erk_%s\[[^=]*=\s*\{(.*?)\};" % name, body, re.S)
    if not m:
        return None
    text = m.group(1)
    if "{" in text:  # a matrix: rows in braces
        return [[number(x) for x in row.split(",") if x.strip()]
                for row in re.findall(r"\{([^{}]*)\}", text)]
    return [number(x) for x in text.split(",") if x.strip()]


def parse_tableaus(path, rows):
    """The tables of each method, sized by its methods.def row."""
    text = open(path).read()
    parts = re.split(r"#(?:el)?if defined\(CUBIE_ALGORITHM_(\w+)\)", text)
    methods = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        body = body.split("#else")[0]
        flags = {k: int(v) for k, v in re.findall(r"#define CUBIE_ERK_(\w+) (\d+)", body)}
        S = rows[name]["stages"] if name in rows else 0
        A = parse_array(body, "a")
        A = [row + [Fraction(0)] * (S - len(row)) for row in A]
        methods[name] = dict(
            flags=flags, S=S, c=parse_array(body, "c"), A=A, b=parse_array(body, "b"),
            e=parse_array(body, "e"), e3=parse_array(body, "e3"),
            dense=parse_array(body, "dense"))
    return methods


def parse_methods_def(path):
    """methods.def rows: M(ID, "name", "aliases", "description", FAMILY, stages,
    order, error_order, fsal, dense_order, dense_degree, jacobian)."""
    rows = {}
    for m in re.finditer(r'^ *M\((\w+), "[^"]*", "[^"]*", "[^"]*", (\w+), (\d+), (\d+), (\d+), '
                         r"(\d+), (\d+), (\d+), (\d+)\)", open(path).read(), re.M):
        rows[m.group(1)] = dict(family=m.group(2), stages=int(m.group(3)), order=int(m.group(4)),
                                error_order=int(m.group(5)), fsal=int(m.group(6)),
                                dense_order=int(m.group(7)), dense_degree=int(m.group(8)),
                                jacobian=int(m.group(9)))
    return rows


# Rooted trees as canonical nested tuples (sorted children).
def trees_up_to(order):
    by_order = {1: {()}}
    for n in range(2, order + 1):
        grown = set()
        for t in by_order[n - 1]:
            grown |= graft(t)
        by_order[n] = grown
    return by_order


def graft(t):
    """Every tree obtained from t by adding one leaf."""
    out = {tuple(sorted(t + ((),)))}
    for i, child in enumerate(t):
        for g in graft(child):
            out.add(tuple(sorted(t[:i] + (g,) + t[i + 1:])))
    return out


def size(t):
    return 1 + sum(size(c) for c in t)


def gamma(t):
    g = size(t)
    for c in t:
        g *= gamma(c)
    return g


def stage_weights(t, A, cache):
    """g_i(t) = prod over children u of (A g(u))_i."""
    if t in cache:
        return cache[t]
    S = len(A)
    g = [Fraction(1)] * S
    for child in t:
        gc = stage_weights(child, A, cache)
        for i in range(S):
            g[i] *= sum(A[i][j] * gc[j] for j in range(i))
    cache[t] = g
    return g


def order_of(weights, A, trees, max_order, tol):
    """Largest p <= max_order + 1 such that all conditions up to p hold."""
    cache = {}
    for p in range(1, max_order + 2):
        for t in trees.get(p, ()):
            g = stage_weights(t, A, cache)
            phi = sum(w * gi for w, gi in zip(weights, g))
            if abs(phi - Fraction(1, gamma(t))) > tol:
                return p - 1
    return max_order + 1


def main():
    rows = parse_methods_def(sys.argv[2])
    tableaus = parse_tableaus(sys.argv[1], rows)
    trees = trees_up_to(9)
    counts = [len(trees[n]) for n in range(1, 10)]
    assert counts == [1, 1, 2, 4, 9, 20, 48, 115, 286], counts
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    erk = {name for name, row in rows.items() if row["family"] == "ERK"}
    check(len(rows) > 0 and set(tableaus) == erk,
          "erk_tableaus.h has tables for exactly the ERK methods of methods.def: %s" % sorted(tableaus))
    for name, m in sorted(tableaus.items()):
        if name not in rows:
            continue
        row, flags, S, A, b, c = rows[name], m["flags"], m["S"], m["A"], m["b"], m["c"]
        tol = TOLERANCE.get(name, Fraction(0))
        check(len(A) == S and len(b) == S and len(c) == S, "%s: arrays have %d stages" % (name, S))
        check(all(abs(sum(A[i]) - c[i]) <= tol for i in range(S)), "%s: row sums equal c" % name)
        check(all(A[i][j] == 0 for i in range(S) for j in range(i, S)), "%s: A strictly lower" % name)
        p = row["order"]
        check(order_of(b, A, trees, p, tol) == p, "%s: b has order exactly %d" % (name, p))
        check((row["error_order"] > 0) == (m["e"] is not None),
              "%s: an error table exactly when error_order > 0" % name)
        if row["error_order"] > 0:
            ph = EMBEDDED_ORDER[name]
            bh = [x - y for x, y in zip(b, m["e"])]
            check(order_of(bh, A, trees, ph, tol) == ph, "%s: b - e has order %d" % (name, ph))
            check(row["error_order"] == min(p, ph) or name == "DOP853",
                  "%s: error_order %d = min(order, embedded order)" % (name, row["error_order"]))
            if flags.get("HAS_E3"):
                b3 = [x - y for x, y in zip(b, m["e3"])]
                check(order_of(b3, A, trees, 3, tol) == 3, "%s: b - e3 has order 3" % name)
        if row["fsal"]:
            check(c[S - 1] == 1 and A[S - 1][:S - 1] == b[:S - 1] and b[S - 1] == 0,
                  "%s: FSAL (last row of A = b, c = 1)" % name)
            uses_last = m["e"] is not None and m["e"][S - 1] != 0
            check(bool(flags.get("E_USES_FSAL_STAGE", 0)) == uses_last,
                  "%s: CUBIE_ERK_E_USES_FSAL_STAGE says whether e uses the FSAL stage" % name)
        check((row["dense_degree"] > 0) == (m["dense"] is not None)
              and (row["dense_degree"] > 0) == (row["dense_order"] > 0),
              "%s: a dense table exactly when dense_degree and dense_order > 0" % name)
        if row["dense_degree"] > 0:
            D, q = m["dense"], row["dense_order"]
            dtol = DENSE_TOLERANCE.get(name, tol)
            check(len(D) == S and all(len(r) == row["dense_degree"] for r in D),
                  "%s: dense table is %d x %d" % (name, S, row["dense_degree"]))
            check(all(abs(sum(D[j]) - b[j]) <= dtol for j in range(S)), "%s: b_j(1) = b_j" % name)
            ok = True
            cache = {}
            for n in range(1, q + 1):
                for t in trees[n]:
                    g = stage_weights(t, A, cache)
                    for mpow in range(row["dense_degree"]):  # coefficient of θ^(mpow+1)
                        lhs = sum(D[j][mpow] * g[j] for j in range(S))
                        rhs = Fraction(1, gamma(t)) if mpow + 1 == n else Fraction(0)
                        ok = ok and abs(lhs - rhs) <= dtol
            check(ok, "%s: dense output has order %d" % (name, q))
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
