#!/usr/bin/env python3
"""Check kernels/rosenbrock_tableaus.h against the Rosenbrock order
conditions and against the methods' rows in kernels/methods.def.

Every table is parsed into exact fractions (a decimal literal is its exact
decimal value, p.0 / q.0 the exact rational) and transformed back from the
form the kernel uses (a, c, m: Hairer & Wanner II, IV.7, eq. (7.25)) to
the classical coefficients: Γ^-1 = diag(1/γ) − C, α = a Γ, b = m Γ. Then:
  * Γ's diagonal is γ, α and Γ are lower triangular, α_i = Σ_j α_ij and
    γ_i = Σ_j γ_ij (what a non-autonomous problem needs);
  * b satisfies every Rosenbrock order condition (rooted tree) up to the
    row's order and not the next one, b̂ = b − e (in the k form) its
    embedded order; the conditions are those of Runge-Kutta methods with
    the elementary weights of HNW II, IV.7: a vertex with exactly one son
    uses β_ij = α_ij + γ_ij (diagonal included), every other α_ij, and the
    right-hand side is 1/γ(t);
  * W-methods (CUBIE_ROS_W_METHOD 1) also satisfy the W-order conditions
    (J replaced by any matrix A: each one-son vertex is either f' — α — or
    A — Γ — and a tree with an A vertex must give 0) up to their order;
    the other methods do not (they need the exact Jacobian);
  * the dense output y + Σ_j w_j(θ) u_j, w(θ) = θ m + θ(1−θ) Σ_k θ^k h_k,
    satisfies the continuous conditions Σ_j b_j(θ) Φ_j(t) = θ^ρ(t)/γ(t) up
    to the row's dense order;
  * R(∞) = 1 − b B^-1 1 (B = α + Γ) is 0 exactly for L-stable methods, and
    |R(iy)| <= 1 on the imaginary axis (A-stability: R's only pole 1/γ is
    in the right half-plane);
  * FSAL methods (ros23): the last stage's argument is y_new (a_Sj = m_j,
    α_S = 1), so f there is the next step's f(t, y);
  * CUBIE_ROS_SOLUTION_STAGES is the last stage y_new uses;
  * the row's stages, error order, dense degree and jacobian column fit, and
    every ROSENBROCK method of methods.def has tables (and no others do).

usage: check_rosenbrock.py kernels/rosenbrock_tableaus.h kernels/methods.def
"""
import re
import sys
from fractions import Fraction

# Orders of the embedded solutions, from each method's paper.
EMBEDDED_ORDER = {"ROS23": 3, "ROS3P": 2, "RODAS4": 3, "RODAS5P": 4}

# Largest |residual| accepted, ~10x the measured one. ros23 and ros3p are
# written with 36 digits of their closed forms; RODAS4's and RODAS5P's
# published decimals carry 16-17 digits (residuals ~1e-15), and their dense
# output rows, with coefficients up to ~80 in a degree-4 polynomial, ~1e-13.
TOLERANCE = {"ROS23": Fraction(1, 10**32), "ROS3P": Fraction(1, 10**32),
             "RODAS4": Fraction(1, 10**14), "RODAS5P": Fraction(1, 10**14)}
DENSE_TOLERANCE = {"RODAS4": Fraction(1, 10**14), "RODAS5P": Fraction(1, 10**12)}


def number(tok):
    tok = tok.strip()
    m = re.fullmatch(r"(-?)\s*([0-9.]+(?:e[-+]?[0-9]+)?)\s*/\s*([0-9.]+)", tok)
    if m:
        return (-1 if m.group(1) else 1) * Fraction(m.group(2)) / Fraction(m.group(3))
    return Fraction(tok)


def parse_array(body, name):
    m = re.search(r"cubie_ros_%s\[[^=]*=\s*\{(.*?)\};" % name, body, re.S)
    if not m:
        return None
    text = m.group(1)
    if "{" in text:
        return [[number(x) for x in row.split(",") if x.strip()]
                for row in re.findall(r"\{([^{}]*)\}", text)]
    return [number(x) for x in text.split(",") if x.strip()]


def parse_methods_def(path):
    rows = {}
    for m in re.finditer(r'^ *M\((\w+), "[^"]*", "[^"]*", "[^"]*", (\w+), (\d+), (\d+), (\d+), '
                         r"(\d+), (\d+), (\d+), (\d+)(?:, \d+)*\)", open(path).read(), re.M):
        rows[m.group(1)] = dict(family=m.group(2), stages=int(m.group(3)), order=int(m.group(4)),
                                error_order=int(m.group(5)), fsal=int(m.group(6)),
                                dense_order=int(m.group(7)), dense_degree=int(m.group(8)),
                                jacobian=int(m.group(9)))
    return rows


def parse_tableaus(path, rows):
    text = open(path).read()
    parts = re.split(r"#(?:el)?if defined\(CUBIE_ALGORITHM_(\w+)\)", text)
    methods = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        body = body.split("#else")[0]
        defs = dict(re.findall(r"#define CUBIE_ROS_(\w+) (\S+)", body))
        S = rows[name]["stages"] if name in rows else 0
        pad = lambda A: [r + [Fraction(0)] * (S - len(r)) for r in A]
        methods[name] = dict(
            S=S, gamma=number(defs["GAMMA"]), w_method=int(defs["W_METHOD"]),
            solution_stages=int(defs["SOLUTION_STAGES"]), l_stable=int(defs["L_STABLE"]),
            alpha=parse_array(body, "alpha"), gammas=parse_array(body, "gammas"),
            a=pad(parse_array(body, "a")), c=pad(parse_array(body, "c")),
            m=parse_array(body, "m"), e=parse_array(body, "e"), h=parse_array(body, "h"))
    return methods


def lower_inverse(L):
    """Inverse of a lower-triangular matrix with non-zero diagonal, exactly."""
    n = len(L)
    X = [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        X[i][i] = 1 / L[i][i]
        for j in range(i):
            s = sum(L[i][k] * X[k][j] for k in range(j, i))
            X[i][j] = -s / L[i][i]
    return X


def matmul(A, B):
    return [[sum(A[i][k] * B[k][j] for k in range(len(B))) for j in range(len(B[0]))]
            for i in range(len(A))]


def vecmat(v, A):
    return [sum(v[i] * A[i][j] for i in range(len(v))) for j in range(len(A[0]))]


# Rooted trees as canonical nested tuples (as check_tableaus.py).
def trees_up_to(order):
    by_order = {1: {()}}
    for n in range(2, order + 1):
        grown = set()
        for t in by_order[n - 1]:
            grown |= graft(t)
        by_order[n] = grown
    return by_order


def graft(t):
    out = {tuple(sorted(t + ((),)))}
    for i, child in enumerate(t):
        for g in graft(child):
            out.add(tuple(sorted(t[:i] + (g,) + t[i + 1:])))
    return out


def gamma_of(t):
    g = 1 + sum(size(c) for c in t)
    for c in t:
        g *= gamma_of(c)
    return g


def size(t):
    return 1 + sum(size(c) for c in t)


def weights(t, alpha, beta, cache):
    """Φ_i(t): one-son vertices use beta, the others alpha."""
    if t in cache:
        return cache[t]
    S = len(alpha)
    M = beta if len(t) == 1 else alpha
    g = [Fraction(1)] * S
    for child in t:
        gc = weights(child, alpha, beta, cache)
        for i in range(S):
            g[i] *= sum(M[i][j] * gc[j] for j in range(S))
    cache[t] = g
    return g


def order_of(b, alpha, beta, trees, max_order, tol):
    cache = {}
    for p in range(1, max_order + 2):
        for t in trees.get(p, ()):
            phi = sum(x * y for x, y in zip(b, weights(t, alpha, beta, cache)))
            if abs(phi - Fraction(1, gamma_of(t))) > tol:
                return p - 1
    return max_order + 1


def labelled_weights(t, alpha, Gam, S):
    """Φ_i of every labelling of t's one-son vertices with f' (α) or A (Γ):
    a list of (has_A, weights)."""
    child_sets = [labelled_weights(c, alpha, Gam, S) for c in t]
    out = []

    def combine(k, acc_has_a, acc_w, use):
        if k == len(t):
            out.append((acc_has_a, acc_w))
            return
        for has_a, w in child_sets[k]:
            M = use
            g = [acc_w[i] * sum(M[i][j] * w[j] for j in range(S)) for i in range(S)]
            combine(k + 1, acc_has_a or has_a, g, use)

    if len(t) == 1:
        for has_a, w in child_sets[0]:
            for M, is_a in ((alpha, False), (Gam, True)):
                out.append((has_a or is_a, [sum(M[i][j] * w[j] for j in range(S)) for i in range(S)]))
    else:
        combine(0, False, [Fraction(1)] * S, alpha)
    return out


def w_order_of(b, alpha, Gam, trees, max_order, tol):
    S = len(b)
    for p in range(1, max_order + 2):
        for t in trees.get(p, ()):
            for has_a, w in labelled_weights(t, alpha, Gam, S):
                phi = sum(x * y for x, y in zip(b, w))
                want = Fraction(0) if has_a else Fraction(1, gamma_of(t))
                if abs(phi - want) > tol:
                    return p - 1
    return max_order + 1


def stability(b, B, z):
    """R(z) = 1 + z b (I − z B)^-1 1 (B lower triangular), in complex floats."""
    S = len(b)
    x = [0j] * S
    for i in range(S):
        s = 1 + z * sum(float(B[i][j]) * x[j] for j in range(i))
        x[i] = s / (1 - z * float(B[i][i]))
    return 1 + z * sum(float(b[i]) * x[i] for i in range(S))


def r_infinity(b, B):
    """1 − b B^-1 1, exactly."""
    Bi = lower_inverse(B)
    return 1 - sum(b[i] * sum(Bi[i][j] for j in range(len(b))) for i in range(len(b)))


def main():
    rows = parse_methods_def(sys.argv[2])
    tables = parse_tableaus(sys.argv[1], rows)
    trees = trees_up_to(7)
    assert [len(trees[n]) for n in range(1, 8)] == [1, 1, 2, 4, 9, 20, 48]
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    ros = {name for name, row in rows.items() if row["family"] == "ROSENBROCK"}
    check(len(ros) > 0 and set(tables) == ros,
          "rosenbrock_tableaus.h has tables for exactly the ROSENBROCK methods of methods.def: %s"
          % sorted(tables))
    for name, T in sorted(tables.items()):
        if name not in rows:
            continue
        row, S, tol, g = rows[name], T["S"], TOLERANCE[name], T["gamma"]
        a, C, m, e = T["a"], T["c"], T["m"], T["e"]
        shapes = [len(a), len(C), len(m), len(e), len(T["alpha"]), len(T["gammas"])]
        check(shapes == [S] * 6 and all(len(r) == S for r in a + C), "%s: arrays have %d stages" % (name, S))
        check(all(a[i][j] == 0 and C[i][j] == 0 for i in range(S) for j in range(i, S)),
              "%s: a and c strictly lower triangular" % name)
        check(row["jacobian"] == 1, "%s: methods.def says it needs the Jacobian" % name)
        Gi = [[(1 / g if i == j else Fraction(0)) - C[i][j] for j in range(S)] for i in range(S)]
        Gam = lower_inverse(Gi)
        alpha = matmul(a, Gam)
        b = vecmat(m, Gam)
        bh = vecmat([x - y for x, y in zip(m, e)], Gam)
        B = [[alpha[i][j] + Gam[i][j] for j in range(S)] for i in range(S)]
        check(all(abs(alpha[i][j]) <= tol for i in range(S) for j in range(i, S)),
              "%s: α = a Γ strictly lower triangular" % name)
        check(all(abs(sum(alpha[i]) - T["alpha"][i]) <= tol for i in range(S)),
              "%s: α_i = Σ_j α_ij" % name)
        check(all(abs(sum(Gam[i]) - T["gammas"][i]) <= tol for i in range(S)),
              "%s: γ_i = Σ_j γ_ij" % name)
        p = row["order"]
        check(order_of(b, alpha, B, trees, p, tol) == p, "%s: b has order exactly %d" % (name, p))
        ph = EMBEDDED_ORDER[name]
        check(order_of(bh, alpha, B, trees, ph, tol) == ph, "%s: b̂ has order exactly %d" % (name, ph))
        check(row["error_order"] == min(p, ph),
              "%s: error_order %d = min(order, embedded order)" % (name, row["error_order"]))
        wp = w_order_of(b, alpha, Gam, trees, p, tol)
        if T["w_method"]:
            check(wp >= p, "%s: a W-method of order %d (any J): W-order %d" % (name, p, wp))
        else:
            check(wp < p, "%s: needs the exact Jacobian for its order (W-order only %d)" % (name, wp))
        last = max(j for j in range(S) if m[j] != 0) + 1
        check(T["solution_stages"] == last, "%s: CUBIE_ROS_SOLUTION_STAGES = %d" % (name, last))
        if row["fsal"]:
            check(T["alpha"][S - 1] == 1 and a[S - 1][:S - 1] == m[:S - 1] and m[S - 1] == 0,
                  "%s: FSAL (last stage at t + h, y_new: a_Sj = m_j)" % name)
        rinf = r_infinity(b, B)
        print("     %s: R(inf) = %.6f, embedded R(inf) = %.6f" % (name, float(rinf), float(r_infinity(bh, B))))
        check((abs(rinf) <= tol) == bool(T["l_stable"]),
              "%s: R(∞) = 0 exactly when CUBIE_ROS_L_STABLE (%.3g)" % (name, float(rinf)))
        worst = max(abs(stability(b, B, 1j * 10 ** (k / 20.0))) for k in range(-80, 161))
        check(worst <= 1 + 1e-12, "%s: A-stable (max |R(iy)| = %.15f)" % (name, worst))
        check((row["dense_degree"] > 0) == (T["h"] is not None)
              and (row["dense_degree"] > 0) == (row["dense_order"] > 0),
              "%s: dense rows exactly when dense_degree and dense_order > 0" % name)
        if row["dense_degree"] > 0:
            H, K, q = T["h"], row["dense_degree"] - 1, row["dense_order"]
            dtol = DENSE_TOLERANCE.get(name, tol)
            check(len(H) == K and all(len(r) == S for r in H), "%s: h is %d x %d" % (name, K, S))
            # w(θ) = Σ_n W[n] θ^(n+1): θ m + θ(1−θ) Σ_k θ^k h_k.
            W = [[Fraction(0)] * S for _ in range(K + 1)]
            for j in range(S):
                W[0][j] += m[j]
                for k in range(K):
                    W[k][j] += H[k][j]
                    W[k + 1][j] -= H[k][j]
            Wb = [vecmat(r, Gam) for r in W]  # k-form weights per power of θ
            ok = True
            cache = {}
            for n in range(1, q + 1):
                for t in trees[n]:
                    phi = weights(t, alpha, B, cache)
                    for power in range(K + 1):  # coefficient of θ^(power+1)
                        lhs = sum(Wb[power][j] * phi[j] for j in range(S))
                        rhs = Fraction(1, gamma_of(t)) if power + 1 == n else Fraction(0)
                        ok = ok and abs(lhs - rhs) <= dtol
            check(ok, "%s: dense output has order %d" % (name, q))
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
