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
    sum_j b_j(θ) Φ_j(t) = θ^ρ(t) / γ(t) up to the row's dense order, over
    the step's stages and the dense output's extra stages (c_extra,
    a_extra: their row sums are c_extra; a first extra stage said to be
    f(t + h, y_new) has b as its row); DOP853's dop853.f form (dense_d) is
    expanded into the weights b_j(θ) exactly first;
  * the row's stages, FSAL flag and dense degree are the tables' shape, and
    every ERK method of methods.def has tables (and no others do);
  * the stiffness test's constants (CUBIE_ERK_STIFF_STAGE_I/_J, _BOUND):
    exactly the methods of STIFF_TESTED have them; the two stages are at
    the same time (c_I = c_J) with different states (rows of A differ); and
    the bound lies just inside the stability boundary on the negative real
    axis, computed here from the tableau (|R(-x)| = 1 for the stability
    polynomial R(z) = 1 + Σ_k z^k b·A^(k-1)·1): between 95% and 100% of it
    (Hairer's 3.25 for DOPRI5's -3.3066, 6.1 for DOP853's -6.3937).
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

# The methods whose tableau gives the stiffness estimate (two stages at one
# time inside a step) and their exact stability boundaries on the negative
# real axis to 4 decimals (independent knowledge: dopri5 3.3066, tsit5 3.5068
# and vern7 4.6400 as OrdinaryDiffEq.jl's alg_stability_size; dop853 6.3937).
STIFF_TESTED = {"DOPRI5": 3.3066, "TSIT5": 3.5068, "DOP853": 6.3937, "VERN7": 4.6400}

# Largest |residual| accepted per method. Methods given as exact rationals
# must satisfy the conditions exactly. Tsitouras' and Hairer's decimals
# carry >= 29 digits (residuals ~1e-28 at worst); Verner's rationals written
# to 41 digits leave ~1e-39. The Tsit5 interpolant polynomials are
# published with as few as 17 significant digits, hence 1e-15 there.
TOLERANCE = {"TSIT5": Fraction(1, 10**24), "DOP853": Fraction(1, 10**25),
             "VERN7": Fraction(1, 10**35)}
DENSE_TOLERANCE = {"TSIT5": Fraction(1, 10**15), "DOP853": Fraction(1, 10**24),
                   "VERN7": Fraction(1, 10**34)}
# Verner's published 7th-order interpolant meets the conditions of order <= 6
# exactly (to its 40 digits) but those of order 7 only to ~1.3e-4 in the
# coefficients of θ^m (the residual polynomial stays below 1e-6 on [0, 1]:
# the interpolant is order 7 in practice, which test_dense_order measures);
# his stage 12 has a 9-digit coefficient (a1211 = -.160443457e-1).
DENSE_TOP_ORDER_TOLERANCE = {"VERN7": Fraction(2, 10**4)}


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
        flags = {k: int(v) for k, v in re.findall(r"#define CUBIE_ERK_(\w+) (\d+)$", body, re.M)}
        bound = re.search(r"#define CUBIE_ERK_STIFF_BOUND ([0-9.]+)$", body, re.M)
        S = rows[name]["stages"] if name in rows else 0
        A = parse_array(body, "a")
        A = [row + [Fraction(0)] * (S - len(row)) for row in A]
        methods[name] = dict(
            flags=flags, S=S, c=parse_array(body, "c"), A=A, b=parse_array(body, "b"),
            e=parse_array(body, "e"), e3=parse_array(body, "e3"),
            dense=parse_array(body, "dense"), dense_d=parse_array(body, "dense_d"),
            c_extra=parse_array(body, "c_extra"), a_extra=parse_array(body, "a_extra"),
            stiff_bound=float(bound.group(1)) if bound else None)
    return methods


def parse_methods_def(path):
    """methods.def rows: M(ID, "name", "aliases", "description", FAMILY, stages,
    order, error_order, fsal, dense_order, dense_degree, jacobian, dense_stages)."""
    rows = {}
    for m in re.finditer(r'^ *M\((\w+), "[^"]*", "[^"]*", "[^"]*", (\w+), (\d+), (\d+), (\d+), '
                         r"(\d+), (\d+), (\d+), (\d+), (\d+)\)", open(path).read(), re.M):
        rows[m.group(1)] = dict(family=m.group(2), stages=int(m.group(3)), order=int(m.group(4)),
                                error_order=int(m.group(5)), fsal=int(m.group(6)),
                                dense_order=int(m.group(7)), dense_degree=int(m.group(8)),
                                jacobian=int(m.group(9)), dense_stages=int(m.group(10)))
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


def real_stability_boundary(A, b):
    """The x > 0 where the stability region of the explicit method (A, b)
    first meets the negative real axis: the smallest x with |R(-x)| = 1."""
    S = len(A)
    coeffs, v = [1.0], [1.0] * S  # R(z) = Σ_k coeffs[k] z^k, coeffs[k] = b·A^(k-1)·1
    for _ in range(S):
        coeffs.append(sum(float(b[i]) * v[i] for i in range(S)))
        v = [sum(float(A[i][j]) * v[j] for j in range(S)) for i in range(S)]
    def stable(x):
        return abs(sum(c * (-x) ** k for k, c in enumerate(coeffs))) <= 1.0
    x = 0.0
    while stable(x + 1e-3):
        x += 1e-3
    lo, hi = x, x + 1e-3
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if stable(mid) else (lo, mid)
    return lo


def hairer_weights(D, b, S, X, degree):
    """dop853.f's y(θ) = y + θ(F0 + (1-θ)(F1 + θ(F2 + (1-θ)(F3 + θ(F4 + (1-θ)(F5 + θ F6))))))
    with F0 = h Σ b_j k_j, F1 = h k_0 - F0, F2 = 2 F0 - h (k_0 + k_(S-1)),
    F(3+i) = h Σ_j D[i][j] k_j, as weights b_j(θ) = Σ_m W[j][m] θ^(m+1)."""
    n = S + X
    # Coefficient vectors (over stages) of F0 .. F6.
    F = [list(b) + [Fraction(0)] * X]
    F.append([(1 if j == 0 else 0) - F[0][j] for j in range(n)])
    F.append([2 * F[0][j] - (1 if j == 0 else 0) - (1 if j == S - 1 else 0) for j in range(n)])
    for row in D:
        F.append(list(row) + [Fraction(0)] * (n - len(row)))
    # Polynomial multiplying each F: θ, θ(1-θ), θ²(1-θ), θ²(1-θ)², ... (nesting).
    def mul(p, q):
        r = [Fraction(0)] * (len(p) + len(q) - 1)
        for i, x in enumerate(p):
            for j, y in enumerate(q):
                r[i + j] += x * y
        return r
    # F_m is multiplied by the first m + 1 factors θ, (1-θ), θ, (1-θ), ...
    polys, cur = [], [Fraction(1)]
    for m in range(len(F)):
        cur = mul(cur, [Fraction(0), Fraction(1)] if m % 2 == 0 else [Fraction(1), Fraction(-1)])
        polys.append(cur)
    W = [[Fraction(0)] * degree for _ in range(n)]
    for m, poly in enumerate(polys):
        assert poly[0] == 0 and len(poly) - 1 <= degree
        for j in range(n):
            for e in range(1, len(poly)):
                W[j][e - 1] += F[m][j] * poly[e]
    return W


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
        check((row["dense_degree"] > 0) == (m["dense"] is not None or m["dense_d"] is not None)
              and (row["dense_degree"] > 0) == (row["dense_order"] > 0),
              "%s: a dense table exactly when dense_degree and dense_order > 0" % name)
        tested = all(("STIFF_STAGE_" + x) in flags for x in "IJ") and m["stiff_bound"] is not None
        check(tested == (name in STIFF_TESTED) and (tested or not any(
            k.startswith("STIFF") for k in flags)), "%s: stiffness test constants %s" % (
                name, "present" if name in STIFF_TESTED else "absent"))
        if tested:
            i, j = flags["STIFF_STAGE_I"], flags["STIFF_STAGE_J"]
            check(row["error_order"] > 0, "%s: a stiffness test only with an error estimate" % name)
            check(0 <= i < j < S and c[i] == c[j] and A[i] != A[j],
                  "%s: stiffness stages %d and %d at the same time, different states" % (name, i, j))
            x = real_stability_boundary(A, b)
            check(abs(x - STIFF_TESTED[name]) < 1e-4,
                  "%s: stability boundary on the negative real axis %.5f" % (name, x))
            check(0.95 * x <= m["stiff_bound"] < x,
                  "%s: stiffness bound %g just inside %.4f" % (name, m["stiff_bound"], x))
        X = row["dense_stages"]
        check((X > 0) == (m["a_extra"] is not None) == (m["c_extra"] is not None),
              "%s: extra-stage tables exactly when dense_stages > 0" % name)
        if row["dense_degree"] > 0:
            q, deg = row["dense_order"], row["dense_degree"]
            dtol = DENSE_TOLERANCE.get(name, tol)
            # The step's tableau extended by the dense output's extra stages.
            Ax = [list(r) + [Fraction(0)] * X for r in A]
            cx = list(c)
            if X > 0:
                ae, ce = m["a_extra"], m["c_extra"]
                check(len(ae) == X and len(ce) == X and all(len(r) <= S + X for r in ae),
                      "%s: %d extra stages" % (name, X))
                ae = [list(r) + [Fraction(0)] * (S + X - len(r)) for r in ae]
                check(all(abs(sum(ae[i]) - ce[i]) <= tol for i in range(X)),
                      "%s: extra-stage row sums equal c_extra" % name)
                check(all(ae[i][j] == 0 for i in range(X) for j in range(S + i, S + X)),
                      "%s: extra stages use only earlier stages" % name)
                if flags.get("EXTRA_IS_Y_NEW"):
                    check(ce[0] == 1 and all(abs(ae[0][j] - b[j]) <= tol for j in range(S)),
                          "%s: the first extra stage is f(t + h, y_new) (row b, c = 1)" % name)
                Ax += ae
                cx += ce
            bx = list(b) + [Fraction(0)] * X
            if flags.get("DENSE_HAIRER"):
                check(m["dense_d"] is not None and len(m["dense_d"]) == deg - 3 and row["fsal"],
                      "%s: dop853.f's form needs %d rows of D and the FSAL stage" % (name, deg - 3))
                D = hairer_weights(m["dense_d"], b, S, X, deg)
            else:
                D = [list(r) + [Fraction(0)] * (deg - len(r)) for r in m["dense"]]
            check(len(D) == S + X and all(len(r) == deg for r in D),
                  "%s: dense table is %d x %d" % (name, S + X, deg))
            check(all(abs(sum(D[j]) - bx[j]) <= dtol for j in range(S + X)), "%s: b_j(1) = b_j" % name)
            ok = True
            cache = {}
            for n in range(1, q + 1):
                for t in trees[n]:
                    g = stage_weights(t, Ax, cache)
                    for mpow in range(deg):  # coefficient of θ^(mpow+1)
                        lhs = sum(D[j][mpow] * g[j] for j in range(S + X))
                        rhs = Fraction(1, gamma(t)) if mpow + 1 == n else Fraction(0)
                        bound = DENSE_TOP_ORDER_TOLERANCE.get(name, dtol) if n == q else dtol
                        ok = ok and abs(lhs - rhs) <= bound
            check(ok, "%s: dense output has order %d" % (name, q))
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
